import { sql, type Kysely } from 'kysely';

/**
 * Search indexes. `search_docs` gives every paper a small integer (its number in the full-text and
 * vector indexes, which want integer keys) and holds its vector: an ordinary BLOB, so the same
 * table works on PostgreSQL. `embedding_models` keeps the trained embedder that made the vectors.
 *
 * The full-text part (FTS5 and the triggers that keep it in step with `papers`) is SQLite-only and
 * kept in one block below; a PostgreSQL mode would put a tsvector column there instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('search_docs')
    .addColumn('doc', 'integer', (c) => c.primaryKey())
    .addColumn('paper_id', 'text', (c) => c.notNull().unique())
    .addColumn('model', 'text')
    .addColumn('vector', 'blob')
    .execute();
  await db.schema.createIndex('search_docs_model').on('search_docs').columns(['model']).execute();

  await db.schema
    .createTable('embedding_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dimensions', 'integer', (c) => c.notNull())
    .addColumn('trained_on', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'blob')
    .execute();

  // ---- SQLite only: FTS5 keyword index over title, authors and abstract.
  // Contentless (the text stays in `papers` only) with contentless_delete so rows can be replaced.
  // Porter stemming on top of unicode61 with diacritics folded: "transformers" finds "transformer".
  await sql`CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, authors, abstract,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
  )`.execute(db);
  // Triggers keep the index in step inside the writer's own transaction, whoever writes papers,
  // at the cost of one index insert per paper (see docs/benchmarks.md for the import rate).
  await sql`CREATE TRIGGER papers_search_insert AFTER INSERT ON papers BEGIN
    INSERT INTO search_docs (paper_id) VALUES (new.id);
    INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (last_insert_rowid(), new.title, new.authors, new.abstract);
  END`.execute(db);
  await sql`CREATE TRIGGER papers_search_update AFTER UPDATE OF title, authors, abstract ON papers BEGIN
    DELETE FROM papers_fts WHERE rowid = (SELECT doc FROM search_docs WHERE paper_id = old.id);
    INSERT INTO papers_fts (rowid, title, authors, abstract)
      SELECT doc, new.title, new.authors, new.abstract FROM search_docs WHERE paper_id = new.id;
    UPDATE search_docs SET model = NULL, vector = NULL WHERE paper_id = new.id;
  END`.execute(db);
  await sql`CREATE TRIGGER papers_search_delete AFTER DELETE ON papers BEGIN
    DELETE FROM papers_fts WHERE rowid = (SELECT doc FROM search_docs WHERE paper_id = old.id);
    DELETE FROM search_docs WHERE paper_id = old.id;
  END`.execute(db);
  // Papers stored before this migration.
  await sql`INSERT INTO search_docs (paper_id) SELECT id FROM papers ORDER BY rowid`.execute(db);
  await sql`INSERT INTO papers_fts (rowid, title, authors, abstract)
    SELECT d.doc, p.title, p.authors, p.abstract FROM search_docs d JOIN papers p ON p.id = d.paper_id`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['papers_search_insert', 'papers_search_update', 'papers_search_delete']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.ref(trigger)}`.execute(db);
  }
  await sql`DROP TABLE IF EXISTS papers_fts`.execute(db);
  await db.schema.dropTable('embedding_models').execute();
  await db.schema.dropTable('search_docs').execute();
}
