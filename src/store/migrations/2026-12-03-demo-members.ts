import type { Kysely } from 'kysely';

/**
 * Accounts that stand for demo data: the votes and submissions the bundled demo catalog arrives
 * with are theirs. They are labelled as demo data wherever they show, and can never sign in.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('is_demo').execute();
}
