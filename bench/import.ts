// npm run bench:import [-- --file FILE] [--store sqlite|postgres|both] [--json]
// Imports the 143k arXiv sample (--file, default ../shared/data/arxiv-cs-143k.jsonl.gz) into a
// fresh database of each store, SQLite then PostgreSQL in the same run, and prints papers per
// second, peak memory and the database's size side by side. Each import runs in a process of its
// own (node's peak RSS is per process), with the same code as `paperboy import`.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Ingest } from '../src/catalog/ingest.js';
import { readSourceFile } from '../src/sources/files.js';
import { openDatabase } from '../src/store/db.js';
import { ARXIV_143K, requireData } from './support/data.js';
import { machine, openStore, storesOf, type StoreName } from './support/stores.js';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: ARXIV_143K },
    store: { type: 'string' },
    json: { type: 'boolean', default: false },
    one: { type: 'string' },
  },
});
const file = requireData(args.file, '--file', 'arxiv');

interface Result {
  store: StoreName;
  inserted: number;
  rejected: number;
  read: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  databaseMb: number;
}

if (args.one) {
  // The child: one import into one fresh store, its figures as JSON on stdout.
  const store = await openStore(args.one as StoreName, 'import');
  const db = await openDatabase(store.location);
  const started = performance.now();
  const report = await new Ingest(db).run(readSourceFile(file));
  const seconds = (performance.now() - started) / 1000;
  await db.destroy();
  const result: Result = {
    store: store.name,
    inserted: report.inserted,
    rejected: report.rejected,
    read: report.read,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(report.inserted / seconds),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    databaseMb: Math.round((await store.size()) / 1024 / 1024),
  };
  await store.drop();
  process.stdout.write(JSON.stringify(result));
} else {
  const results: Result[] = [];
  for (const store of storesOf(args.store)) {
    const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--file', file, '--one', store], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results.push(JSON.parse(out) as Result);
  }
  if (args.json) console.log(JSON.stringify(results));
  else {
    console.log(`file:    ${file}`);
    console.log(`papers:  ${results[0]!.inserted} inserted, ${results[0]!.rejected} rejected, ${results[0]!.read} read`);
    console.log('store       time (s)  papers/s  peak RSS (MB)  database (MB)');
    for (const r of results) {
      console.log(`${r.store.padEnd(10)} ${String(r.seconds).padStart(9)} ${String(r.perSecond).padStart(9)} ${String(r.peakRssMb).padStart(14)} ${String(r.databaseMb).padStart(14)}`);
    }
    if (results.length === 2) console.log(`ratio:   PostgreSQL imports at ${(results[1]!.perSecond / results[0]!.perSecond).toFixed(2)} × the rate of SQLite`);
    console.log(`machine: ${machine()}`);
  }
}
