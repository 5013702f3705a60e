// The stores a benchmark runs on: SQLite in a temporary folder, and PostgreSQL in a database of
// its own on the machine's cluster (set up as the tests set it up: test/support/postgres.ts),
// with the server's ordinary settings (every commit flushed, unlike the tests' databases).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseLocation } from '../../src/config.js';
import { adminQuery, databaseUrl, preparePostgres, quoteIdent } from '../../test/support/postgres.js';

export type StoreName = 'sqlite' | 'postgres';
export const STORE_NAMES: readonly StoreName[] = ['sqlite', 'postgres'];

/** `--store sqlite`, `postgres` or `both` (the default): the stores to run on, SQLite first. */
export function storesOf(flag: string | undefined): StoreName[] {
  if (flag === undefined || flag === 'both') return [...STORE_NAMES];
  if (flag === 'sqlite' || flag === 'postgres') return [flag];
  console.error(`--store ${flag}: must be sqlite, postgres or both`);
  process.exit(2);
}

export interface BenchStore {
  name: StoreName;
  location: DatabaseLocation;
  /** Bytes the database takes on disk. */
  size(): Promise<number>;
  drop(): Promise<void>;
}

/**
 * An empty store. `keep` names one that outlives the run (a SQLite file, a PostgreSQL database)
 * and is reused when it exists; `existed` says whether it did.
 */
export async function openStore(name: StoreName, label: string, keep?: string): Promise<BenchStore & { existed: boolean }> {
  if (name === 'sqlite') {
    const file = keep ? path.resolve(keep) : path.join(fs.mkdtempSync(path.join(os.tmpdir(), `paperboy-bench-${label}-`)), 'paperboy.sqlite');
    const existed = fs.existsSync(file);
    return {
      name,
      existed,
      location: { kind: 'sqlite', file },
      size: async () => ['', '-wal'].reduce((sum, end) => sum + (fs.existsSync(file + end) ? fs.statSync(file + end).size : 0), 0),
      drop: async () => {
        if (!keep) fs.rmSync(path.dirname(file), { recursive: true, force: true });
      },
    };
  }
  const { adminUrl } = await preparePostgres();
  const database = keep ?? `paperboy_bench_${label}_${process.pid}`;
  const existed = (await adminQuery(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [database])).length > 0;
  if (!existed) await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(database)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`);
  const url = new URL(databaseUrl(adminUrl, database));
  url.searchParams.delete('options');
  return {
    name,
    existed,
    location: { kind: 'postgres', url: url.toString() },
    size: async () => Number((await adminQuery<{ n: string }>(adminUrl, 'SELECT pg_database_size($1) AS n', [database]))[0]!.n),
    drop: async () => {
      if (!keep) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    },
  };
}

/** What the machine was doing: the figures of a shared machine mean little without it. */
export function machine(): string {
  const [one, five] = os.loadavg();
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${one!.toFixed(1)} (1 min), ${five!.toFixed(1)} (5 min)`;
}
