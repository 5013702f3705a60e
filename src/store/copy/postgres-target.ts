import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../log.js';
import { migrateToLatest } from '../migrate.js';
import { checkPostgres, openPostgres } from '../postgres.js';
import { CopyRefused, type CopiedTable, type TableShape } from './plan.js';

/**
 * The PostgreSQL side of `db copy`. Where a copy stands is kept in the database it fills, in two
 * tables of its own that the copy drops when it ends: which SQLite file and snapshot it copies
 * (`paperboy_copy_source`), and per table the last SQLite rowid copied and how many rows
 * (`paperboy_copy_progress`). Each batch of rows is written in one transaction with its progress
 * row, so a copy stopped anywhere (Ctrl-C, kill, a lost connection) continues after the last batch
 * that was written, and no row is written twice.
 */
export interface CopyState {
  source: string;
  snapshotId: number;
  startedAt: string;
  progress: Map<string, { afterRowid: number; copied: number; done: boolean }>;
}

interface Column {
  name: string;
  /** The element type, for the array the batch is sent as: int4, text, bytea... */
  type: string;
  identity: boolean;
}

const SOURCE_TABLE = 'paperboy_copy_source';
const PROGRESS_TABLE = 'paperboy_copy_progress';
const STATE_TABLES = [SOURCE_TABLE, PROGRESS_TABLE];

export class PostgresTarget {
  // The copy writes tables by name, whatever the types of today's schema say.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private constructor(private readonly db: Kysely<any>) {}

  /** Connects and checks the database's server and settings (as every Paperboy process does); migrates nothing yet. */
  static async open(url: string, log: Logger): Promise<PostgresTarget> {
    const db = openPostgres(url, log);
    try {
      await checkPostgres(db, url);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new PostgresTarget(db);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  /**
   * Holds a lock for as long as `fn` runs, so two copies never fill one database at once; it goes
   * with the connection if the process dies.
   */
  async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (connection) => {
      const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${LOCK_SPACE}, 1) AS ok`.execute(connection);
      if (!rows[0]?.ok) throw new CopyRefused('another db copy is filling this database now; wait for it to end');
      try {
        return await fn();
      } finally {
        await sql`SELECT pg_advisory_unlock(${LOCK_SPACE}, 1)`.execute(connection);
      }
    });
  }

  migrate(): Promise<void> {
    return migrateToLatest(this.db);
  }

  /** The tables of the schema the copy writes into, with their columns, leaving out the copy's own. */
  async tables(): Promise<TableShape[]> {
    const columns = await this.columns();
    return [...columns].filter(([name]) => !STATE_TABLES.includes(name)).map(([name, cols]) => ({ name, columns: cols.map((c) => c.name), references: [] }));
  }

  /**
   * Refuses a database that holds anything: rows in Paperboy's tables, or tables that are not
   * Paperboy's (`ours`). A migrated database without rows is empty.
   */
  async refuseUnlessEmpty(ours: (table: string) => boolean, where: string): Promise<void> {
    const tables = [...(await this.columns()).keys()].filter((t) => !STATE_TABLES.includes(t));
    const foreign = tables.filter((t) => !ours(t));
    if (foreign.length > 0) {
      throw new CopyRefused(`${where} is not empty: it holds tables that are not Paperboy's (${foreign.join(', ')}); db copy fills an empty database`);
    }
    const filled: string[] = [];
    for (const table of tables) {
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(this.db);
      const n = Number(rows[0]!.n);
      if (n > 0 && !table.startsWith('kysely_migration')) filled.push(`${table} (${n} ${n === 1 ? 'row' : 'rows'})`);
    }
    if (filled.length > 0) throw new CopyRefused(`${where} is not empty: ${filled.join(', ')}; db copy fills an empty database`);
  }

  /** Where an unfinished copy into this database stands, or null if none was started. */
  async state(): Promise<CopyState | null> {
    const tables = await this.columns();
    if (!tables.has(SOURCE_TABLE) || !tables.has(PROGRESS_TABLE)) return null;
    const source = await this.db.selectFrom(SOURCE_TABLE).selectAll().executeTakeFirst();
    if (!source) return null;
    const rows = await this.db.selectFrom(PROGRESS_TABLE).selectAll().execute();
    return {
      source: source.source,
      snapshotId: Number(source.snapshot_id),
      startedAt: source.started_at,
      progress: new Map(rows.map((r) => [r.table_name, { afterRowid: Number(r.after_rowid), copied: Number(r.copied), done: r.done === 1 }])),
    };
  }

