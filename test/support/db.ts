import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseLocation } from '../../src/config.js';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../../src/store/db.js';
import { storeKind } from '../../src/store/dialect.js';
import { openPostgres } from '../../src/store/postgres.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { createLogger } from '../../src/log.js';
import { adminQuery, blankDatabase, CLONE_PREFIX, databaseUrl, dropDatabase, quoteIdent, testPostgres } from './postgres.js';

/** The store the suite runs on: `PAPERBOY_TEST_STORE=postgres` (npm run test:postgres), else SQLite. */
export const testStore: 'sqlite' | 'postgres' = process.env.PAPERBOY_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TempDb {
  db: Db;
  /** A fresh temporary folder: the data directory (outbox, secret key; the SQLite file too on SQLite). */
  dir: string;
  location: DatabaseLocation;
  /** The settings a `paperboy` process or a loaded configuration needs to use this database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

let clones = 0;

/**
 * A fresh database migrated to the latest schema, in a fresh temporary folder: a real SQLite file
 * in it, or (PAPERBOY_TEST_STORE=postgres) a copy of the migrated template database.
 */
export async function tempDb(): Promise<TempDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-test-'));
  if (testStore === 'sqlite') {
    const location: DatabaseLocation = { kind: 'sqlite', file: path.join(dir, 'paperboy.sqlite') };
    return inFolder(dir, location, await openDatabase(location));
  }
  const { adminUrl, template } = await testPostgres();
  const name = `${CLONE_PREFIX}${process.pid}_${++clones}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  const location: DatabaseLocation = { kind: 'postgres', url: databaseUrl(adminUrl, name) };
  return inFolder(dir, location, await openDatabase(location), () => dropDatabase(adminUrl, name));
}

/**
 * A fresh database with no tables at all (no migration has run), on the store under test: for
 * tests of migrations over data written by older ones.
 */
export async function emptyDb(): Promise<TempDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-test-'));
  if (testStore === 'sqlite') {
    const location: DatabaseLocation = { kind: 'sqlite', file: path.join(dir, 'paperboy.sqlite') };
    return inFolder(dir, location, openSqlite(location.file));
  }
  const blank = await blankDatabase();
  return inFolder(dir, { kind: 'postgres', url: blank.url }, openPostgres(blank.url, createLogger('warn')), blank.drop);
}

/** A TempDb of an opened database in `dir`; cleanup closes it, drops it (PostgreSQL) and removes the folder. */
function inFolder(dir: string, location: DatabaseLocation, db: Db, drop: () => Promise<void> = async () => {}): TempDb {
  return {
    db,
    dir,
    location,
    env: location.kind === 'postgres' ? { PAPERBOY_DATA_DIR: dir, PAPERBOY_DATABASE_URL: location.url } : { PAPERBOY_DATA_DIR: dir },
    async cleanup() {
      await db.destroy();
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes the database refuse every new row of `table` with `message` (a full disk, say), until the
 * returned function is called: a SQLite trigger raising ABORT, or a PostgreSQL one raising an exception.
 */
export async function failInserts(db: Db, table: string, message: string): Promise<() => Promise<void>> {
  const trigger = sql.ref(`${table}_fails`);
  if (storeKind(db) === 'sqlite') {
    await sql`CREATE TRIGGER ${trigger} BEFORE INSERT ON ${sql.table(table)} BEGIN SELECT RAISE(ABORT, ${sql.lit(message)}); END`.execute(db);
    return async () => void (await sql`DROP TRIGGER ${trigger}`.execute(db));
  }
  const fn = sql.ref(`${table}_fails_fn`);
  await sql`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${sql.lit(`BEGIN RAISE EXCEPTION '${message.replace(/'/g, "''")}'; END`)}`.execute(db);
  await sql`CREATE TRIGGER ${trigger} BEFORE INSERT ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`.execute(db);
  return async () => {
    await sql`DROP TRIGGER ${trigger} ON ${sql.table(table)}`.execute(db);
    await sql`DROP FUNCTION ${fn}()`.execute(db);
  };
}
