import type { Kysely } from 'kysely';

/**
 * The announcement days read from arXiv, one row per listing day: `listed` (its papers are stored)
 * or `none` (arXiv announced nothing: a holiday), from the daily feed or caught up through OAI-PMH,
 * and when search embedded its papers. The daily read goes by it (which days are done, which were
 * missed), and a day's digest waits for its row to say `listed` and embedded.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('announcement_days')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('listed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replaced', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addColumn('embedded_at', 'text')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('announcement_days').execute();
}
