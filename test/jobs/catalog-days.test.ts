/**
 * serve with the daily read off (PAPERBOY_ARXIV_CATEGORIES=none): a catalog fed by `paperboy
 * import` or `harvest`, or the bundled demo. Its own days stand in for arXiv's announcements: a
 * day's digest goes once its papers have stopped arriving and are embedded, once, and only for
 * days with papers. serve's real jobs on a moving clock, a real SQLite file, a real SMTP relay.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { SETTLE_MS } from '../../src/catalog/catalog-days.js';
import { loadDemoIfEmpty } from '../../src/catalog/demo.js';
import { loadConfig } from '../../src/config.js';
import { dailyJobs } from '../../src/jobs/daily.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer } from '../../src/mail/mailer.js';
import { openSearch } from '../../src/search/open.js';
import { HttpClient } from '../../src/sources/http.js';
import { latestDay, upsertPapers } from '../../src/store/papers.js';
import type { DigestFrequency } from '../../src/store/schema.js';
import { tempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { startSmtpRelay } from '../support/smtp.js';

const SECRET = 'catalog-days-secret-0123456789abcdefgh';
const MINUTE = 60_000;

describe('digests of a catalog fed by imports, with the daily read off', () => {
  it('sends a day once its papers stopped arriving, never half-way through an import, each day once, only days with papers', async (t) => {
    const serve = await instance(t);
    await serve.subscribe('daily@example.org', 'daily');
    // A harvest (another process) stored Monday and Tuesday, 16 and 17 November, at 07:00 UTC.
    const harvested = Date.parse('2026-11-17T07:00:00Z');
    await serve.store(harvested, '2026-11-16', '2026-11-16', '2026-11-17', '2026-11-17');

    serve.at(harvested + 5 * MINUTE); // 07:05, after the digest hour: the papers may still be arriving
    await serve.ticks(2);
    assert.deepEqual(await serve.sent(), []);
    serve.at(harvested + SETTLE_MS + MINUTE);
    await serve.ticks(3);
    assert.deepEqual(await serve.sent(), ['daily 2026-11-17'], 'the newest day only, as on a first run');

    // Wednesday: an import stores the day in two batches, eight minutes apart.
    const imported = Date.parse('2026-11-18T08:00:00Z');
    const [early] = await serve.store(imported, '2026-11-18');
    serve.at(imported + 5 * MINUTE);
    await serve.ticks(2);
    const [late] = await serve.store(imported + 8 * MINUTE, '2026-11-18');
    serve.at(imported + SETTLE_MS + 2 * MINUTE); // ten minutes after the first batch, four after the second
    await serve.ticks(2);
    assert.deepEqual(await serve.sent(), ['daily 2026-11-17']);
    serve.at(imported + 8 * MINUTE + SETTLE_MS + MINUTE);
    await serve.ticks(3);
    assert.deepEqual(await serve.sent(), ['daily 2026-11-17', 'daily 2026-11-18']);
    const wednesday = serve.relay.received.find((m) => m.parsed.messageId?.includes('2026-11-18'))!;
    for (const id of [early!, late!]) assert.match(wednesday.parsed.text ?? '', new RegExp(`/papers/${id.replace('.', '\\.')}`), `${id} in the digest`);

    // Thursday has no papers (nothing was imported): no digest, no run; later ticks send nothing again.
    serve.at(Date.parse('2026-11-19T12:00:00Z'));
    await serve.ticks(3);
    serve.at(Date.parse('2026-11-20T12:00:00Z'));
    await serve.ticks(3);
    assert.deepEqual(await serve.sent(), ['daily 2026-11-17', 'daily 2026-11-18']);
    assert.deepEqual(await serve.runs('daily'), ['2026-11-17', '2026-11-18']);
    const days = await serve.db.selectFrom('announcement_days').select(['day', 'status', 'source', 'listed']).orderBy('day').execute();
    assert.deepEqual(days, [
      { day: '2026-11-17', status: 'listed', source: 'catalog', listed: 2 },
      { day: '2026-11-18', status: 'listed', source: 'catalog', listed: 2 },
    ]);
  });

  it('sends a week once its last day with papers is stored, not while a harvest is still storing it', async (t) => {
    const serve = await instance(t);
    await serve.subscribe('weekly@example.org', 'weekly');
    await serve.store(Date.parse('2026-11-13T06:00:00Z'), '2026-11-09', '2026-11-11', '2026-11-12');
    serve.at(Date.parse('2026-11-13T06:30:00Z'));
    await serve.ticks(2);
    // Monday 16 November 07:00: the week is over, but Friday's papers are being harvested right now.
    const friday = Date.parse('2026-11-16T06:58:00Z');
    await serve.store(friday, '2026-11-13');
    serve.at(Date.parse('2026-11-16T07:00:00Z'));
    await serve.ticks(3);
    assert.deepEqual(await serve.sent(), []);
    serve.at(friday + SETTLE_MS + MINUTE);
    await serve.ticks(3);
    assert.deepEqual(await serve.sent(), ['weekly 2026-W46']);
    const [mail] = serve.relay.received;
    const fridayPapers = await serve.db.selectFrom('papers').select('id').where('day', '=', '2026-11-13').execute();
    for (const { id } of fridayPapers) assert.match(mail!.parsed.text ?? '', new RegExp(`/papers/${id.replace('.', '\\.')}`), `Friday's ${id} in the week's digest`);
    serve.at(Date.parse('2026-11-17T08:00:00Z'));
    await serve.ticks(3);
    assert.deepEqual(await serve.runs('weekly'), ['2026-W46']);
  });

  it('sends the bundled demo catalog’s newest day and week once, as on a first start', async (t) => {
    const serve = await instance(t);
    await serve.subscribe('daily@example.org', 'daily');
    await serve.subscribe('weekly@example.org', 'weekly');
    assert.ok(await loadDemoIfEmpty(serve.db, createLogger('silent')));
    const newest = (await latestDay(serve.db))!;
    // Once the demo has been stored for a while, at or after the digest hour (07:00 UTC).
    const settled = new Date(Date.now() + SETTLE_MS + MINUTE);
    const start = Math.max(settled.getTime(), Date.parse(`${settled.toISOString().slice(0, 10)}T07:00:00Z`));
    serve.at(start);
    await serve.ticks(4);
    serve.at(start + 60 * MINUTE);
    await serve.ticks(3);
    assert.equal(newest, '2026-07-01');
    assert.deepEqual((await serve.sent()).sort(), ['daily 2026-07-01', 'weekly 2026-W27']);
  });
});

/** serve's jobs with PAPERBOY_ARXIV_CATEGORIES=none, digests from 07:00 UTC, on a clock the test sets. */
async function instance(t: TestContext) {
  const temp = await tempDb();
  const relay = await startSmtpRelay();
  const config = loadConfig({ PAPERBOY_DATA_DIR: temp.dir, PAPERBOY_SMTP_URL: relay.url, PAPERBOY_SMTP_RATE: '1000', PAPERBOY_ARXIV_CATEGORIES: 'none' });
  const log = createLogger('silent');
  const mailer = configuredMailer(config, log);
  const search = await openSearch(temp.db, log, config.search);
  // arXiv is never asked: a client pointed nowhere would fail the test's expectations, not hang it.
  const client = new HttpClient({ minIntervalMs: 0, timeoutMs: 100, maxAttempts: 1 });
  const jobs = dailyJobs({
    announcements: { db: temp.db, log, client, config },
    digests: { db: temp.db, log, mailer, config, secret: SECRET },
    digestSchedule: config.digest,
    embed: () => search.indexNewPapers(),
    chat: { db: temp.db, baseUrl: config.baseUrl, policy: { allowPrivate: false }, log },
  });
  let clock = 0;
  const scheduler = startScheduler(jobs, { tickMs: 0, now: () => new Date(clock), log });
  let paperNumber = 0;
  t.after(async () => {
    await scheduler.stop();
    mailer.close();
    await relay.close();
    await temp.cleanup();
  });
  return {
    db: temp.db,
    relay,
    at(time: number) {
      clock = time;
    },
    async ticks(n: number) {
      for (let i = 0; i < n; i++) await scheduler.tick();
    },
    async subscribe(email: string, frequency: DigestFrequency) {
      const now = new Date().toISOString();
      await temp.db.insertInto('subscriptions').values({ email, status: 'active', frequency, created_at: now, confirmed_at: now }).execute();
    },
    /** One paper per day given (a day given twice gets two), stored at `time` as an import stores them; returns their ids. */
    async store(time: number, ...days: string[]): Promise<string[]> {
      const papers = days.map((day) => makePaper({ id: `2611.${String(++paperNumber).padStart(5, '0')}`, day, title: `Imported paper ${paperNumber}` }));
      await upsertPapers(temp.db, papers, new Date(time).toISOString());
      return papers.map((p) => p.id);
    },
    /** The digests the relay took, as `daily 2026-11-17`, in the order they came. */
    async sent(): Promise<string[]> {
      await relay.settled();
      return [...relay.received]
        .sort((a, b) => a.receivedAt - b.receivedAt)
        .map((m) => /^<digest-(daily|weekly)\.([\dW-]+)\./.exec(m.parsed.messageId ?? '')?.slice(1).join(' ') ?? `? ${m.parsed.messageId}`);
    },
    async runs(frequency: DigestFrequency): Promise<string[]> {
      const rows = await temp.db.selectFrom('digest_runs').select('period').where('frequency', '=', frequency).orderBy('period').execute();
      return rows.map((r) => r.period);
    },
  };
}
