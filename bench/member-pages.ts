// npm run bench:member-pages [-- --file FILE --requests N --baseline DIR]
// The pages rendered for a signed-in member (never cached whole), one request at a time through
// the server (app.inject, no sockets), on the site bench:http drives: the paper page (always the
// same paper, and 50 papers in turn) and the journal club's page. Prints the median and quartiles
// of N requests each, after a warm-up. With --baseline, a checkout of other code (its
// node_modules installed or linked) serves the same database file from a second server in this
// process, and the two are asked in turn, request by request, so both see the same load.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { ARXIV_143K, requireData } from './support/data.js';
import { benchSite, type BenchSite } from './support/http-site.js';

const { values: args } = parseArgs({ options: { file: { type: 'string', default: ARXIV_143K }, requests: { type: 'string', default: '200' }, baseline: { type: 'string' } } });
const file = requireData(args.file, '--file', 'arxiv');
const requests = Number(args.requests);
const site = await benchSite(file);
const servers: Array<[string, FastifyInstance]> = [['this code', site.app]];
if (args.baseline) servers.unshift([path.basename(path.resolve(args.baseline)), await baselineServer(path.resolve(args.baseline), site)]);

const papers = await site.db.selectFrom('papers').select('id').where('day', '=', site.day).orderBy('id').limit(50).execute();
const targets: Array<[string, (i: number) => string]> = [
  ['paper, member (one paper)', () => `/papers/${site.paper.id}`],
  ['paper, member (50 papers)', (i) => `/papers/${papers[i % papers.length]!.id}`],
  ['group, member', () => `/groups/${site.group.slug}`],
];

console.log(`\n${requests} requests each, one at a time${servers.length > 1 ? ', the servers in turn' : ''}, after 20 to warm up`);
console.log(`page                        server          p25 ms   p50 ms   p75 ms${servers.length > 1 ? '   p50 ratio' : ''}`);
for (const [name, url] of targets) {
  const times = servers.map((): number[] => []);
  for (let i = -20; i < requests; i++) {
    for (const [s, [label, app]] of servers.entries()) {
      const start = performance.now();
      const response = await app.inject({ url: url(i + 20), headers: { cookie: site.group.cookie } });
      if (i >= 0) times[s]!.push(performance.now() - start);
      if (response.statusCode !== 200) throw new Error(`${name} from ${label}: ${response.statusCode}`);
    }
  }
  const medians: number[] = [];
  for (const [s, [label]] of servers.entries()) {
    const sorted = times[s]!.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
    medians.push(at(0.5));
    const ratio = s > 0 ? `   ${(medians[0]! / at(0.5)).toFixed(2).padStart(9)}` : '';
    console.log(`${name.padEnd(27)} ${label.padEnd(12)} ${[0.25, 0.5, 0.75].map((q) => at(q).toFixed(2).padStart(8)).join(' ')}${ratio}`);
  }
}
for (const [, app] of servers.slice(0, -1)) await app.close();
await site.close();

/** The baseline checkout's server over the same database file, data directory and search model. */
async function baselineServer(root: string, site: BenchSite): Promise<FastifyInstance> {
  const from = (module: string) => import(path.join(root, 'src', module));
  const [store, { SearchService }, { loadConfig }, { createLogger }, { webDeps }, { buildServer }] = await Promise.all(
    ['store/db.js', 'search/service.js', 'config.js', 'log.js', 'web/compose.js', 'web/server.js'].map(from),
  );
  const file = path.join(site.dir, 'paperboy.sqlite');
  // Checkouts from before PostgreSQL mode open a database by its file name, later ones by a location.
  const db = await store.openDatabase('locationOf' in store ? { kind: 'sqlite', file } : file);
  const service = new SearchService(db, site.embedder);
  await service.load();
  const config = loadConfig({ PAPERBOY_DATA_DIR: site.dir, PAPERBOY_TRUST_PROXY: '127.0.0.1' });
  const app: FastifyInstance = await buildServer({ ...webDeps(db, createLogger('silent'), config), search: { search: service, maintenanceIntervalMs: 0 } });
  app.addHook('onClose', () => db.destroy());
  await app.ready();
  return app;
}
