import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

/** Periods at and beyond the ends of the calendar: an outside review found the first four answering 500. */
const EXTREMES = [
  '/day/0000-01-01',
  '/day/9999-12-31',
  '/week/9999-W52',
  '/month/9999-12',
  '/day/0001-01-01',
  '/day/0099-03-01',
  '/week/0000-W01',
  '/week/0001-W01',
  '/week/0050-W10',
  '/month/0000-01',
  '/month/0050-06',
  '/day/1990-12-31',
  '/week/1990-W01',
  '/month/1990-12',
  '/week/9998-W52',
  '/month/2999-01',
];

describe('periods outside the calendar', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', day: '2024-01-02' })]);
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  for (const url of EXTREMES) {
    it(`answers ${url} with a page that says why, not an error`, async () => {
      const res = await app.inject(url);
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
      assert.match(res.body, /arXiv began in 1991|has not come yet|is not a (day|week|month)/, url);
    });
  }

  it('sends the date picker to such a page, which says why', async () => {
    for (const date of ['0000-01-01', '9999-12-31']) {
      for (const period of ['day', 'week', 'month']) {
        const go = await app.inject(`/go?period=${period}&date=${date}`);
        assert.ok(go.statusCode === 303 || go.statusCode === 400 || go.statusCode === 404, `${period} ${date}: ${go.statusCode}`);
      }
    }
  });

  it('answers the API and feeds for such periods without an error', async () => {
    for (const query of ['date=0000-01-01', 'date=9999-12-31', 'week=9999-W52', 'week=0000-W01', 'month=9999-12', 'month=0000-01']) {
      const res = await app.inject(`/api/daily_papers?${query}`);
      assert.ok(res.statusCode < 500, `${query}: ${res.statusCode}`);
    }
  });

  it('still shows the first and the current periods, without a link before arXiv', async () => {
    const first = await app.inject('/day/1991-01-01');
    assert.equal(first.statusCode, 200);
    assert.doesNotMatch(first.body, /rel="prev"/);
    const firstWeek = await app.inject('/week/1991-W01');
    assert.equal(firstWeek.statusCode, 200, 'the week holding 1991-01-01 starts in 1990');
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await app.inject(`/day/${today}`)).statusCode, 200);
    assert.equal((await app.inject(`/month/${today.slice(0, 7)}`)).statusCode, 200);
  });
});
