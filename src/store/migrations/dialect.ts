import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/**
 * The few places where SQLite and PostgreSQL need different DDL, for migrations only. Written
 * against `Kysely<any>` and importing nothing of today's schema, so a migration still runs as it
 * was written long after the types moved on.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An integer primary key the database numbers itself: SQLite's rowid alias, or a PostgreSQL identity. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function autoId(db: Kysely<any>): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return isPostgres(db) ? (c) => c.primaryKey().generatedByDefaultAsIdentity() : (c) => c.primaryKey();
}

/** A column of bytes: SQLite's BLOB, PostgreSQL's bytea. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function binary(db: Kysely<any>): 'blob' | 'bytea' {
  return isPostgres(db) ? 'bytea' : 'blob';
}

/** Makes a table refuse every UPDATE and DELETE, with the message `<table> is append-only`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function appendOnly(db: Kysely<any>, table: string): Promise<void> {
  const message = `${table} is append-only`;
  if (isPostgres(db)) {
    const fn = sql.ref(`${table}_append_only`);
    await sql`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${sql.raw(message)}'; END $$`.execute(db);
    await sql`CREATE TRIGGER ${sql.ref(`${table}_no_change`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION ${fn}()`.execute(db);
    return;
  }
  await sql`CREATE TRIGGER ${sql.raw(`${table}_no_update`)} BEFORE UPDATE ON ${sql.raw(table)}
    BEGIN SELECT RAISE(ABORT, ${sql.raw(`'${message}'`)}); END`.execute(db);
  await sql`CREATE TRIGGER ${sql.raw(`${table}_no_delete`)} BEFORE DELETE ON ${sql.raw(table)}
    BEGIN SELECT RAISE(ABORT, ${sql.raw(`'${message}'`)}); END`.execute(db);
}
