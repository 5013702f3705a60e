import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DailyPaperJson } from '../../src/web/api/present.js';
import { featurePaper, unfeaturePaper } from '../../src/community/moderation.js';
import { apiFixture, closeFixture, HOSTILE_ABSTRACT, HOSTILE_TITLE, SUBMITTED_AT, type ApiFixture } from './fixture.js';

const ROUTE = '/api/daily_papers';

describe('GET /api/daily_papers', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => closeFixture(f));

  /** Every paper of the period unless the query says which list. */
  const list = async (query: string) => {
    const withList = query.includes('list=') ? query : `${query}${query === '' ? '?' : '&'}list=all`;
    const res = await f.app.inject(`${ROUTE}${withList}`);
    f.contract.check(res, 'GET', ROUTE);
    assert.equal(res.statusCode, 200, res.body);
    return { res, items: res.json() as DailyPaperJson[], ids: (res.json() as DailyPaperJson[]).map((i) => i.paper.id) };
  };

  it('answers every field of the public daily-papers shape', async () => {
    const { items } = await list('?date=2026-01-02');
    const voted = items.find((i) => i.paper.id === '2601.00002')!;
    assert.deepEqual(voted, {
      paper: {
        id: '2601.00002',
        title: 'Most voted',
        summary: 'We test things.',
        authors: [{ name: 'Grace Hopper' }],
        publishedAt: '2025-12-31T10:00:00Z',
        upvotes: 2,
        submittedOnDailyAt: '2026-01-02T00:00:00.000Z',
        submittedOnDailyBy: null,
        categories: ['cs.CL', 'cs.LG'],
        githubRepo: null,
        githubStars: null,
        projectPage: null,
        ai_summary: 'We test things.',
        ai_keywords: [],
        ai_summary_model: null,
        summarySource: 'extractive',
      },
      title: 'Most voted',
      summary: 'We test things.',
      publishedAt: '2026-01-02T00:00:00.000Z',
      submittedBy: null,
      numComments: 1,
      githubRepo: null,
      projectPage: null,
      isAuthorParticipating: false,
    });
    // Text goes out as it is stored: JSON needs no HTML escaping, and clients get the real title.
    const hostile = items.find((i) => i.paper.id === '2601.00003')!;
    assert.equal(hostile.title, HOSTILE_TITLE);
    assert.equal(hostile.paper.summary, HOSTILE_ABSTRACT);
  });

  it('names the submitter and the code and project links', async () => {
    const { items } = await list('?month=2025-12');
    const submitted = items.find((i) => i.paper.id === '2512.00003')!;
    assert.deepEqual(submitted.submittedBy, { name: f.alice.username, user: f.alice.username, fullname: 'Alice Liddell', type: 'user' });
    assert.deepEqual(submitted.paper.submittedOnDailyBy, submitted.submittedBy);
    const linked = items.find((i) => i.paper.id === '2512.00001')!;
    assert.equal(linked.githubRepo, 'https://github.com/example/one');
    assert.equal(linked.paper.githubRepo, 'https://github.com/example/one');
    assert.equal(linked.projectPage, 'https://example.org/one');
    assert.equal(linked.paper.upvotes, 1);
  });

  it('lists the featured papers by default, as the public API does: those members submitted or moderators picked for the day', async () => {
    const { items } = await list('?date=2026-01-02&list=featured');
    assert.deepEqual(items.map((i) => i.paper.id), ['2512.00003']);
    assert.equal(items[0]!.paper.submittedOnDailyAt, SUBMITTED_AT.toISOString());
    assert.equal(items[0]!.paper.submittedOnDailyBy?.name, f.alice.username);
    assert.deepEqual((await list('?date=2026-01-02')).ids.length, 4, 'list=all: the featured paper and the three listed that day');
    const latest = await f.app.inject(ROUTE);
    assert.deepEqual((latest.json() as DailyPaperJson[]).map((i) => i.paper.id), ['2512.00003'], 'no parameter: the featured papers of the latest day');
    // A moderator's pick joins the featured list of its listing day, named as who put it there.
    await featurePaper(f.t.db, f.admin.id, '2601.00002', 'a good one');
    const picked = (await list('?date=2026-01-02&list=featured&sort=trending')).items;
    assert.deepEqual(picked.map((i) => i.paper.id), ['2601.00002', '2512.00003']);
    assert.equal(picked[0]!.paper.submittedOnDailyBy?.name, f.admin.username);
    await unfeaturePaper(f.t.db, f.admin.id, '2601.00002', 'on second thought');
  });

  it('lists the latest day that has papers when no date, week or month is given, and leaves hidden papers out', async () => {
    const { ids } = await list('');
    assert.deepEqual(new Set(ids), new Set(['2601.00001', '2601.00002', '2601.00003', '2512.00003']));
    assert.ok(!ids.includes('2601.00009'), 'a hidden paper is not listed');
  });

  it('sorts by publishedAt by default, or by trending', async () => {
    // The Sunday paper is on this day by Alice's submission, published before the others.
    assert.deepEqual((await list('?date=2026-01-02')).ids, ['2601.00001', '2601.00002', '2601.00003', '2512.00003']);
    assert.deepEqual((await list('?date=2026-01-02&sort=publishedAt')).ids, ['2601.00001', '2601.00002', '2601.00003', '2512.00003']);
    assert.equal((await list('?date=2026-01-02&sort=trending')).ids[0], '2601.00002');
  });

  it('takes weeks by the ISO rule: Monday to Sunday, in the year of their Thursday', async () => {
    // 2026-W01 starts on Monday 2025-12-29, in December; the Sunday paper is in it by Alice's submission.
    assert.deepEqual(new Set((await list('?week=2026-W01')).ids), new Set(['2512.00001', '2512.00002', '2512.00004', '2601.00001', '2601.00002', '2601.00003', '2512.00003']));
    // Sunday 2025-12-28 closes 2025-W52.
    assert.deepEqual((await list('?week=2025-W52')).ids, ['2512.00003']);
    // 2020 had 53 weeks; 2025 has 52.
    assert.deepEqual((await list('?week=2020-W53')).ids, []);
    const bad = await f.app.inject(`${ROUTE}?week=2025-W53`);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().parameter, 'week');
  });

  it('takes months', async () => {
    assert.deepEqual(new Set((await list('?month=2025-12')).ids), new Set(['2512.00001', '2512.00002', '2512.00003', '2512.00004']));
    assert.deepEqual((await list('?month=1999-01')).ids, ['hep-th/9901001']);
  });

  it('pages from p=0 with limit, and a page past the end is empty', async () => {
    const all = (await list('?week=2026-W01&limit=100')).ids;
    assert.equal(all.length, 7);
    const pages = [];
    for (let p = 0; p < 4; p++) {
      const { ids, res } = await list(`?week=2026-W01&limit=2&p=${p}`);
      assert.equal(ids.length, p < 3 ? 2 : 1);
      assert.equal(res.headers['x-total-count'], '7');
      pages.push(...ids);
    }
    assert.deepEqual(pages, all);
    assert.deepEqual((await list('?week=2026-W01&limit=2&p=4')).ids, []);
    assert.deepEqual((await list('?week=2026-W01&p=100000')).ids, []);
    assert.equal((await list('?week=2026-W01&limit=1')).ids.length, 1);
  });

  it('defaults to 50 a page and allows up to 100', async () => {
    assert.equal((await list('?limit=100')).ids.length, 4);
    const tooMany = await f.app.inject(`${ROUTE}?limit=101`);
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json().parameter, 'limit');
  });

  it("filters by submitter: with no period, every paper the member submitted", async () => {
    assert.deepEqual(new Set((await list(`?submitter=${f.alice.username}`)).ids), new Set(f.submitted));
    // In a period, the papers they submitted in it (their submissions fall on the day they made them).
    assert.deepEqual((await list(`?submitter=${f.alice.username}&month=2025-12`)).ids, []);
    assert.deepEqual((await list(`?submitter=${f.bob.username}`)).ids, []);
    assert.deepEqual((await list('?submitter=nobody-here')).ids, []);
  });

  it('refuses wrong parameters with a 400 that names them, and ignores unknown ones', async () => {
    const cases: [string, string][] = [
      ['date=2025-13-45', 'date'],
      ['date=2025-02-30', 'date'],
      ['date=yesterday', 'date'],
      ['date=', 'date'],
      ['week=2025-W60', 'week'],
      ['week=2025-W00', 'week'],
      ['week=2025-53', 'week'],
      ['month=2025-13', 'month'],
      ['month=2025-1', 'month'],
      ['limit=0', 'limit'],
      ['limit=-5', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1e2', 'limit'],
      ['limit=', 'limit'],
      ['p=-1', 'p'],
      ['p=x', 'p'],
      ['p=99999999999999', 'p'],
      ['sort=newest', 'sort'],
      ['list=everything', 'list'],
      [`submitter=${'x'.repeat(101)}`, 'submitter'],
      ['date=2025-01-01&week=2025-W01', 'week'],
      ['month=2025-01&date=2025-01-01', 'month'],
      ['limit=5&limit=6', 'limit'],
    ];
    for (const [query, parameter] of cases) {
      const res = await f.app.inject(`${ROUTE}?${query}`);
      f.contract.check(res, 'GET', ROUTE);
      assert.equal(res.statusCode, 400, query);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const body = res.json() as { status: number; error: string; message: string; parameter: string };
      assert.equal(body.status, 400, query);
      assert.equal(body.error, 'Bad Request');
      assert.equal(body.parameter, parameter, query);
      assert.match(body.message, new RegExp(`^${parameter}: `), query);
    }
    const unknown = await list('?date=2026-01-02&foo=bar&foo=baz&page=7&Limit=0');
    assert.equal(unknown.ids.length, 4);
  });

  it('gives lists an ETag and answers 304 to If-None-Match while the list is unchanged', async () => {
    const first = await f.app.inject(`${ROUTE}?date=2026-01-02`);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[\w-]+"$/);
    const again = await f.app.inject({ url: `${ROUTE}?date=2026-01-02`, headers: { 'if-none-match': etag } });
    f.contract.check(again, 'GET', ROUTE);
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers.etag, etag);
    const weak = await f.app.inject({ url: `${ROUTE}?date=2026-01-02`, headers: { 'if-none-match': `"other", W/${etag}` } });
    assert.equal(weak.statusCode, 304);
    const other = await f.app.inject({ url: `${ROUTE}?date=2025-12-29`, headers: { 'if-none-match': etag } });
    assert.equal(other.statusCode, 200);
    assert.notEqual(other.headers.etag, etag);
  });

  it('allows other sites to read it (CORS), with a preflight for If-None-Match', async () => {
    const res = await f.app.inject({ url: ROUTE, headers: { origin: 'https://elsewhere.example' } });
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(String(res.headers['access-control-expose-headers']), /ETag/);
    const preflight = await f.app.inject({
      method: 'OPTIONS',
      url: ROUTE,
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.match(String(preflight.headers['access-control-allow-methods']), /GET/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /If-None-Match/i);
    // Pages and forms are not opened to other sites.
    const page = await f.app.inject({ url: '/', headers: { origin: 'https://elsewhere.example' } });
    assert.equal(page.headers['access-control-allow-origin'], undefined);
  });
});
