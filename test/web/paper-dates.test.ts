import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { arxivIdMonth } from '../../src/papers/arxiv-id.js';
import { submittedWhen } from '../../src/papers/dates.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

describe('the dates a paper page shows', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [
      // As the JSON-lines sample and the demo catalog give it: a listing day, no dates.
      makePaper({ id: '2606.32040', day: '2026-07-01', published: null, updated: null, title: 'FaceMoE' }),
      makePaper({ id: '2401.00001', day: '2024-01-02', published: '2024-01-01T10:00:00Z', updated: '2024-01-20T08:00:00Z', title: 'Dated' }),
    ]);
    app = await testServer(t.db, t.dir, { env: { PAPERBOY_BASE_URL: 'https://papers.example.org' } });
  });
  after(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('reads the month from the id', () => {
    assert.equal(arxivIdMonth('2606.32040'), '2026-06');
    assert.equal(arxivIdMonth('arXiv:0704.0001v2'), '2007-04');
    assert.equal(arxivIdMonth('hep-th/9108001'), '1991-08');
    assert.equal(arxivIdMonth('math.GT/0309136'), '2003-09');
    assert.equal(arxivIdMonth('not an id'), null);
    assert.equal(submittedWhen({ id: '2606.32040', published: null }), 'June 2026');
    assert.equal(submittedWhen({ id: 'cs/0011004', published: null }), 'November 2000');
    assert.equal(submittedWhen({ id: '2606.32040', published: '2026-06-29T17:59:58Z' }), '2026-06-29');
  });

  it('shows the month of the id and the listing day when the source gave no dates, and no "unknown"', async () => {
    const res = await app.inject('/papers/2606.32040');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<dt>Submitted<\/dt><dd>June 2026<\/dd>/);
    assert.match(res.body, /<dt>Listed<\/dt><dd><a href="\/day\/2026-07-01">2026-07-01<\/a><\/dd>/);
    assert.doesNotMatch(res.body, /<dt>Updated<\/dt>/);
    assert.doesNotMatch(res.body, /unknown/i);
  });

  it('shows the days of the first and latest versions when they are known', async () => {
    const res = await app.inject('/papers/2401.00001');
    assert.match(res.body, /<dt>Submitted<\/dt><dd>2024-01-01<\/dd>/);
    assert.match(res.body, /<dt>Updated<\/dt><dd>2024-01-20<\/dd>/);
    assert.match(res.body, /<dt>Listed<\/dt><dd><a href="\/day\/2024-01-02">2024-01-02<\/a><\/dd>/);
  });

  it('says the same in the Markdown version', async () => {
    const undated = (await app.inject('/papers/2606.32040.md')).body;
    assert.match(undated, /^- \*\*Published:\*\* June 2026 · \*\*Listed on:\*\* \[2026-07-01\]\(<https:\/\/papers\.example\.org\/day\/2026-07-01>\)$/m);
    assert.doesNotMatch(undated, /unknown|Updated/i);
    const dated = (await app.inject('/papers/2401.00001.md')).body;
    assert.match(dated, /^- \*\*Published:\*\* 2024-01-01 · \*\*Updated:\*\* 2024-01-20 · \*\*Listed on:\*\* /m);
  });
});
