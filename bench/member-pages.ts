// npm run bench:member-pages [-- --file FILE --requests N]
// The pages rendered for a signed-in member (never cached whole), one request at a time through
// the server (app.inject, no sockets), on the site bench:http drives: the paper page and the
// journal club's page. Prints the median and quartiles of N requests each, after a warm-up.
import { parseArgs } from 'node:util';
import { ARXIV_143K, requireData } from './support/data.js';
import { benchSite } from './support/http-site.js';

const { values: args } = parseArgs({ options: { file: { type: 'string', default: ARXIV_143K }, requests: { type: 'string', default: '200' } } });
const file = requireData(args.file, '--file', 'arxiv');
const requests = Number(args.requests);
const site = await benchSite(file);

const papers = await site.db.selectFrom('papers').select('id').where('day', '=', site.day).orderBy('id').limit(50).execute();
const targets: Array<[string, () => string]> = [
  ['paper, member (one paper)', () => `/papers/${site.paper.id}`],
  ['paper, member (50 papers)', (() => { let i = 0; return () => `/papers/${papers[i++ % papers.length]!.id}`; })()],
  ['group, member', () => `/groups/${site.group.slug}`],
];

console.log(`\n${requests} requests each, one at a time, after 20 to warm up`);
console.log('page                          p25 ms   p50 ms   p75 ms');
for (const [name, url] of targets) {
  for (let i = 0; i < 20; i++) await site.app.inject({ url: url(), headers: { cookie: site.group.cookie } });
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    const response = await site.app.inject({ url: url(), headers: { cookie: site.group.cookie } });
    times.push(performance.now() - start);
    if (response.statusCode !== 200) throw new Error(`${name}: ${response.statusCode}`);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.floor(q * (times.length - 1))]!.toFixed(2).padStart(8);
  console.log(`${name.padEnd(28)} ${at(0.25)} ${at(0.5)} ${at(0.75)}`);
}
await site.close();
