import type { Kysely } from 'kysely';

/**
 * Papers listed with the announcement feed's data alone (arXiv's export API did not return them in
 * time): no submission date, comments or version history yet. Later runs of the daily read ask the
 * export API for their full records, each paper again later after a failure (`attempts`,
 * `next_attempt_at`), and delete the row once it is filled in.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('feed_only_papers')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    .addColumn('listed_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feed_only_papers_due').on('feed_only_papers').columns(['next_attempt_at', 'paper_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('feed_only_papers').execute();
}
