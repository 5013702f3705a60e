import fs from 'node:fs';
import { maskPassword } from '../../config.js';
import type { Logger } from '../../log.js';
import { COPIED, CopyRefused, isPaperboyTable, LEFT_OUT, planCopy } from './plan.js';
import { PostgresTarget } from './postgres-target.js';
import { SqliteSource, takeSnapshot } from './sqlite-source.js';

export { CopyRefused } from './plan.js';

/**
 * Moves a SQLite instance into an empty PostgreSQL database (`paperboy db copy`): a snapshot of
 * the running instance (sqlite-source.ts), every table of plan.ts written in batches in rowid
 * order, each batch in one transaction with where the copy stands (postgres-target.ts), then the
 * identity sequences set past the copied ids and each table's rows counted against the snapshot.
 * Run again after an interruption, it continues from the same snapshot where it stopped.
 */
export interface CopyOptions {
  /** The instance's SQLite file. */
  source: string;
  /** A postgres:// URL. */
  target: string;
  /** Most rows in one batch (one transaction). */
  batchRows?: number;
  log: Logger;
  /** Stops the copy after the batch it is writing; run again, it continues. */
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
}

export interface CopyProgress {
  table: string;
  /** Rows copied of every table, this run and earlier ones. */
  copied: number;
  total: number;
}

export interface CopyReport {
  source: string;
  /** The target's URL with its password masked. */
  target: string;
  /** When the snapshot copied was taken (the first run's start). */
  snapshotAt: string;
  /** Whether this run continued a copy stopped earlier. */
  resumed: boolean;
  /** Rows per copied table: all of them once the copy is done; so far, when interrupted. */
  tables: { name: string; rows: number }[];
  leftOut: { name: string; why: string }[];
  /** Identity columns whose sequences now start past the copied ids. */
  sequences: string[];
  /** Rows written by this run. */
  rowsThisRun: number;
  seconds: number;
  interrupted: boolean;
}

export const DEFAULT_BATCH_ROWS = 2000;
/** A batch stops growing past this much text and blobs: a few megabytes per statement. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export async function copyToPostgres(options: CopyOptions): Promise<CopyReport> {
  const started = performance.now();
  const { log } = options;
  const where = `the PostgreSQL database ${maskPassword(options.target)}`;
  const snapshotFile = `${options.source}.copy-snapshot`;

  // The live database's tables first: a table nobody taught the copy stops it before any work.
  const live = SqliteSource.open(options.source);
  try {
    planCopy(live.tables(), null);
  } finally {
    live.close();
  }

  const target = await PostgresTarget.open(options.target, log);
  try {
    return await target.exclusively(async () => {
      let state = await target.state();
      let snapshot: SqliteSource | null = null;
      if (state && state.source !== options.source) {
        throw new CopyRefused(`${where} holds an unfinished copy of ${state.source}: run db copy for that instance to finish it, or give an empty database`);
      }
      if (state) {
        snapshot = SqliteSource.openSnapshot(snapshotFile, state.snapshotId);
        if (!snapshot) {
          log.warn({ snapshot: snapshotFile }, 'the snapshot the unfinished copy read from is gone: starting the copy over from a new one');
          const present = new Set((await target.tables()).map((t) => t.name));
          await target.clear(COPIED.map((t) => t.name).filter((t) => present.has(t)));
          state = null;
        }
      }
      const resumed = state !== null;
      if (!state) await target.refuseUnlessEmpty(isPaperboyTable, where);
      await target.migrate();
      if (!state) {
        log.info({ source: options.source, snapshot: snapshotFile }, 'taking a snapshot of the SQLite database (the instance goes on serving)');
        const id = takeSnapshot(options.source, snapshotFile);
        snapshot = SqliteSource.openSnapshot(snapshotFile, id)!;
        try {
          planCopy(snapshot.tables(), await target.tables());
        } catch (error) {
          snapshot.close();
          fs.rmSync(snapshotFile, { force: true });
          throw error;
        }
        await target.start(options.source, id, COPIED.map((t) => t.name));
        state = (await target.state())!;
      }
      const source = snapshot!;
      try {
        const plan = planCopy(source.tables(), await target.tables());
        const unknown = plan.filter(({ table }) => !state!.progress.has(table.name)).map(({ table }) => table.name);
        if (unknown.length > 0) {
          throw new CopyRefused(`${where} holds a copy started by another version of Paperboy, which did not copy ${unknown.join(', ')}: give an empty database`);
        }
        const totals = new Map(plan.map(({ table }) => [table.name, source.count(table.name)]));
        const total = [...totals.values()].reduce((a, b) => a + b, 0);
        let copied = [...state.progress.values()].reduce((a, p) => a + p.copied, 0);
        let rowsThisRun = 0;
        let interrupted = false;
        const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;

        copying: for (const { table, columns } of plan) {
          const progress = state.progress.get(table.name)!;
          let after = progress.afterRowid;
          while (!progress.done) {
            if (options.signal?.aborted) {
              interrupted = true;
              break copying;
            }
            const batch = source.batch(table.name, columns, after, batchRows, MAX_BATCH_BYTES);
            if (batch.rows === 0) {
              await target.markDone(table.name);
              break;
            }
            await target.write(table, columns, batch.columns, batch.rows, batch.lastRowid);
            after = batch.lastRowid;
            progress.copied += batch.rows;
            copied += batch.rows;
            rowsThisRun += batch.rows;
            options.onProgress?.({ table: table.name, copied, total });
          }
        }

        const report = {
          source: options.source,
          target: maskPassword(options.target),
          snapshotAt: state.startedAt,
          resumed,
          leftOut: Object.entries(LEFT_OUT).map(([name, why]) => ({ name, why })),
          rowsThisRun,
          interrupted,
        };
        if (interrupted) {
          const tables = plan.map(({ table }) => ({ name: table.name, rows: state.progress.get(table.name)!.copied }));
          return { ...report, tables, sequences: [], seconds: (performance.now() - started) / 1000 };
        }

        const names = plan.map(({ table }) => table.name);
        const sequences = await target.finish(names);
        const tables: { name: string; rows: number }[] = [];
        const wrong: string[] = [];
        for (const name of names) {
          const rows = await target.count(name);
          if (rows !== totals.get(name)) wrong.push(`${name}: ${totals.get(name)} rows in the snapshot, ${rows} in PostgreSQL`);
          tables.push({ name, rows });
        }
        // Left as it is (with its bookkeeping), so the counts can be looked into.
        if (wrong.length > 0) throw new Error(`the copy does not hold what the snapshot holds:\n  ${wrong.join('\n  ')}`);
        await target.end();
        source.close();
        fs.rmSync(snapshotFile, { force: true });
        return { ...report, tables, sequences, seconds: (performance.now() - started) / 1000 };
      } finally {
        if (source.isOpen) source.close();
      }
    });
  } finally {
    await target.close();
  }
}
