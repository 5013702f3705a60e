// npm run bench:keyword-floor [-- --file FILE]
// The keyword index by itself: the catalog's titles, authors and abstracts inserted into a bare
// FTS5 table like the product's (same tokenizer and columns), in transactions of 5,000, with
// nothing else written. The time it takes is the least any import that builds this index can
// take on one core; run beside `npm run bench:import` (docs/benchmarks.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { ARXIV_143K, requireData } from './support/data.js';

const { values: args } = parseArgs({ options: { file: { type: 'string', default: ARXIV_143K } } });
const file = requireData(args.file, '--file', 'arxiv');
const docs: [string, string, string][] = [];
const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
for await (const line of lines) {
  const r = JSON.parse(line) as { title?: string; authors?: string[]; abstract?: string };
  docs.push([r.title ?? '', (r.authors ?? []).join(', '), r.abstract ?? '']);
}

function run(label: string, hashsize: number | null): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-fts-'));
  const db = new BetterSqlite3(path.join(dir, 'fts.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, authors, abstract, content = '', contentless_delete = 1, tokenize = 'porter unicode61 remove_diacritics 2')`);
  if (hashsize !== null) db.exec(`INSERT INTO f (f, rank) VALUES ('hashsize', ${hashsize})`);
  const insert = db.prepare('INSERT INTO f (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)');
  const cpu = process.cpuUsage();
  const started = performance.now();
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(i + 1, ...docs[i]!);
  });
  for (let i = 0; i < docs.length; i += 5000) batch(i, Math.min(i + 5000, docs.length));
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = process.cpuUsage(cpu).user / 1e6;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`${label.padEnd(22)} ${seconds.toFixed(1).padStart(6)} s  ${cpuSeconds.toFixed(1).padStart(5)} s CPU  ${Math.round(docs.length / seconds)} papers/s`);
}

console.log(`papers: ${docs.length} from ${file}`);
run('hashsize 1 MB (default)', null);
run('hashsize 64 MB', 64 * 1024 * 1024);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`);
