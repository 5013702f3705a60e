import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

/**
 * Search indexes. `search_docs` gives every paper a small integer (its number in the full-text and
 * vector indexes, which want integer keys) and holds its vector: an ordinary BLOB, so the same
 * table works on PostgreSQL. `embedding_models` keeps the trained embedder that made the vectors.
 *
 * The full-text part differs: on SQLite an FTS5 table and the triggers that keep it in step with
 * `papers`; on PostgreSQL a weighted tsvector in `search_docs` kept by a trigger (upPostgres below).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return upPostgres(db);
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
  if (isPostgres(db)) return downPostgres(db);
  for (const trigger of ['papers_search_insert', 'papers_search_update', 'papers_search_delete']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.ref(trigger)}`.execute(db);
  }
  await sql`DROP TABLE IF EXISTS papers_fts`.execute(db);
  await db.schema.dropTable('embedding_models').execute();
  await db.schema.dropTable('search_docs').execute();
}

/**
 * PostgreSQL: the same two tables (vectors as bytea), and the keyword index as a column of
 * `search_docs`: a tsvector with the title weighted A, the authors B and the abstract C, kept by
 * one trigger on `papers` inside the writer's transaction (whoever writes), under a GIN index.
 *
 * The text search configuration `paperboy` reads text as FTS5's `porter unicode61
 * remove_diacritics 2` does: every character that is not a letter or a digit separates words
 * (paperboy_words; PostgreSQL's own parser would keep `GPT-4`, `2401.12345` or an address whole),
 * accents are folded (unaccent), words are stemmed by the original Porter algorithm (Snowball's
 * `porter`, as FTS5's tokenizer; `english` is Porter2), and no stop words are dropped. `length` is
 * the number of words, for BM25's length normalisation.
 *
 * `changed_tx` is the transaction that last wrote a row's vector (or made the row), so that a
 * process can read only the vectors that changed since it last looked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function upPostgres(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('search_docs')
    .addColumn('doc', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('paper_id', 'text', (c) => c.notNull().unique())
    .addColumn('model', 'text')
    .addColumn('vector', 'bytea')
    .addColumn('fts', sql`tsvector`, (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull())
    .addColumn('changed_tx', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
    .execute();
  await db.schema.createIndex('search_docs_model').on('search_docs').columns(['model']).execute();
  await db.schema.createIndex('search_docs_changed').on('search_docs').columns(['changed_tx']).execute();
  await sql`CREATE INDEX search_docs_fts ON search_docs USING gin (fts)`.execute(db);

  await db.schema
    .createTable('embedding_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dimensions', 'integer', (c) => c.notNull())
    .addColumn('trained_on', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'bytea')
    .execute();

  // A trusted extension: the database's owner may install it.
  await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
  await sql`CREATE TEXT SEARCH DICTIONARY paperboy_porter (TEMPLATE = snowball, Language = porter)`.execute(db);
  await sql`CREATE TEXT SEARCH CONFIGURATION paperboy (COPY = simple)`.execute(db);
  await sql`ALTER TEXT SEARCH CONFIGURATION paperboy
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
    WITH unaccent, paperboy_porter`.execute(db);
  await sql`CREATE FUNCTION paperboy_words(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(t, '[^[:alnum:]]+', ' ', 'g')`.execute(db);
  await sql`CREATE FUNCTION paperboy_fts(title text, authors text, abstract text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN setweight(to_tsvector('paperboy', paperboy_words(title)), 'A')
        || setweight(to_tsvector('paperboy', paperboy_words(authors)), 'B')
        || setweight(to_tsvector('paperboy', paperboy_words(abstract)), 'C')`.execute(db);
  await sql`CREATE FUNCTION paperboy_fts_length(v tsvector) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(sum(array_length(positions, 1)), 0) FROM unnest(v))`.execute(db);

  // As the SQLite triggers do: a new paper gets its row, a changed title, authors or abstract a new
  // index entry and no vector (it is made again), a deleted paper loses its row.
  await sql`CREATE FUNCTION papers_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE v tsvector;
  BEGIN
    IF TG_OP = 'DELETE' THEN
      DELETE FROM search_docs WHERE paper_id = OLD.id;
      RETURN NULL;
    END IF;
    v := paperboy_fts(NEW.title, NEW.authors, NEW.abstract);
    IF TG_OP = 'INSERT' THEN
      INSERT INTO search_docs (paper_id, fts, length) VALUES (NEW.id, v, paperboy_fts_length(v));
    ELSE
      UPDATE search_docs SET fts = v, length = paperboy_fts_length(v), model = NULL, vector = NULL WHERE paper_id = NEW.id;
    END IF;
    RETURN NULL;
  END $$`.execute(db);
  await sql`CREATE TRIGGER papers_search_insert AFTER INSERT ON papers FOR EACH ROW EXECUTE FUNCTION papers_search_sync()`.execute(db);
  await sql`CREATE TRIGGER papers_search_update AFTER UPDATE OF title, authors, abstract ON papers FOR EACH ROW EXECUTE FUNCTION papers_search_sync()`.execute(db);
  await sql`CREATE TRIGGER papers_search_delete AFTER DELETE ON papers FOR EACH ROW EXECUTE FUNCTION papers_search_sync()`.execute(db);

  await sql`CREATE FUNCTION search_docs_vector_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    NEW.changed_tx := pg_current_xact_id();
    RETURN NEW;
  END $$`.execute(db);
  await sql`CREATE TRIGGER search_docs_vector_changed BEFORE UPDATE OF model, vector ON search_docs
    FOR EACH ROW EXECUTE FUNCTION search_docs_vector_changed()`.execute(db);

  // Papers stored before this migration.
  await sql`INSERT INTO search_docs (paper_id, fts, length)
    SELECT id, v, paperboy_fts_length(v) FROM (SELECT id, paperboy_fts(title, authors, abstract) AS v FROM papers ORDER BY created_at, id) p`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function downPostgres(db: Kysely<any>): Promise<void> {
  for (const trigger of ['papers_search_insert', 'papers_search_update', 'papers_search_delete']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.ref(trigger)} ON papers`.execute(db);
  }
  await db.schema.dropTable('embedding_models').execute();
  await db.schema.dropTable('search_docs').execute();
  for (const fn of ['papers_search_sync()', 'search_docs_vector_changed()', 'paperboy_fts(text, text, text)', 'paperboy_fts_length(tsvector)', 'paperboy_words(text)']) {
    await sql`DROP FUNCTION IF EXISTS ${sql.raw(fn)}`.execute(db);
  }
  await sql`DROP TEXT SEARCH CONFIGURATION IF EXISTS paperboy`.execute(db);
  await sql`DROP TEXT SEARCH DICTIONARY IF EXISTS paperboy_porter`.execute(db);
}