  /** Records that a copy of `source`'s snapshot `snapshotId` starts, with nothing copied of `tables` yet. */
  async start(source: string, snapshotId: number, tables: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.schema
        .createTable(SOURCE_TABLE)
        .ifNotExists()
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('snapshot_id', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .execute();
      await trx.schema
        .createTable(PROGRESS_TABLE)
        .ifNotExists()
        .addColumn('table_name', 'text', (c) => c.primaryKey())
        .addColumn('after_rowid', 'bigint', (c) => c.notNull())
        .addColumn('copied', 'bigint', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull())
        .execute();
      await trx.deleteFrom(SOURCE_TABLE).execute();
      await trx.deleteFrom(PROGRESS_TABLE).execute();
      await trx.insertInto(SOURCE_TABLE).values({ source, snapshot_id: snapshotId, started_at: new Date().toISOString() }).execute();
      await trx.insertInto(PROGRESS_TABLE).values(tables.map((table_name) => ({ table_name, after_rowid: 0, copied: 0, done: 0 }))).execute();
    });
  }

  /** Empties the tables an unfinished copy wrote into, to start it again from a new snapshot. */
  async clear(tables: string[]): Promise<void> {
    await sql`TRUNCATE ${sql.join(tables.map((t) => sql.table(t)))} RESTART IDENTITY`.execute(this.db);
  }

  /**
   * Writes one batch of `table` (columns as arrays, as read from SQLite) and where the copy of
   * that table now stands, in one transaction. The table's own insert triggers are off meanwhile:
   * the copy writes what they would derive (search_docs) itself.
   */
  async write(table: CopiedTable, columns: string[], values: unknown[][], rows: number, lastRowid: number): Promise<void> {
    const { shape, triggers } = await this.writing(table.name);
    const typeOf = (name: string) => shape.find((c) => c.name === name)!.type;
    const made = Object.entries(table.madeOnTarget?.columns ?? {}).filter((entry): entry is [string, string] => entry[1] !== null);
    const into = [...columns, ...made.map(([name]) => name)].map((c) => sql.ref(c));
    const select = [...columns.map((c) => sql.ref(`s.${c}`)), ...made.map(([, expression]) => sql.raw(expression))];
    const arrays = columns.map((c, i) => sql`${values[i]}::${sql.raw(arrayType(typeOf(c)))}`);
    const from = table.madeOnTarget ? sql.raw(table.madeOnTarget.from) : sql``;
    const overriding = shape.some((c) => c.identity) ? sql`OVERRIDING SYSTEM VALUE` : sql``;
    await this.db.transaction().execute(async (trx) => {
      for (const trigger of triggers) await sql`ALTER TABLE ${sql.table(table.name)} DISABLE TRIGGER ${sql.ref(trigger)}`.execute(trx);
      await sql`INSERT INTO ${sql.table(table.name)} (${sql.join(into)}) ${overriding}
        SELECT ${sql.join(select)} FROM unnest(${sql.join(arrays)}) AS s(${sql.join(columns.map((c) => sql.ref(c)))}) ${from}`.execute(trx);
      for (const trigger of triggers) await sql`ALTER TABLE ${sql.table(table.name)} ENABLE TRIGGER ${sql.ref(trigger)}`.execute(trx);
      await trx
        .updateTable(PROGRESS_TABLE)
        .set({ after_rowid: lastRowid, copied: sql`copied + ${rows}` })
        .where('table_name', '=', table.name)
        .execute();
    });
  }

  async markDone(table: string): Promise<void> {
    await this.db.updateTable(PROGRESS_TABLE).set({ done: 1 }).where('table_name', '=', table).execute();
  }

  /**
   * After the last batch: every identity column's sequence goes past the largest id copied (the
   * next member, comment or mail gets a new number), and the planner gets statistics for tables
   * filled all at once. Safe to run again.
   */
  async finish(tables: string[]): Promise<string[]> {
    const moved: string[] = [];
    for (const [table, columns] of await this.columns()) {
      if (!tables.includes(table)) continue;
      for (const column of columns.filter((c) => c.identity)) {
        await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column.name}), coalesce(max(${sql.ref(column.name)}), 0) + 1, false)
          FROM ${sql.table(table)}`.execute(this.db);
        moved.push(`${table}.${column.name}`);
      }
    }
    await sql`ANALYZE ${sql.join(tables.map((t) => sql.table(t)))}`.execute(this.db);
    return moved;
  }

  async count(table: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(this.db);
    return Number(rows[0]!.n);
  }

  /** The copy is over: its bookkeeping goes, and the database is an ordinary Paperboy database. */
  async end(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const table of STATE_TABLES) await trx.schema.dropTable(table).ifExists().execute();
    });
  }

  private readonly tablesWritten = new Map<string, { shape: Column[]; triggers: string[] }>();

  /** A table's columns and insert triggers, read once per copy (the schema does not change under it). */
  private async writing(table: string): Promise<{ shape: Column[]; triggers: string[] }> {
    let known = this.tablesWritten.get(table);
    if (!known) {
      known = { shape: (await this.columns()).get(table)!, triggers: await this.insertTriggers(table) };
      this.tablesWritten.set(table, known);
    }
    return known;
  }

  /** Every table of the schema the copy writes into, with its columns in order. */
  private async columns(): Promise<Map<string, Column[]>> {
    const { rows } = await sql<{ table_name: string; column_name: string; udt_name: string; is_identity: string }>`
      SELECT c.table_name, c.column_name, c.udt_name, c.is_identity FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`.execute(this.db);
    const tables = new Map<string, Column[]>();
    for (const r of rows) {
      const list = tables.get(r.table_name) ?? [];
      list.push({ name: r.column_name, type: r.udt_name, identity: r.is_identity === 'YES' });
      tables.set(r.table_name, list);
    }
    return tables;
  }

  /** The user triggers of a table that fire on INSERT and are on. */
  private async insertTriggers(table: string): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      SELECT tgname AS name FROM pg_trigger
      WHERE tgrelid = (SELECT oid FROM pg_class WHERE relname = ${table} AND relnamespace = current_schema()::regnamespace)
        AND NOT tgisinternal AND tgenabled <> 'D' AND (tgtype & 4) <> 0`.execute(this.db);
    return rows.map((r) => r.name);
  }
}

/** A namespace for the copy's advisory lock (the first of the two keys), apart from other users of them. */
const LOCK_SPACE = 0x70626370; // 'pbcp'

/** `int4` -> `int4[]`; a type name from information_schema, checked before it goes into SQL text. */
function arrayType(type: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(type)) throw new Error(`db copy cannot send values of the PostgreSQL type ${JSON.stringify(type)}`);
  return `${type}[]`;
}
