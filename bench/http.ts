// npm run bench:http [-- --file FILE]
// Loads the 143k arXiv sample (--file, default ../shared/data/arxiv-cs-143k.jsonl.gz), then drives
// the home page, the latest week and month, a paper page, the same paper's BibTeX export and the
// search page with 64 concurrent connections on loopback (autocannon) and prints requests/s and
// latencies. Visitors' pages come from the page cache after the first request, so it also times
// the work behind one uncached period page (the featured papers and one page of "All new papers",
// as the route asks for them), median of 15 runs each.
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
import { periodOf } from '../src/catalog/periods.js';
import { featuredAndRest } from '../src/ranking/period-papers.js';
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
// A living day: twenty papers of it featured (submitted by a member), as the demo catalog's are.
const member = await db.insertInto('users').values({ email: 'bench@example.org', username: 'bench', display_name: 'Bench', password_hash: '!', role: 'member', created_at: `${day}T00:00:00Z`, email_verified_at: `${day}T00:00:00Z` }).returning('id').executeTakeFirstOrThrow();
const featured = await db.selectFrom('papers').select('id').where('day', '=', day).orderBy('id', 'desc').limit(20).execute();
await db.insertInto('submissions').values(featured.map((f, i) => ({ paper_id: f.id, submitted_by: member.id, submitted_at: `${day}T${String(6 + (i % 12)).padStart(2, '0')}:00:00.000Z`, day }))).execute();
const week = periodOf('week', day);
const month = periodOf('month', day);

console.log('\none uncached period page (featured papers and the first 30 of the rest), median of 15 runs');
for (const period of [periodOf('day', day), week, month]) {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    const { rest } = await featuredAndRest(db, period, 100, { limit: 30, offset: 0 });
    times.push(performance.now() - start);
    total = rest.total;
  }
  times.sort((a, b) => a - b);
  console.log(`${period.kind.padEnd(6)} ${period.key.padEnd(11)} ${String(total).padStart(6)} papers   ${times[7]!.toFixed(1).padStart(7)} ms`);
}

const targets = [
  ['home page', '/'],
  ['week page', `/week/${week.key}`],
  ['month page', `/month/${month.key}`],
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
