import type { Kysely } from 'kysely';

/**
 * Models, datasets and Spaces on the Hugging Face Hub that cite a paper (the Hub links them by
 * `arxiv:<id>`), and when each paper was last looked up, so papers are asked about again only
 * after a while.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hub_links')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    // model, dataset or space
    .addColumn('kind', 'text', (c) => c.notNull())
    // `owner/name` on the Hub
    .addColumn('hub_id', 'text', (c) => c.notNull())
    .addColumn('likes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('downloads', 'integer')
    .addPrimaryKeyConstraint('hub_links_pk', ['paper_id', 'kind', 'hub_id'])
    .execute();

  await db.schema
    .createTable('hub_lookups')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hub_lookups').execute();
  await db.schema.dropTable('hub_links').execute();
}
