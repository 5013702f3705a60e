import type { DatabaseLocation } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { migrateToLatest } from './migrate.js';
import { checkPostgres, openPostgres } from './postgres.js';
import type { Db } from './schema.js';
import { openSqlite } from './sqlite.js';

export type { Db };
export { DatabaseSetupError } from './postgres.js';

export interface OpenOptions {
  /** Where connection trouble is reported (PostgreSQL); the default logs warnings and errors to stderr. */
  log?: Logger;
}

/**
 * Opens the database (the one place that chooses SQLite or PostgreSQL) and brings its schema up
 * to date. A PostgreSQL database that would behave differently from SQLite is refused with a
 * DatabaseSetupError saying how to make one that does not.
 */
export async function openDatabase(location: DatabaseLocation, options: OpenOptions = {}): Promise<Db> {
  if (location.kind === 'sqlite') {
    const db = openSqlite(location.file);
    await migrateToLatest(db);
    locations.set(db, location);
    return db;
  }
  const db = openPostgres(location.url, options.log ?? createLogger('warn'));
  try {
    await checkPostgres(db, location.url);
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  locations.set(db, location);
  return db;
}

const locations = new WeakMap<object, DatabaseLocation>();

/** Where a database opened by openDatabase is, for a worker thread or process that opens its own connection. */
export function locationOf(db: Db): DatabaseLocation {
  const location = locations.get(db);
  if (!location) throw new Error('this database was not opened with openDatabase, so its location is unknown');
  return location;
}
