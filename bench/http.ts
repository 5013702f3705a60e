// npm run bench:http [-- --file FILE]
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
import { signUp, verifyEmail } from '../src/community/accounts.js';
import { createSession } from '../src/community/sessions.js';
import { createGroup } from '../src/groups/groups.js';
import { acceptInvitation, createInvitation } from '../src/groups/invitations.js';
import { addToQueue, setQueueState, toggleGroupVote } from '../src/groups/queue.js';
import { scheduleSession } from '../src/groups/sessions.js';
import { serverSecret } from '../src/web/secret.js';
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
const config = loadConfig({ PAPERBOY_DATA_DIR: dir, PAPERBOY_TRUST_PROXY: '127.0.0.1' });
const app = await buildServer({ ...webDeps(db, log, config), search: { search: service, maintenanceIntervalMs: 0 } });
const secret = serverSecret(dir, null);
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
const day = (await latestDay(db))!;
const paper = await db.selectFrom('papers').select(['id', 'authors']).where('day', '=', day).orderBy('id').limit(1).executeTakeFirstOrThrow();
const author = (JSON.parse(paper.authors) as string[])[0]!;

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

const { slug, cookie } = await journalClub();

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
await app.close();
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });

/**
 * A public journal club as a lab runs one: its owner and 9 members, 40 of the latest papers in the
 * queue with votes, 5 of them discussed, and a term of weekly sessions. Returns its address and
 * the owner's signed session cookie.
 */
async function journalClub(): Promise<{ slug: string; cookie: string }> {
  const members = [];
  for (let i = 0; i < 10; i++) {
    const { user, verificationToken } = await signUp(db, { email: `member${i}@example.org`, password: 'correct horse battery', displayName: `Member ${i}` });
    await verifyEmail(db, verificationToken);
    members.push(user);
  }
  const owner = members[0]!;
  const group = await createGroup(db, owner.id, { name: 'Bench Journal Club', slug: 'bench-club', description: 'Thursdays at 18:00.', isPublic: true });
  for (const m of members.slice(1)) await acceptInvitation(db, secret, (await createInvitation(db, secret, owner.id, group.id)).token, m.id);
  const papers = await db.selectFrom('papers').select('id').where('day', '=', day).orderBy('id').limit(40).execute();
  for (const [i, p] of papers.entries()) {
    await addToQueue(db, members[i % members.length]!.id, group.id, { paper: p.id, note: i % 3 === 0 ? 'Worth a session: sections 3 and 4.' : '' }, async () => null);
    for (const m of members.slice(0, i % 7)) await toggleGroupVote(db, m.id, group.id, p.id);
    if (i < 5) await setQueueState(db, owner.id, group.id, p.id, 'discussed');
  }
  for (let week = 0; week < 12; week++) {
    const start = new Date(Date.UTC(2030, 0, 3 + 7 * week, 17)).toISOString().slice(0, 16);
    await scheduleSession(db, owner.id, group.id, { title: `Week ${week + 1}`, startsAt: start, timeZone: 'Europe/Paris', presenterId: members[week % members.length]!.id, paperIds: [papers[week]!.id] });
  }
  const session = await createSession(db, owner.id);
  return { slug: group.slug, cookie: `pb_session=${app.signCookie(session.token)}` };
}
