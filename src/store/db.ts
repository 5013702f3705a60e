import type { Db } from './schema.js';
import { openSqlite } from './sqlite.js';
import { migrateToLatest } from './migrate.js';

export type { Db };

/** Opens the catalog database and brings its schema up to date. */
export async function openDatabase(file: string): Promise<Db> {
  const db = openSqlite(file);
  await migrateToLatest(db);
  return db;
}
