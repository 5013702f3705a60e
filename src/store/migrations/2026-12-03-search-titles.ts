import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

/**
 * PostgreSQL only (FTS5 needs neither): the titles' words in a tsvector of their own with a GIN
 * index, and the keyword index's rows laid out to be read quickly.
 *
 * A GIN index over `fts` knows which words a paper has, not in which field: a query for words in
 * the title ("large language models" in the title, the tier for queries of common words only)
 * found every paper with the words anywhere (about 50,000 of 143,000) and read each one's tsvector
 * to check the field, about a second. `title_fts` answers it from its index alone.
 *
 * A row's tsvector (about 2 kB) and vector (1 kB) together passed the size at which PostgreSQL
 * moves values out of the row (TOAST, about 2 kB), and the tsvector, the larger, went out: reading
 * it for a candidate cost a lookup in another table. Rows of up to 4 kB now stay whole, and if
 * one is larger still the vector leaves first. Applies to rows written from now on.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`ALTER TABLE search_docs SET (toast_tuple_target = 4080)`.execute(db);
  await sql`ALTER TABLE search_docs ALTER COLUMN fts SET STORAGE MAIN`.execute(db);
  await sql`ALTER TABLE search_docs ALTER COLUMN vector SET STORAGE EXTERNAL`.execute(db);

  await sql`ALTER TABLE search_docs ADD COLUMN title_fts tsvector`.execute(db);
  await sql`UPDATE search_docs d SET title_fts = to_tsvector('paperboy', paperboy_words(p.title)) FROM papers p WHERE p.id = d.paper_id`.execute(db);
  await sql`ALTER TABLE search_docs ALTER COLUMN title_fts SET NOT NULL`.execute(db);
  await sql`CREATE INDEX search_docs_title_fts ON search_docs USING gin (title_fts)`.execute(db);

  // The trigger of the search migration, now keeping the titles' words too: the title's vector is
  // made once, and is the A part of fts (what paperboy_fts makes).
  await sql`CREATE OR REPLACE FUNCTION papers_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE t tsvector; v tsvector;
  BEGIN
    IF TG_OP = 'DELETE' THEN
      DELETE FROM search_docs WHERE paper_id = OLD.id;
      RETURN NULL;
    END IF;
    t := to_tsvector('paperboy', paperboy_words(NEW.title));
    v := setweight(t, 'A')
      || setweight(to_tsvector('paperboy', paperboy_words(NEW.authors)), 'B')
      || setweight(to_tsvector('paperboy', paperboy_words(NEW.abstract)), 'C');
    IF TG_OP = 'INSERT' THEN
      INSERT INTO search_docs (paper_id, fts, length, title_fts) VALUES (NEW.id, v, paperboy_fts_length(v), t);
    ELSE
      UPDATE search_docs SET fts = v, length = paperboy_fts_length(v), title_fts = t, model = NULL, vector = NULL WHERE paper_id = NEW.id;
    END IF;
    RETURN NULL;
  END $$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`CREATE OR REPLACE FUNCTION papers_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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
  await sql`ALTER TABLE search_docs DROP COLUMN title_fts`.execute(db);
  await sql`ALTER TABLE search_docs RESET (toast_tuple_target)`.execute(db);
  await sql`ALTER TABLE search_docs ALTER COLUMN fts SET STORAGE EXTENDED`.execute(db);
  await sql`ALTER TABLE search_docs ALTER COLUMN vector SET STORAGE EXTENDED`.execute(db);
}
