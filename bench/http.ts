// npm run bench:http [-- --file FILE]
// Loads the 143k arXiv sample (--file, default ../shared/data/arxiv-cs-143k.jsonl.gz), then drives
// the home page, a paper page, the same paper's BibTeX export and the search page with 64
// concurrent connections on loopback (autocannon) and prints requests/s and latencies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Ingest } from '../src/catalog/ingest.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { trainCatalogModel } from '../src/search/maintain.js';
import { SearchService } from '../src/search/service.js';
import { readSourceFile } from '../src/sources/files.js';
import { openDatabase } from '../src/store/db.js';
import { latestDay } from '../src/store/papers.js';
import { searchDb } from '../src/store/search-docs.js';
import { webDeps } from '../src/web/compose.js';
import { buildServer } from '../src/web/server.js';
import { ARXIV_143K, requireData } from './support/data.js';

const { values: args } = parseArgs({ options: { file: { type: 'string', default: ARXIV_143K } } });
const file = requireData(args.file, '--file', 'arxiv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-http-'));
const db = await openDatabase(path.join(dir, 'paperboy.sqlite'));
console.log(`loading ${file} ...`);
await new Ingest(db).run(readSourceFile(file));
const service = new SearchService(db, await trainCatalogModel(searchDb(db)));
await service.load();

const log = createLogger('silent');
const app = await buildServer({ ...webDeps(db, log, loadConfig({ PAPERBOY_DATA_DIR: dir })), search: { search: service, maintenanceIntervalMs: 0 } });
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
const day = (await latestDay(db))!;
const paper = await db.selectFrom('papers').select('id').where('day', '=', day).orderBy('id').limit(1).executeTakeFirstOrThrow();

const targets = [
  ['home page', '/'],
  ['paper page', `/papers/${paper.id}`],
  ['paper BibTeX', `/papers/${paper.id}.bib`],
  ['search page', '/search?q=diffusion+models+for+video'],
] as const;

console.log(`\n64 connections, 10 s each, on ${os.cpus().length} cores (server and load generator share them)`);
console.log('page          requests/s   p50 ms   p99 ms   errors');
for (const [name, url] of targets) {
  const result = await autocannon({ url: origin + url, connections: 64, duration: 10 });
  const errors = result.errors + result.non2xx;
  console.log(
    `${name.padEnd(13)} ${String(Math.round(result.requests.average)).padStart(10)} ${String(result.latency.p50).padStart(8)} ${String(result.latency.p99).padStart(8)} ${String(errors).padStart(8)}`,
  );
}
await app.close();
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });
