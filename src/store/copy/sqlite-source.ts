import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type { TableShape } from './plan.js';

/**
 * The SQLite side of `db copy`: a snapshot of the running instance, read in batches.
 *
 * The snapshot is one `VACUUM INTO`: SQLite writes every table as one read transaction sees it,
 * so the instance goes on serving and writing meanwhile (WAL readers block nobody), and the copy
 * is of one moment, whole. It is kept beside the database until the copy ends, so an interrupted
 * copy continues from the same rows; its `user_version` carries a number that the PostgreSQL side
 * records, to know the snapshot it was filling from.
 */
export function takeSnapshot(live: string, file: string): number {
  const id = 1 + Math.floor(Math.random() * 0x7ffffffe);
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new BetterSqlite3(live, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(partial);
  } finally {
    db.close();
  }
  const snapshot = new BetterSqlite3(partial);
  try {
    snapshot.pragma(`user_version = ${id}`);
  } finally {
    snapshot.close();
  }
  fs.renameSync(partial, file);
  return id;
}

export interface Batch {
  /** One array per column, in the order asked for. */
  columns: unknown[][];
  rows: number;
  lastRowid: number;
}

/** A SQLite database opened to be read: the live one (only its schema) or a snapshot. */
export class SqliteSource {
  private readonly db: BetterSqlite3.Database;

  private constructor(file: string) {
    this.db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  }

  static open(file: string): SqliteSource {
    return new SqliteSource(file);
  }

  /** The snapshot `file` if it is there and is the one numbered `id`, else null. */
  static openSnapshot(file: string, id: number): SqliteSource | null {
    if (!fs.existsSync(file)) return null;
    const source = new SqliteSource(file);
    if (source.db.pragma('user_version', { simple: true }) === id) return source;
    source.close();
    return null;
  }

  /** Tables with their columns and foreign keys; virtual tables' shadow tables are left out (they go with their table). */
  tables(): TableShape[] {
    const list = this.db.prepare(`SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`).all() as {
      name: string;
      type: string;
      wr: number;
    }[];
    return list.map(({ name, wr }) => ({
      name,
      columns: (this.db.prepare('SELECT name FROM pragma_table_info(?)').all(name) as { name: string }[]).map((c) => c.name),
      references: [...new Set((this.db.prepare('SELECT "table" FROM pragma_foreign_key_list(?)').all(name) as { table: string }[]).map((r) => r.table))],
      withoutRowid: wr === 1,
    }));
  }

  count(table: string): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
  }

  /**
   * The rows after `afterRowid`, in rowid order (the order they were written; a reply's comment
   * after the one it answers): at most `maxRows`, and fewer once they hold `maxBytes` of text and
   * blobs (a trained model's state is tens of megabytes).
   */
  batch(table: string, columns: string[], afterRowid: number, maxRows: number, maxBytes: number): Batch {
    const statement = this.db
      .prepare(`SELECT rowid, ${columns.map(quote).join(', ')} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`)
      .raw();
    const out: unknown[][] = columns.map(() => []);
    let rows = 0;
    let bytes = 0;
    let lastRowid = afterRowid;
    for (const row of statement.iterate(afterRowid, maxRows) as Iterable<unknown[]>) {
      lastRowid = row[0] as number;
      for (let i = 0; i < columns.length; i++) {
        const value = row[i + 1];
        out[i]!.push(value);
        if (typeof value === 'string') bytes += value.length;
        else if (value instanceof Uint8Array) bytes += value.byteLength;
      }
      rows++;
      if (bytes >= maxBytes) break;
    }
    return { columns: out, rows, lastRowid };
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    this.db.close();
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
