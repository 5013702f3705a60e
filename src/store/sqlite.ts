import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
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
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: preparedOnce(connection) }) });
}

/** Statements kept; a program asks far fewer distinct ones, but lists of ids make new ones. */
const KEPT_STATEMENTS = 1000;

/**
 * The connection as Kysely sees it, each statement prepared once. Kysely prepares every query it
 * runs, and preparing costs a page of a member's (never cached) as much as running its queries.
 * Sharing a statement is safe: better-sqlite3 runs it to the end synchronously (nothing here
 * streams rows), and SQLite re-prepares it itself after a change of schema.
 */
function preparedOnce(connection: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= KEPT_STATEMENTS) statements.clear();
        statement = connection.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
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

/** Pages copied in one step of a backup (4 MB with SQLite's 4 kB pages), between which writers go on. */
const BACKUP_STEP_PAGES = 1000;

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/**
 * A consistent copy of the SQLite database `file` in `target`, made with SQLite's online backup
 * API from a connection of its own while other processes read and write it (a file copy could
 * catch a transaction half-written, and leaves the WAL out). The copy holds every transaction
 * committed before it started. A write from another connection makes SQLite start the copy over;
 * after one such restart the rest is copied in a single step, under one read lock, so a busy site
 * cannot keep the copy from ever finishing (writers go on meanwhile: WAL). The copy is written
 * beside `target` and renamed to it once whole, so `target` is never a half-made copy.
 */
export async function backupSqlite(file: string, target: string, onProgress?: (progress: BackupProgress) => void): Promise<{ pages: number; bytes: number; restarts: number }> {
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  source.pragma('busy_timeout = 5000');
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  let restarts = 0;
  let lastRemaining = Number.POSITIVE_INFINITY;
  try {
    const done = await source.backup(partial, {
      progress({ totalPages, remainingPages }) {
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        onProgress?.({ totalPages, remainingPages });
        return restarts > 0 ? totalPages : BACKUP_STEP_PAGES;
      },
    });
    onProgress?.({ totalPages: done.totalPages, remainingPages: 0 });
    fs.renameSync(partial, target);
    return { pages: done.totalPages, bytes: fs.statSync(target).size, restarts };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
}
