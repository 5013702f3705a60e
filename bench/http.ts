// npm run bench:http [-- --file FILE] [--processes]
// (--processes: the site as real serve processes on SQLite and PostgreSQL; see bench/http-processes.ts.)
// Loads the 143k arXiv sample (--file, default ../shared/data/arxiv-cs-143k.jsonl.gz), then drives
// the home page, the latest week and month, a paper page, the same paper's BibTeX export, the
// search page (one query, asked again and again), an author page and a group's page (a journal
// club with 40 papers in its queue, votes and sessions) and its queue as BibTeX, with 64 concurrent
// connections on loopback (autocannon), as visitors and, for the paper and group pages, as a
// signed-in member (pages rendered for each request, never cached), and prints requests/s and
// latencies. Each visitor's request comes from another address (X-Forwarded-For, the server
// trusting loopback as its proxy), as on a public site, so the limits per address do not turn the
// load into 429s. Visitors' pages come from the page cache after the first request, so it also
// times the work behind one uncached period page (the featured papers and one page of "All new
// papers", as the route asks for them), median of 15 runs each.
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { periodOf } from '../src/catalog/periods.js';
import { featuredAndRest } from '../src/ranking/period-papers.js';
import { benchProcesses } from './http-processes.js';
import { ARXIV_143K, requireData } from './support/data.js';
import { benchSite } from './support/http-site.js';

const { values: args } = parseArgs({
  options: { file: { type: 'string', default: ARXIV_143K }, processes: { type: 'boolean', default: false }, 'keep-sqlite': { type: 'string' }, 'keep-postgres': { type: 'string' } },
});
const file = requireData(args.file, '--file', 'arxiv');
if (args.processes) {
  // Real serve processes, on SQLite and on PostgreSQL: see bench/http-processes.ts.
  await benchProcesses(file, { sqlite: args['keep-sqlite'], postgres: args['keep-postgres'] });
  process.exit(0);
}
const site = await benchSite(file);
const { db, day, origin } = site;
const paper = site.paper;
const author = site.paper.author;
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

const { slug, cookie } = site.group;

const targets: Array<[string, string, Record<string, string>]> = [
  ['home page', '/', {}],
  ['week page', `/week/${week.key}`, {}],
  ['month page', `/month/${month.key}`, {}],
  ['paper page', `/papers/${paper.id}`, {}],
  ['paper BibTeX', `/papers/${paper.id}.bib`, {}],
  ['search page', '/search?q=diffusion+models+for+video', {}],
  ['author page', `/authors/${encodeURIComponent(author)}`, {}],
  ['group page', `/groups/${slug}`, {}],
  ['group BibTeX', `/groups/${slug}/queue.bib`, {}],
  ['paper, member', `/papers/${paper.id}`, { cookie }],
  ['group, member', `/groups/${slug}`, { cookie }],
];
let visitor = 0;
/** Another visitor's address for each request: 10.x.y.z. */
const fromAnotherVisitor = (request: autocannon.Request) => {
  visitor++;
  return { ...request, headers: { ...request.headers, 'x-forwarded-for': `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}` } };
};

console.log(`\n64 connections, 10 s each, on ${os.cpus().length} cores (server and load generator share them)`);
console.log('page            requests/s   p50 ms   p99 ms   errors');
for (const [name, url, headers] of targets) {
  const result = await autocannon({ url: origin + url, connections: 64, duration: 10, headers, requests: [{ setupRequest: fromAnotherVisitor }] });
  const errors = result.errors + result.non2xx;
  console.log(
    `${name.padEnd(15)} ${String(Math.round(result.requests.average)).padStart(10)} ${String(result.latency.p50).padStart(8)} ${String(result.latency.p99).padStart(8)} ${String(errors).padStart(8)}`,
  );
}
await site.close();
