/**
 * The "done when" of issue 14, part 1: serve's scheduler on a moving clock over a recorded week of
 * arXiv announcements, with a holiday and a downtime, against a stand-in for arXiv that serves real
 * records (test/support/announcement-week.ts) and fails the way arXiv does, a real SQLite file, the
 * real search service embedding with a trained model, and a real SMTP relay.
 *
 * The week (January 2024, listing days as arXiv names them): Wednesday the 3rd is where the
 * catalog starts (days 2 and 3 already read); Thursday 4 and Friday 5 are read from the feed;
 * Monday 8 is declared a holiday (an empty feed; its papers roll on to Tuesday); Tuesday 9 from the
 * feed; the server is down from Tuesday noon to Friday 06:00 UTC, so Wednesday 10 and Thursday 11
 * are caught up through OAI-PMH; Friday 12 and Monday 15 from the feed again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { readAnnouncements } from '../../src/catalog/announcements.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer, type Mailer } from '../../src/mail/mailer.js';
import { dailyJobs } from '../../src/jobs/daily.js';
import { startScheduler, type Job, type Scheduler } from '../../src/jobs/scheduler.js';
import { normalizePaper } from '../../src/papers/normalize.js';
import { trainCatalogModel } from '../../src/search/maintain.js';
import { openSearch } from '../../src/search/open.js';
import type { SearchService } from '../../src/search/service.js';
import { HttpClient } from '../../src/sources/http.js';
import { markEmbedded, recordDay } from '../../src/store/announcement-days.js';
import { upsertPapers } from '../../src/store/papers.js';
import { activeModel, searchDb } from '../../src/store/search-docs.js';
import { AnnouncementWeek, emptyChannel, recordedFeed, type WeekPaper } from '../support/announcement-week.js';
import { tempDb, type TempDb } from '../support/db.js';
import { FixtureServer, hang, htmlErrorPage, reply, truncated, unavailable } from '../support/fixture-server.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp.js';

const SECRET = 'announcement-week-secret-0123456789abcdef';
const CATEGORIES = ['cs.CL', 'cs.LG'];
const HOLIDAY = '2024-01-08';
const FIRST_READ = '2024-01-04';
const LAST = '2024-01-15';
const START = '2024-01-03T12:00:00Z';
const DOWN_FROM = '2024-01-09T12:00:00Z';
const BACK_AT = '2024-01-12T06:00:00Z';
const END = '2024-01-15T12:00:00Z';
const STEP_MS = 30 * 60_000;
const RSS_TYPE = 'application/rss+xml';

/** A job's run as the test saw it: the clock's time and the real time it ended. */
interface JobRun {
  job: string;
  at: string;
  endedAt: number;
}

