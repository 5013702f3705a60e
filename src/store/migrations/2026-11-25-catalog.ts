import type { Kysely } from 'kysely';

// Written against Kysely<any> so it never depends on today's table types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('papers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('abstract', 'text', (c) => c.notNull())
    .addColumn('authors', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('primary_category', 'text', (c) => c.notNull())
    .addColumn('published', 'text')
    .addColumn('updated', 'text')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('journal_ref', 'text')
    .addColumn('doi', 'text')
    .addColumn('license', 'text')
    .addColumn('links', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('papers_day').on('papers').columns(['day', 'id']).execute();

  await db.schema
    .createTable('paper_versions')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('size', 'text')
    .addPrimaryKeyConstraint('paper_versions_pk', ['paper_id', 'version'])
    .execute();

  await db.schema
    .createTable('paper_categories')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('paper_categories_pk', ['paper_id', 'category'])
    .execute();
  await db.schema.createIndex('paper_categories_category').on('paper_categories').columns(['category', 'paper_id']).execute();

  await db.schema
    .createTable('harvest_checkpoints')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['harvest_checkpoints', 'paper_categories', 'paper_versions', 'papers']) {
    await db.schema.dropTable(table).execute();
  }
}
