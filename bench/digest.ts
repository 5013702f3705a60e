// npm run bench:digest [-- --subscribers N] [--members N] [--catalog FILE] [--file FILE] [--json]
// A daily digest for N subscribers (default 10,000) over the 143k arXiv sample, delivered
// to a local SMTP relay running in its own process. Prints the time of each stage (select, rank,
// render, deliver) and mails per second.
// The catalog (imported, with vectors for "for you") is built once from --file (default
// ../shared/data/arxiv-cs-143k.jsonl.gz) into --catalog (default bench/.cache/catalog-<file
// name>.sqlite; about 4 minutes for the 143k file), and copied for each run.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { runDigests } from '../src/digest/run.js';
import { createLogger } from '../src/log.js';
import { configuredMailer } from '../src/mail/mailer.js';
import { seededRandom } from '../src/random.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { builtCatalog, cachedCatalogPath } from './support/catalog.js';
import { ARXIV_143K } from './support/data.js';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    members: { type: 'string', default: '2000' },
    catalog: { type: 'string' },
    file: { type: 'string', default: ARXIV_143K },
    json: { type: 'boolean', default: false },
  },
});
const catalog = args.catalog ?? cachedCatalogPath(args.file);
const subscribers = Number(args.subscribers);
const members = Math.min(subscribers, Number(args.members));
const log = createLogger('warn');

const STOP = new Set(['a', 'an', 'and', 'the', 'of', 'for', 'in', 'on', 'to', 'with', 'via', 'from', 'by', 'is', 'are', 'at', 'as', 'its', 'towards', 'using', 'based']);

/** Readers with varied interests drawn from the catalog: categories, authors, saved searches; some are members with upvotes and follows. */
async function makeReaders(db: Db): Promise<void> {
  // Seeded, so every run gets the same readers.
  const rand = seededRandom(42);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]!;
  const latest = (await db.selectFrom('papers').select((eb) => eb.fn.max('day').as('day')).executeTakeFirstOrThrow()).day!;
  const recent = await db.selectFrom('papers').select(['id', 'title', 'authors', 'primary_category']).where('day', '>=', shift(latest, -60)).execute();
  const categories = (
    await db.selectFrom('paper_categories').select(['category', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('category').orderBy('n', 'desc').limit(40).execute()
  ).map((r) => r.category);
  const authors = recent.flatMap((p) => (JSON.parse(p.authors) as string[]).slice(0, 2));
  const titleWords = recent.map((p) => p.title.toLowerCase().split(/[^a-z0-9-]+/).filter((w) => w.length > 3 && !STOP.has(w)));
  const byCategory = new Map<string, string[]>();
  for (const p of recent) byCategory.set(p.primary_category, [...(byCategory.get(p.primary_category) ?? []), p.id]);
  const now = new Date().toISOString();

  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < subscribers; i++) {
      let userId: number | null = null;
      if (i < members) {
        const user = await trx
          .insertInto('users')
          .values({ email: `member${i}@bench.example.org`, username: `member${i}`, display_name: `Member ${i}`, password_hash: 'x', role: 'member', email_verified_at: now, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        userId = user.id;
        const topic = byCategory.get(pick(categories)) ?? recent.map((p) => p.id);
        const liked = new Set(Array.from({ length: 5 + Math.floor(rand() * 10) }, () => pick(topic)));
        await trx.insertInto('votes').values([...liked].map((paper_id) => ({ user_id: userId!, paper_id, created_at: now }))).execute();
        if (rand() < 0.3) await trx.insertInto('author_follows').values({ user_id: userId, author: pick(authors), created_at: now }).onConflict((oc) => oc.doNothing()).execute();
      }
      const searches = Array.from({ length: Math.floor(rand() * 3) }, () => {
        const words = pick(titleWords);
        return words.length >= 2 ? `${pick(words)} ${pick(words)}` : (words[0] ?? 'learning');
      });
      await trx
        .insertInto('subscriptions')
        .values({
          email: `reader${i}@bench.example.org`,
          user_id: userId,
          status: 'active',
          frequency: 'daily',
          categories: JSON.stringify([...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(categories)))]),
          authors: JSON.stringify(rand() < 0.3 ? [pick(authors)] : []),
          searches: JSON.stringify(searches),
          created_at: now,
          confirmed_at: now,
        })
        .execute();
    }
  });
}

function shift(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function startRelay(): Promise<{ port: number; count(): Promise<number>; stop(): void }> {
  const child = fork(path.resolve(import.meta.dirname, 'support/smtp-sink.ts'), { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve) => {
    child.once('message', (m: { port: number }) =>
      resolve({
        port: m.port,
        count: () => new Promise((done) => {
          child.once('message', (r: { accepted: number }) => done(r.accepted));
          child.send('count');
        }),
        stop: () => child.send('stop'),
      }),
    );
  });
}

await builtCatalog(catalog, args.file);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-digest-'));
const file = path.join(dir, 'paperboy.sqlite');
fs.copyFileSync(catalog, file);
const db = await openDatabase({ kind: 'sqlite', file });
await makeReaders(db);

const relay = await startRelay();
const config = loadConfig({
  PAPERBOY_DATA_DIR: dir,
  PAPERBOY_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
  PAPERBOY_SMTP_RATE: '10000',
  PAPERBOY_SMTP_CONNECTIONS: '8',
  PAPERBOY_BASE_URL: 'https://papers.example.org',
});
const mailer = configuredMailer(config, log);
const started = performance.now();
const report = await runDigests({ db, log, mailer, config, secret: 'bench-secret-bench-secret-bench-secret' }, { frequency: 'daily' });
const seconds = (performance.now() - started) / 1000;
const accepted = await relay.count();
mailer.close();
relay.stop();
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });

const t = report.times;
const figures = {
  subscribers,
  members,
  period: report.period?.key,
  candidates: report.candidates,
  composed: report.composed,
  nothingNew: report.nothingNew,
  sent: report.delivery?.sent ?? 0,
  acceptedByRelay: accepted,
  seconds: Number(seconds.toFixed(1)),
  stages: { select: ms(t.select), rank: ms(t.rank), render: ms(t.render), deliver: ms(t.deliver - t.render) },
  mailsPerSecond: Math.round((report.delivery?.sent ?? 0) / seconds),
  peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
};
if (args.json) console.log(JSON.stringify(figures));
else {
  console.log(`readers:     ${subscribers} (${members} members), period ${figures.period}, ${figures.candidates} papers in it`);
  console.log(`digests:     ${figures.composed} composed, ${figures.nothingNew} with nothing new; ${figures.sent} sent, ${accepted} accepted by the relay`);
  console.log(`stages:      select ${figures.stages.select} s, rank ${figures.stages.rank} s, render ${figures.stages.render} s, deliver ${figures.stages.deliver} s`);
  console.log(`total:       ${figures.seconds} s, ${figures.mailsPerSecond} mails/s, peak memory ${figures.peakMb} MB`);
  console.log(`machine:     ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
}

function ms(x: number): number {
  return Number((x / 1000).toFixed(2));
}