describe('a week of arXiv announcements on a moving clock, with a holiday and a downtime', () => {
  let t: TempDb;
  let arxiv: FixtureServer;
  let relay: SmtpRelay;
  let mailer: Mailer;
  let search: SearchService;
  let week: AnnouncementWeek;
  let clock = Date.parse(START);
  const runs: JobRun[] = [];
  const preWeek: WeekPaper[] = [];

  before(async () => {
    t = await tempDb();
    relay = await startSmtpRelay();
    week = new AnnouncementWeek({ categories: CATEGORIES, holidays: [HOLIDAY], last: LAST, now: () => new Date(clock) });
    arxiv = await FixtureServer.start(week.handler);

    // The catalog as an earlier read left it: the papers of 2 and 3 January, both days read and
    // embedded with a model trained on them.
    preWeek.push(...week.papers.filter((p) => p.listed < FIRST_READ));
    await upsertPapers(t.db, preWeek.map((p) => normalizePaper({ where: p.record.id, ...p.record, primaryCategory: p.record.primary_category, updated: p.record.published, listedOn: p.listed }).paper));
    await trainCatalogModel(searchDb(t.db), { dimensions: 16 });
    for (const day of [...new Set(preWeek.map((p) => p.listed))]) {
      await recordDay(t.db, { day, status: 'listed', source: 'feed', listed: week.listedOn(day).length, replaced: 0, read_at: START });
      await markEmbedded(t.db, [day], START);
    }
    const now = new Date().toISOString();
    await t.db.insertInto('subscriptions').values({ email: 'reader@example.org', status: 'active', frequency: 'daily', created_at: now, confirmed_at: now }).execute();

    // The failures arXiv really produces, one on each of several days.
    const feedOf = (day: string) => week.feed(day);
    week.fail('rss', FIRST_READ, truncated(feedOf(FIRST_READ), 0.4, RSS_TYPE), truncated(feedOf(FIRST_READ), 0.7, RSS_TYPE));
    week.fail('api', '2024-01-05', hang());
    // Tuesday just after midnight: an empty channel (the announcement not in arXiv's database yet), then a 503.
    week.fail('rss', '2024-01-09', reply(emptyChannel(recordedFeed(), '2024-01-09'), { contentType: RSS_TYPE }), unavailable(1));
    week.fail('oai', '2024-01-12', unavailable(1));
    week.fail('rss', LAST, htmlErrorPage(), htmlErrorPage());
  });

  after(async () => {
    mailer?.close();
    await relay?.close();
    await arxiv?.close();
    await t?.cleanup();
  });

  it('lists every paper on its announcement day and sends every digest once, after its day was stored and embedded', async () => {
    const config = loadConfig({
      ...t.env,
      PAPERBOY_SMTP_URL: relay.url,
      PAPERBOY_SMTP_RATE: '1000',
      PAPERBOY_ARXIV_CATEGORIES: CATEGORIES.join(' '),
      PAPERBOY_ARXIV_RSS_URL: arxiv.url('/rss/'),
      PAPERBOY_ARXIV_API_URL: arxiv.url('/api/query'),
      PAPERBOY_OAI_URL: arxiv.url('/oai2'),
      // Midnight in New York in January: a day's digest is due as soon as its announcement is out.
      PAPERBOY_DIGEST_HOUR: '5',
    });
    const log = createLogger('silent');
    mailer = configuredMailer(config, log);
    const client = new HttpClient({ minIntervalMs: 0, timeoutMs: 500, backoffBaseMs: 1, maxAttempts: 3, maxRetryAfterMs: 20 });
    search = await openSearch(t.db, log, config.search);
    assert.ok(search.model, 'a trained model embeds the new papers');

    /** A fresh server process: a new scheduler (nothing kept in memory) over the same database. */
    const start = (): Scheduler => {
      const jobs = dailyJobs({
        announcements: { db: t.db, log, client, config },
        digests: { db: t.db, log, mailer, config, secret: SECRET },
        digestSchedule: config.digest,
        embed: () => search.indexNewPapers(),
        chat: { db: t.db, baseUrl: config.baseUrl, policy: { allowPrivate: false }, log },
      });
      const watched = jobs.map((job): Job => ({
        name: job.name,
        run: async (now, signal) => {
          try {
            await job.run(now, signal);
          } finally {
            runs.push({ job: job.name, at: now.toISOString(), endedAt: Date.now() });
          }
        },
      }));
      return startScheduler(watched, { tickMs: 0, now: () => new Date(clock), log });
    };

    let server: Scheduler | null = start();
    for (clock = Date.parse(START); clock <= Date.parse(END); clock += STEP_MS) {
      const down = clock > Date.parse(DOWN_FROM) && clock < Date.parse(BACK_AT);
      if (down && server) {
        await server.stop();
        server = null;
      }
      if (down) continue;
      server ??= start();
      await server.tick();
    }
    await server?.stop();
    await relay.settled();

    // The days read: each once, from where it could be read, the holiday without papers, no weekend.
    const days = await t.db.selectFrom('announcement_days').select(['day', 'status', 'source']).orderBy('day').execute();
    assert.deepEqual(
      days.map((d) => `${d.day} ${d.status} ${d.source}`),
      [
        '2024-01-02 listed feed',
        '2024-01-03 listed feed',
        '2024-01-04 listed feed',
        '2024-01-05 listed feed',
        '2024-01-08 none feed',
        '2024-01-09 listed feed',
        '2024-01-10 listed oai',
        '2024-01-11 listed oai',
        '2024-01-12 listed feed',
        '2024-01-15 listed feed',
      ],
    );

    // Every paper on the day arXiv announced it, and no other paper.
    const stored = await t.db.selectFrom('papers').select(['id', 'day', 'version']).execute();
    const expected = week.papers.filter((p) => p.listed <= LAST);
    assert.deepEqual(
      stored.map((p) => `${p.id} ${p.day}`).sort(),
      expected.map((p) => `${p.record.id} ${p.listed}`).sort(),
    );
    assert.ok(expected.filter((p) => p.listed === '2024-01-09').length > expected.filter((p) => p.listed === '2024-01-05').length, "the holiday's papers rolled on to Tuesday");
    for (const day of ['2024-01-10', '2024-01-11']) assert.ok(week.listedOn(day).length > 10, `${day} was caught up with its papers`);
    // Replacements updated their papers without listing them again.
    const replaced = week.papers.filter((p) => p.replaced !== null);
    assert.ok(replaced.length >= 5);
    for (const p of replaced) assert.equal(stored.find((s) => s.id === p.record.id)?.version, 2, `${p.record.id} replaced on ${p.replaced}`);

    // Every paper has a vector of the model in use.
    const model = await activeModel(searchDb(t.db));
    const withVectors = await searchDb(t.db).selectFrom('search_docs').select('paper_id').where('model', '=', model!.id).execute();
    assert.deepEqual(new Set(withVectors.map((r) => r.paper_id)), new Set(stored.map((p) => p.id)));

    // One digest per listed day, none for the holiday or a weekend, each once.
    const digests = [...relay.received].sort((a, b) => a.receivedAt - b.receivedAt);
    const digestDay = (messageId: string | undefined) => /^<digest-daily\.(\d{4}-\d{2}-\d{2})\./.exec(messageId ?? '')?.[1] ?? `? ${messageId}`;
    assert.deepEqual(
      digests.map((m) => digestDay(m.parsed.messageId)),
      ['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-15'],
    );
    const announced = await t.db.selectFrom('announcement_days').selectAll().execute();
    for (const mail of digests) {
      const day = digestDay(mail.parsed.messageId);
      // Its papers are that day's papers.
      const ids = [...(mail.parsed.text ?? '').matchAll(/\/papers\/(\S+)/g)].map((m) => m[1]!);
      assert.ok(ids.length > 0, `${day}: papers in the digest`);
      for (const id of ids) assert.equal(stored.find((s) => s.id === id)?.day, day, `${day}: ${id}`);
      // Sent after the run that embedded the day had ended, which came after the read that stored it.
      const row = announced.find((d) => d.day === day)!;
      if (row.read_at === START) continue;
      const stored_ = runs.find((r) => r.job === "reading arXiv's announcements" && r.at === row.read_at);
      const embedded = runs.find((r) => r.job === 'embedding announced papers' && r.at === row.embedded_at);
      assert.ok(stored_ && embedded, `${day}: read at ${row.read_at}, embedded at ${row.embedded_at}`);
      assert.ok(row.read_at <= row.embedded_at!, `${day}: embedded after it was read`);
      assert.ok(stored_.endedAt <= embedded.endedAt && embedded.endedAt <= mail.receivedAt, `${day}: stored, embedded, then sent`);
    }

    // arXiv was asked only on weekdays the server was up, and about the holiday only until it was called one.
    const feedDays = new Set(week.requests.filter((r) => r.kind === 'rss').map((r) => r.day));
    assert.deepEqual([...feedDays].sort(), ['2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-12', '2024-01-15']);
    const holidayReads = week.requests.filter((r) => r.kind === 'rss' && r.day === HOLIDAY);
    assert.ok(holidayReads.every((r) => r.at.getTime() <= Date.parse('2024-01-08T08:00:00Z')), 'no read of the holiday after 03:00 in New York');
    assert.deepEqual([...new Set(week.requests.filter((r) => r.kind === 'oai').map((r) => r.day))], ['2024-01-12']);
  });

  it('reads nothing twice: a later read finds every day done', async () => {
    const config = loadConfig({
      ...t.env,
      PAPERBOY_ARXIV_CATEGORIES: CATEGORIES.join(' '),
      PAPERBOY_ARXIV_RSS_URL: arxiv.url('/rss/'),
      PAPERBOY_ARXIV_API_URL: arxiv.url('/api/query'),
      PAPERBOY_OAI_URL: arxiv.url('/oai2'),
    });
    const before = await t.db.selectFrom('papers').select(['id', 'day', 'version', 'modified_at']).orderBy('id').execute();
    const requests = week.requests.length;
    const client = new HttpClient({ minIntervalMs: 0 });
    const report = await readAnnouncements({ db: t.db, log: createLogger('silent'), client, config }, new Date(END));
    assert.deepEqual(report, { recorded: [], waiting: null });
    assert.equal(week.requests.length, requests, 'arXiv was not asked again');
    assert.deepEqual(await t.db.selectFrom('papers').select(['id', 'day', 'version', 'modified_at']).orderBy('id').execute(), before);
  });
});
