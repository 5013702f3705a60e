import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type SqliteDialectConfig } from 'kysely';
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
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: connection }) });
}

/**
 * Transactions start with BEGIN IMMEDIATE, taking the write lock at once (waiting for it up to
 * busy_timeout). With SQLite's default deferred BEGIN, a transaction that reads and then writes
 * fails with SQLITE_BUSY_SNAPSHOT, without waiting, when another process (an import, a digest
 * run) committed in between; the web server would answer 500. Every transaction here writes.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
