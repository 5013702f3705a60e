// npm run bench:import [-- --file FILE]
// Imports the 143k arXiv sample (--file, default ../shared/data/arxiv-cs-143k.jsonl.gz) into a
// fresh database and prints papers per second and peak memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Ingest } from '../src/catalog/ingest.js';
import { readSourceFile } from '../src/sources/files.js';
import { openDatabase } from '../src/store/db.js';
import { ARXIV_143K, requireData } from './support/data.js';

const { values: args } = parseArgs({ options: { file: { type: 'string', default: ARXIV_143K } } });
const file = requireData(args.file, '--file', 'arxiv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-import-'));
const db = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'paperboy.sqlite') });

const started = performance.now();
const report = await new Ingest(db).run(readSourceFile(file));
const seconds = (performance.now() - started) / 1000;
await db.destroy();

const peakMb = process.resourceUsage().maxRSS / 1024;
const dbMb = fs.statSync(path.join(dir, 'paperboy.sqlite')).size / 1024 / 1024;
console.log(`file:          ${file}`);
console.log(`papers:        ${report.inserted} inserted, ${report.rejected} rejected, ${report.read} read`);
console.log(`time:          ${seconds.toFixed(1)} s`);
console.log(`rate:          ${Math.round(report.inserted / seconds)} papers/s`);
console.log(`peak memory:   ${peakMb.toFixed(0)} MB (max RSS)`);
console.log(`database size: ${dbMb.toFixed(0)} MB`);
console.log(`machine:       ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
fs.rmSync(dir, { recursive: true, force: true });
