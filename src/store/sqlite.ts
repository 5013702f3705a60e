import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

/**
 * Everything that only SQLite understands lives here, so that the PostgreSQL mode
 * has one place to mirror.
 */
export function openSqlite(file: string): Kysely<Database> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const connection = new BetterSqlite3(file);
  // WAL lets the web server read while an import writes; NORMAL sync is safe with WAL
  // (a power cut may lose the last transactions, never corrupt the file).
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('cache_size = -65536');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
}

/** The most bound parameters one statement may carry (SQLite's default limit is 32766). */
export const SQLITE_MAX_PARAMS = 2000;
