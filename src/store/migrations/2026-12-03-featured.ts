import type { Kysely } from 'kysely';

/**
 * Moderators' picks: papers a moderator features on a day's page beside the ones members
 * submitted. One pick per paper (its listing day); `picked_by` is null when the operator picked
 * from the command line or the demo catalog did.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('featured_picks')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('picked_by', 'integer', (c) => c.references('users.id'))
    .addColumn('picked_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('featured_picks_day').on('featured_picks').columns(['day']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('featured_picks').execute();
}
