import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { hidePaper, unhidePaper } from '../../src/community/moderation.js';
import { trainCatalogModel } from '../../src/search/maintain.js';
import { SearchService } from '../../src/search/service.js';
import { upsertPapers } from '../../src/store/papers.js';
import { searchDb } from '../../src/store/search-docs.js';
import { makeAdmin } from '../support/community.js';
import { testServer } from '../support/web.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { importSample } from './sample.js';

describe('search on the web', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let paper: { id: string; title: string; day: string };
  before(async () => {
    t = await tempDb();
    await importSample(t.db, 0, 1500);
    await upsertPapers(t.db, [
      makePaper({ id: '2501.99999', title: 'Evil <script>alert(1)</script> segmentation', abstract: 'An abstract with <img src=x onerror=alert(1)>' }),
    ]);
    const service = new SearchService(t.db, await trainCatalogModel(searchDb(t.db)));
    await service.load();
    app = await testServer(t.db, t.dir, { search: service });
    paper = (await t.db.selectFrom('papers').select(['id', 'title', 'day']).where('id', 'like', '24%').orderBy('id').limit(1).executeTakeFirstOrThrow());
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('answers the API in the daily-papers shape', async () => {
    const res = await app.inject(`/api/papers/search?q=${encodeURIComponent(paper.title)}&limit=5`);
    assert.equal(res.statusCode, 200);
    const body = res.json() as { paper: { id: string; title: string; summary: string; authors: { name: string }[]; publishedAt: string; upvotes: number } }[];
    assert.ok(body.length > 0 && body.length <= 5);
    const first = body[0]!;
    assert.equal(first.paper.id, paper.id);
    assert.equal(first.paper.title, paper.title);
    assert.equal(typeof first.paper.summary, 'string');
    assert.ok(first.paper.authors.length > 0 && typeof first.paper.authors[0]!.name === 'string');
    assert.ok(!Number.isNaN(Date.parse(first.paper.publishedAt)));
    assert.equal(first.paper.upvotes, 0);
  });

  it('leaves out papers a moderator has hidden, from the API, the page and author pages', async () => {
    const target = await t.db.selectFrom('papers').select(['id', 'title', 'authors']).where('id', 'like', '24%').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const author = (JSON.parse(target.authors) as string[])[0]!;
    const ids = async () => (await app.inject(`/api/papers/search?q=${encodeURIComponent(target.title)}&limit=5`)).json().map((h: { paper: { id: string } }) => h.paper.id) as string[];
    assert.equal((await ids())[0], target.id);
    const admin = await makeAdmin(t.db);
    await hidePaper(t.db, admin.id, target.id, 'spam');
    try {
      assert.ok(!(await ids()).includes(target.id));
      assert.ok(!(await app.inject(`/search?q=${encodeURIComponent(target.title)}`)).body.includes(`/papers/${target.id}"`));
      assert.ok(!(await app.inject(`/authors/${encodeURIComponent(author)}`)).body.includes(`/papers/${target.id}"`));
    } finally {
      await unhidePaper(t.db, admin.id, target.id, 'not spam after all');
    }
    assert.equal((await ids())[0], target.id);
  });

  it('takes filters as parameters', async () => {
    const res = await app.inject('/api/papers/search?q=segmentation&cat=cs.CV&after=2025-01-01&limit=120');
    assert.equal(res.statusCode, 200);
    const body = res.json() as { paper: { categories: string[]; publishedAt: string } }[];
    assert.ok(body.length > 0);
    for (const hit of body) assert.ok(hit.paper.categories.includes('cs.CV'));
  });

  it('refuses bad parameters with a 400 that names them', async () => {
    const cases: [string, string][] = [
      ['', 'q'],
      ['q=', 'q'],
      [`q=${'x'.repeat(251)}`, 'q'],
      ['q=x&limit=0', 'limit'],
      ['q=x&limit=121', 'limit'],
      ['q=x&limit=ten', 'limit'],
      ['q=x&limit=1.5', 'limit'],
      ['q=x&mode=magic', 'mode'],
      ['q=x&cat=nonsense', 'cat'],
      ['q=x&after=2025-02-30', 'after'],
      ['q=x&q=y', 'q'],
    ];
    for (const [query, parameter] of cases) {
      const res = await app.inject(`/api/papers/search?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.match(res.headers['content-type'] as string, /application\/json/);
      const body = res.json() as { parameter: string; message: string };
      assert.equal(body.parameter, parameter, query);
      assert.match(body.message, new RegExp(`^${parameter}: `));
    }
  });

  it('never fails on hostile text, in the API or the page', async () => {
    for (const q of ['"', 'AND OR (', '*', 'NEAR(', '<script>alert(1)</script>', '%00', 'a'.repeat(250)]) {
      const api = await app.inject(`/api/papers/search?q=${encodeURIComponent(q)}`);
      assert.equal(api.statusCode, 200, q);
      const page = await app.inject(`/search?q=${encodeURIComponent(q)}`);
      assert.equal(page.statusCode, 200, q);
      assert.ok(!page.body.includes('<script>alert(1)</script>'));
    }
    const long = await app.inject(`/search?q=${encodeURIComponent('word '.repeat(1000))}`);
    assert.equal(long.statusCode, 200);
    assert.match(long.body, /cut to its first 1000 characters/);
  });

  it('shows a search page with escaped results and a search box on every page', async () => {
    const res = await app.inject('/search?q=segmentation&mode=keyword');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Evil &lt;script&gt;alert\(1\)&lt;\/script&gt; segmentation/);
    assert.ok(!res.body.includes('<img src=x'));
    assert.match(res.body, /<option value="keyword" selected>/);
    const empty = await app.inject('/search');
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /author:"Yann LeCun"/);
    const nothing = await app.inject('/search?q=zzzqqqxxx');
    assert.match(nothing.body, /No papers found/);
    const home = await app.inject(`/papers/${paper.id}`);
    assert.match(home.body, /action="\/search"/);
  });

  it('lists similar papers on a paper page', async () => {
    const res = await app.inject(`/papers/${paper.id}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h2 id="similar-h">Similar papers<\/h2>/);
    const links = [...res.body.matchAll(/<li><a href="\/papers\/([^"]+)">/g)].map((m) => m[1]);
    assert.ok(links.length >= 5);
    assert.ok(!links.includes(paper.id));
  });
});
