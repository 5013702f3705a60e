import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { announcementCategories, readAnnouncements } from '../../src/catalog/announcements.js';
import { completeFeedOnlyPapers } from '../../src/catalog/feed-only.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { normalizePaper } from '../../src/papers/normalize.js';
import { arxivClient, HttpClient, HttpError } from '../../src/sources/http.js';
import { recordDay } from '../../src/store/announcement-days.js';
import { upsertPapers } from '../../src/store/papers.js';
import { AnnouncementWeek, type WeekPaper } from '../support/announcement-week.js';
import { tempDb, type TempDb } from '../support/db.js';
import { FixtureServer, hang, unavailable } from '../support/fixture-server.js';
import { testServer } from '../support/web.js';

const CATEGORIES = ['cs.CL', 'cs.LG'];
const HOLIDAY = '2024-01-08';

describe("the daily read of arXiv's announcements", () => {
  let t: TempDb;
  let arxiv: FixtureServer;
  let week: AnnouncementWeek;
  let clock = 0;
  const client = new HttpClient({ minIntervalMs: 0, timeoutMs: 300, backoffBaseMs: 1, maxAttempts: 3, maxRetryAfterMs: 20 });
  const log = createLogger('silent');

  before(async () => {
    week = new AnnouncementWeek({ categories: CATEGORIES, holidays: [HOLIDAY], last: '2024-01-15', now: () => new Date(clock) });
    arxiv = await FixtureServer.start(week.handler);
  });
  after(() => arxiv.close());
  beforeEach(async () => {
    t = await tempDb();
    week.requests.length = 0;
  });
  afterEach(() => t.cleanup());

  const deps = (categories = CATEGORIES) => ({
    db: t.db,
    log,
    client,
    config: loadConfig({
      ...t.env,
      PAPERBOY_ARXIV_CATEGORIES: categories.length === 0 ? 'none' : categories.join(' '),
      PAPERBOY_ARXIV_RSS_URL: arxiv.url('/rss/'),
      PAPERBOY_ARXIV_API_URL: arxiv.url('/api/query'),
      PAPERBOY_OAI_URL: arxiv.url('/oai2'),
    }),
  });
  const read = (at: string, categories?: string[]) => {
    clock = Date.parse(at);
    return readAnnouncements(deps(categories), new Date(clock));
  };

  /** The catalog as reads of the days before `day` left it: their papers stored (as v1), each day recorded. */
  async function readBefore(day: string, leaveOut: WeekPaper[] = []) {
    const papers = week.papers.filter((p) => p.listed < day && !leaveOut.includes(p));
    await upsertPapers(t.db, papers.map((p) => normalizePaper({ where: p.record.id, ...p.record, primaryCategory: p.record.primary_category, updated: p.record.published, listedOn: p.listed }).paper));
    for (const listed of [...new Set([...papers.map((p) => p.listed), ...(HOLIDAY < day ? [HOLIDAY] : [])])].sort()) {
      await recordDay(t.db, { day: listed, status: listed === HOLIDAY ? 'none' : 'listed', source: 'feed', listed: 0, replaced: 0, read_at: '2024-01-01T00:00:00Z' });
    }
  }

  const days = async () => (await t.db.selectFrom('announcement_days').select(['day', 'status', 'source']).orderBy('day').execute()).map((d) => `${d.day} ${d.status} ${d.source}`);
  const dayOf = async (id: string) => (await t.db.selectFrom('papers').select('day').where('id', '=', id).executeTakeFirst())?.day;

  it('reads nothing on a weekend, nor on Sunday evening, when the feed still names Friday', async () => {
    await readBefore('2024-01-06');
    for (const at of ['2024-01-06T15:00:00Z', '2024-01-08T02:00:00Z']) assert.deepEqual(await read(at), { recorded: [], waiting: null });
    assert.deepEqual(week.requests, []);
  });

  it('starts a fresh catalog with the announcement arXiv serves now, and catches nothing up', async () => {
    const report = await read('2024-01-05T12:00:00Z');
    assert.deepEqual(report.recorded.map((d) => `${d.day} ${d.status} ${d.listed}`), [`2024-01-05 listed ${week.listedOn('2024-01-05').length}`]);
    assert.deepEqual(new Set(week.requests.map((r) => r.kind)), new Set(['rss', 'api']));
  });

  it('waits for the export API until six in the morning in New York, then lists with the feed alone', async () => {
    await readBefore('2024-01-04');
    week.fail('api', '2024-01-04', hang(), hang(), hang());
    const early = await read('2024-01-04T05:30:00Z'); // 00:30 in New York
    assert.deepEqual(early, { recorded: [], waiting: '2024-01-04' });
    assert.equal(await dayOf(week.listedOn('2024-01-04')[0]!.record.id), undefined, 'nothing of the day stored');

    week.fail('api', '2024-01-04', unavailable(0), unavailable(0), unavailable(0));
    const late = await read('2024-01-04T11:30:00Z');
    assert.equal(late.recorded[0]?.listed, week.listedOn('2024-01-04').length);
    const paper = week.listedOn('2024-01-04')[0]!;
    const stored = await t.db.selectFrom('papers').select(['day', 'published', 'title']).where('id', '=', paper.record.id).executeTakeFirstOrThrow();
    assert.deepEqual(stored, { day: '2024-01-04', published: null, title: paper.record.title });
  });

  it('fills in later the papers it listed with the feed alone, a request of ids at a time, asking again later after each failure', async () => {
    // Tuesday 9 January: 127 papers (the holiday's rolled on), and the export API down all morning.
    const day = '2024-01-09';
    await readBefore(day);
    const papers = week.listedOn(day);
    assert.ok(papers.length > 100, 'more papers than one request of the export API takes');
    week.fail('api', day, unavailable(0), unavailable(0), unavailable(0));
    await read(`${day}T11:30:00Z`);
    const stored = async () => t.db.selectFrom('papers').select(['id', 'day', 'published', 'comment']).where('day', '=', day).orderBy('id').execute();
    assert.equal((await stored()).length, papers.length);
    assert.ok((await stored()).every((p) => p.published === null));
    const [first, last] = [papers[0]!.record, papers[papers.length - 1]!.record];

    // Meanwhile the page shows what the announcement gave, and says the rest is to come.
    const app = await testServer(t.db, t.dir);
    const page = (await app.inject(`/papers/${first.id}`)).body;
    assert.match(page, /Shown as arXiv's announcement gave it: its submission date, comments and versions are not known here yet/);
    assert.match(page, /<dt>Listed<\/dt><dd><a href="\/day\/2024-01-09">/);

    const fillIn = (at: string) => {
      clock = Date.parse(at);
      return completeFeedOnlyPapers(deps(), new Date(clock));
    };
    const apiRequests = () => week.requests.filter((r) => r.kind === 'api');
    const asked = (from: number) => apiRequests().slice(from).map((r) => r.request.query.get('id_list')!.split(',').length);

    let before = apiRequests().length;
    assert.deepEqual(await fillIn(`${day}T11:40:00Z`), { completed: [], postponed: [] }, 'not asked again a few minutes after the failure');
    assert.deepEqual(asked(before), []);

    // A quarter of an hour later, arXiv is still down: one request's worth is asked for (three tries) and put off.
    week.fail('api', day, unavailable(0), unavailable(0), unavailable(0));
    const failed = await fillIn(`${day}T11:45:00Z`);
    assert.deepEqual([failed.completed.length, failed.postponed.length], [0, 100]);
    assert.deepEqual(asked(before), [100, 100, 100]);

    // A minute later arXiv answers: the rest, still due, are filled in; the ones just put off wait twice as long.
    before = apiRequests().length;
    const rest = await fillIn(`${day}T11:46:00Z`);
    assert.deepEqual([rest.completed.length, rest.postponed.length], [papers.length - 100, 0]);
    assert.deepEqual(asked(before), [papers.length - 100]);
    before = apiRequests().length;
    assert.deepEqual(await fillIn(`${day}T12:10:00Z`), { completed: [], postponed: [] });
    assert.deepEqual(asked(before), []);
    const retried = await fillIn(`${day}T12:15:00Z`);
    assert.deepEqual([retried.completed.length, retried.postponed.length], [100, 0]);
    assert.deepEqual(asked(before), [100]);

    // Every paper has its full record now, and kept its listing day.
    const full = (record: (typeof papers)[number]['record']) => normalizePaper({ where: record.id, ...record, primaryCategory: record.primary_category }).paper;
    for (const p of await stored()) {
      const record = full(papers.find((q) => q.record.id === p.id)!.record);
      assert.deepEqual(p, { id: p.id, day, published: record.published, comment: record.comment });
    }
    const versions = await t.db.selectFrom('paper_versions').select('paper_id').where('paper_id', '=', last.id).execute();
    assert.equal(versions.length, 1);
    assert.deepEqual(await t.db.selectFrom('feed_only_papers').selectAll().execute(), []);
    const filled = (await app.inject(`/papers/${last.id}`)).body;
    assert.doesNotMatch(filled, /Shown as arXiv's announcement gave it/);
    assert.match(filled, new RegExp(`<dt>Submitted</dt><dd>${full(last).published!.slice(0, 10)}</dd>`));
    await app.close();

    before = apiRequests().length;
    assert.deepEqual(await fillIn(`${day}T18:00:00Z`), { completed: [], postponed: [] });
    assert.deepEqual(asked(before), [], 'nothing left to ask for');
  });

  it('updates the replaced papers it holds without listing them again, and leaves out replacements of papers it never listed', async () => {
    const day = week.papers.find((p) => p.replaced !== null && week.papers.filter((q) => q.replaced === p.replaced).length >= 2)!.replaced!;
    const [held, unknown] = week.papers.filter((p) => p.replaced === day);
    await readBefore(day, [unknown!]);
    await read(`${day}T12:00:00Z`);
    const stored = await t.db.selectFrom('papers').select(['id', 'day', 'version']).where('id', 'in', [held!.record.id, unknown!.record.id]).execute();
    assert.deepEqual(stored, [{ id: held!.record.id, day: held!.listed, version: 2 }]);
    const versions = await t.db.selectFrom('paper_versions').select('version').where('paper_id', '=', held!.record.id).orderBy('version').execute();
    assert.deepEqual(versions.map((v) => v.version), [1, 2]);
  });

  it('continues a catch-up stopped half-way from its checkpoint, and records each day once', async () => {
    await readBefore('2024-01-10');
    // The first page of the list comes, then arXiv's OAI-PMH stays unavailable.
    week.fail('oai', '2024-01-12', 'answer', unavailable(0), unavailable(0), unavailable(0));
    await assert.rejects(read('2024-01-12T06:00:00Z'), (error: unknown) => error instanceof HttpError && error.status === 503);
    assert.deepEqual(await days(), ['2024-01-02 listed feed', '2024-01-03 listed feed', '2024-01-04 listed feed', '2024-01-05 listed feed', '2024-01-08 none feed', '2024-01-09 listed feed']);
    const checkpoint = await t.db.selectFrom('harvest_checkpoints').select('key').execute();
    assert.deepEqual(checkpoint.map((c) => c.key), ['announcements oai cs 2024-01-10..2024-01-11']);

    const oaiBefore = week.requests.filter((r) => r.kind === 'oai').length;
    const report = await read('2024-01-12T06:30:00Z');
    const resumed = week.requests.filter((r) => r.kind === 'oai').slice(oaiBefore);
    assert.ok(resumed[0]!.request.query.has('resumptionToken'), 'went on with the next page, not from the start');
    assert.deepEqual(report.recorded.map((d) => `${d.day} ${d.status} ${d.source}`), ['2024-01-10 listed oai', '2024-01-11 listed oai', '2024-01-12 listed feed']);
    for (const day of ['2024-01-10', '2024-01-11']) {
      for (const p of week.listedOn(day)) assert.equal(await dayOf(p.record.id), day, p.record.id);
    }
    assert.deepEqual(await t.db.selectFrom('harvest_checkpoints').select('key').execute(), []);
    assert.deepEqual(await read('2024-01-12T07:00:00Z'), { recorded: [], waiting: null });
  });

  it('catches a holiday during the downtime up as a day without announcement', async () => {
    await readBefore('2024-01-05');
    await read('2024-01-09T12:00:00Z');
    assert.deepEqual((await days()).slice(-3), ['2024-01-05 listed oai', '2024-01-08 none oai', '2024-01-09 listed feed']);
    for (const p of week.listedOn('2024-01-05')) assert.equal(await dayOf(p.record.id), '2024-01-05', p.record.id);
    // What the schedule would have listed on the holiday went out with Tuesday's announcement.
    for (const p of week.listedOn('2024-01-09')) assert.equal(await dayOf(p.record.id), '2024-01-09', p.record.id);
    assert.equal((await t.db.selectFrom('papers').select('id').where('day', '=', HOLIDAY).execute()).length, 0);
  });

  it('reads its settings: categories (default the cs archive, or none) and a contact for the User-Agent', () => {
    assert.deepEqual(loadConfig({}).arxivCategories, ['cs']);
    assert.deepEqual(loadConfig({ PAPERBOY_ARXIV_CATEGORIES: ' cs.CL, cs.LG  stat.ML ' }).arxivCategories, ['cs.CL', 'cs.LG', 'stat.ML']);
    assert.deepEqual(loadConfig({ PAPERBOY_ARXIV_CATEGORIES: 'none' }).arxivCategories, []);
    assert.throws(() => loadConfig({ PAPERBOY_ARXIV_CATEGORIES: 'cs.CL+cs.LG' }), /PAPERBOY_ARXIV_CATEGORIES="cs\.CL\+cs\.LG": must be arXiv categories or archives separated by spaces/);
    assert.throws(() => loadConfig({ PAPERBOY_CONTACT_EMAIL: 'me@example.org\r\nX-Evil: 1' }), /PAPERBOY_CONTACT_EMAIL/);
    assert.equal(loadConfig({}).contactEmail, null);
    const config = loadConfig({ PAPERBOY_CONTACT_EMAIL: 'admin@papers.example.org', PAPERBOY_BASE_URL: 'https://papers.example.org' });
    assert.equal(arxivClient(config).userAgent, 'paperboy/0.1 (self-hosted daily-papers hub; +https://papers.example.org; mailto:admin@papers.example.org)');
  });

  it('reads nothing when the daily read is off, and refuses categories arXiv does not have', async () => {
    assert.deepEqual(await read('2024-01-05T12:00:00Z', []), { recorded: [], waiting: null });
    assert.deepEqual(week.requests, []);
    assert.throws(() => announcementCategories({ arxivCategories: ['cs.CL', 'cs.XX', 'fish'] }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /PAPERBOY_ARXIV_CATEGORIES="cs\.CL cs\.XX fish": not arXiv categories or archives: cs\.XX, fish/);
      return true;
    });
    assert.deepEqual(announcementCategories({ arxivCategories: ['cs', 'stat', 'hep-th', 'cond-mat.str-el'] }), ['cs', 'stat', 'hep-th', 'cond-mat.str-el']);
  });
});
