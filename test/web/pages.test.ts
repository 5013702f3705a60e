import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { upsertPapers } from '../../src/store/papers.js';
import { testServer } from '../support/web.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

describe('web pages', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [
      makePaper({ id: '2401.00001', day: '2024-01-02', title: 'Attention Is Still All You Need' }),
      makePaper({
        id: '2401.00002',
        day: '2024-01-03',
        title: 'Evil <script>alert(1)</script> title',
        abstract: 'An abstract with <img src=x onerror=alert(1)> and "quotes"',
        authors: ['Mallory <b>Bold</b>'],
        comment: '<a href="javascript:alert(1)">click</a>',
        links: [
          { kind: 'code', url: 'https://github.com/owner/repo' },
          { kind: 'project', url: 'javascript:alert(1)' },
        ],
      }),
      makePaper({ id: 'hep-th/9901001', day: '2024-01-04', title: 'An old-style paper', version: 3 }),
    ]);
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('shows the latest day on the home page, with a link to the previous day', async () => {
    const res = await app.inject('/');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /An old-style paper/);
    assert.match(res.body, /href="\/papers\/hep-th\/9901001"/);
    assert.match(res.body, /href="\/day\/2024-01-03"/);
    assert.doesNotMatch(res.body, /rel="next"/, 'nothing is newer than the latest day');
  });

  it('shows a day with previous and next days', async () => {
    const res = await app.inject('/day/2024-01-03');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /rel="prev" href="\/day\/2024-01-02"/);
    assert.match(res.body, /rel="next" href="\/day\/2024-01-04"/);
  });

  it('says so on a day without papers, and refuses a date that does not exist', async () => {
    assert.match((await app.inject('/day/2023-05-05')).body, /No papers for this day/);
    assert.equal((await app.inject('/day/2025-13-45')).statusCode, 404);
    assert.equal((await app.inject('/go?date=2025-02-30')).statusCode, 400);
    const go = await app.inject('/go?date=2024-01-03');
    assert.equal(go.statusCode, 303);
    assert.equal(go.headers.location, '/day/2024-01-03');
  });

  it('shows hostile text as text, never as markup', async () => {
    for (const url of ['/day/2024-01-03', '/papers/2401.00002']) {
      const body = (await app.inject(url)).body;
      assert.doesNotMatch(body, /<script>alert/);
      assert.doesNotMatch(body, /<img src=x/);
      assert.doesNotMatch(body, /<b>Bold/);
      assert.doesNotMatch(body, /href="javascript:/);
      assert.match(body, /Evil &lt;script&gt;alert\(1\)&lt;\/script&gt; title/);
      assert.match(body, /href="https:\/\/github.com\/owner\/repo"/);
    }
  });

  it('shows a paper page, old-style ids included, and redirects versioned ids', async () => {
    const res = await app.inject('/papers/hep-th/9901001');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1 class="math">An old-style paper<\/h1>/);
    assert.match(res.body, /https:\/\/arxiv.org\/pdf\/hep-th\/9901001v3/);
    const versioned = await app.inject('/papers/2401.00001v2');
    assert.equal(versioned.statusCode, 301);
    assert.equal(versioned.headers.location, '/papers/2401.00001');
    assert.equal((await app.inject('/papers/2401.99999')).statusCode, 404);
    assert.equal((await app.inject('/papers/not-an-id')).statusCode, 404);
  });

  it('serves the stylesheet and sends security headers', async () => {
    const res = await app.inject('/assets/style.css');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/css/);
    const page = await app.inject('/');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(page.headers['content-security-policy'] as string, /default-src 'self'/);
  });
});
