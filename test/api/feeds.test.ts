import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toggleVote } from '../../src/community/votes.js';
import { checkFeed, decodeHtml } from './feed-check.js';
import { apiFixture, closeFixture, HOSTILE_TITLE, type ApiFixture } from './fixture.js';

const FORMATS = ['rss', 'atom'] as const;
const arxiv = (id: string) => `https://arxiv.org/abs/${id}`;

describe('RSS and Atom feeds', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => closeFixture(f));

  const feed = async (path: string, format: 'rss' | 'atom', template: string) => {
    const res = await f.app.inject(`${path.replace('{format}', format)}`);
    f.contract.check(res, 'GET', template);
    assert.equal(res.statusCode, 200, `${path}: ${res.body.slice(0, 300)}`);
    assert.equal(res.headers['content-type'], format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8');
    return { res, items: await checkFeed(res.body, format) };
  };

  it('follows the daily page: the latest day, without hidden papers', async () => {
    for (const format of FORMATS) {
      const { items } = await feed('/feeds/daily.{format}', format, '/feeds/daily.{format}');
      // The Sunday paper is on the latest day by Alice's submission.
      assert.deepEqual(new Set(items.map((i) => i.id)), new Set(['2601.00001', '2601.00002', '2601.00003', '2512.00003'].map(arxiv)));
      assert.ok(items.every((i) => i.link.startsWith('https://papers.example.org/papers/')));
    }
  });

  it('follows trending (as of the latest day when the last week is empty)', async () => {
    // A catalog with nothing new in the last week (the demo, this fixture) ranks as of its latest day.
    for (const format of FORMATS) {
      const { items } = await feed('/feeds/trending.{format}', format, '/feeds/trending.{format}');
      assert.equal(items[0]!.id, arxiv('2601.00002'));
      assert.ok(!items.some((i) => i.id === arxiv('2601.00009')));
    }
    // A paper submitted now is the last week's only one.
    const now = new Date().toISOString();
    await f.t.db.insertInto('submissions').values({ paper_id: '2512.00004', submitted_by: f.bob.id, submitted_at: now, day: now.slice(0, 10) }).execute();
    try {
      for (const format of FORMATS) {
        const { items } = await feed('/feeds/trending.{format}', format, '/feeds/trending.{format}');
        assert.deepEqual(items.map((i) => i.id), [arxiv('2512.00004')]);
      }
    } finally {
      await f.t.db.deleteFrom('submissions').where('paper_id', '=', '2512.00004').execute();
    }
  });

  it('follows a category, an author, a search and a public collection', async () => {
    for (const format of FORMATS) {
      const category = await feed('/feeds/categories/cs.CV.{format}', format, '/feeds/categories/{category}.{format}');
      assert.deepEqual(category.items.map((i) => i.id), [arxiv('2512.00002')]);
      const author = await feed(`/feeds/authors/${encodeURIComponent('Grace Hopper')}.{format}`, format, '/feeds/authors/{name}.{format}');
      assert.deepEqual(new Set(author.items.map((i) => i.id)), new Set([arxiv('2601.00001'), arxiv('2601.00002')]));
      const search = await feed('/feeds/search.{format}?q=monday', format, '/feeds/search.{format}');
      assert.deepEqual(new Set(search.items.map((i) => i.id)), new Set([arxiv('2512.00001'), arxiv('2512.00002')]));
      const hidden = await feed('/feeds/search.{format}?q=moderator', format, '/feeds/search.{format}');
      assert.deepEqual(hidden.items, [], 'hidden papers stay out of search feeds');
      const collection = await feed(`/feeds/collections/${f.alice.username}/reading-group.{format}`, format, '/feeds/collections/{username}/{slug}.{format}');
      assert.deepEqual(new Set(collection.items.map((i) => i.id)), new Set([arxiv('2512.00001'), arxiv('2601.00003')]));
    }
  });

  it('keeps item ids (and the whole feed) stable, so readers show each paper once', async () => {
    for (const format of FORMATS) {
      const first = await f.app.inject(`/feeds/daily.${format}`);
      const second = await f.app.inject(`/feeds/daily.${format}`);
      assert.equal(second.body, first.body);
      assert.equal(second.headers.etag, first.headers.etag);
      const cached = await f.app.inject({ url: `/feeds/daily.${format}`, headers: { 'if-none-match': String(first.headers.etag) } });
      f.contract.check(cached, 'GET', '/feeds/daily.{format}');
      assert.equal(cached.statusCode, 304);
    }
    const before = await checkFeed((await f.app.inject('/feeds/daily.atom')).body, 'atom');
    await toggleVote(f.t.db, f.bob.id, '2601.00003');
    const after = await checkFeed((await f.app.inject('/feeds/daily.atom')).body, 'atom');
    assert.deepEqual(after.map((i) => i.id).sort(), before.map((i) => i.id).sort());
  });

  it('escapes paper text and drops characters XML cannot hold', async () => {
    for (const format of FORMATS) {
      const { res, items } = await feed('/feeds/daily.{format}', format, '/feeds/daily.{format}');
      assert.ok(!res.body.includes('<script>'));
      assert.ok(!res.body.includes('<img'));
      assert.ok(!res.body.includes('\f'));
      const hostile = items.find((i) => i.id === arxiv('2601.00003'))!;
      assert.equal(decodeHtml(hostile.title), HOSTILE_TITLE);
    }
  });

  it('answers 404 for lists that do not exist or are private, and 400 for a search without words', async () => {
    for (const [url, template] of [
      ['/feeds/categories/nonsense.rss', '/feeds/categories/{category}.{format}'],
      ['/feeds/categories/cs.CL.json', '/feeds/categories/{category}.{format}'],
      [`/feeds/collections/${f.alice.username}/secret-list.rss`, '/feeds/collections/{username}/{slug}.{format}'],
      ['/feeds/collections/nobody/reading-group.atom', '/feeds/collections/{username}/{slug}.{format}'],
      ['/feeds/daily.json', '/feeds/daily.{format}'],
    ] as const) {
      const res = await f.app.inject(url);
      f.contract.check(res, 'GET', template);
      assert.equal(res.statusCode, 404, url);
    }
    for (const url of ['/feeds/search.rss', '/feeds/search.rss?q=', `/feeds/search.atom?q=${'x'.repeat(251)}`]) {
      const res = await f.app.inject(url);
      f.contract.check(res, 'GET', '/feeds/search.{format}');
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().parameter, 'q');
    }
  });

  it('is linked from each page with <link rel="alternate">, and every link works', async () => {
    const pages = [
      '/',
      '/day/2026-01-02',
      '/week/2026-W01',
      '/about/trending',
      '/categories/cs.CV',
      `/authors/${encodeURIComponent('Grace Hopper')}`,
      '/search?q=monday',
      `/u/${f.alice.username}/c/reading-group`,
    ];
    for (const page of pages) {
      const res = await f.app.inject(page);
      assert.equal(res.statusCode, 200, page);
      const links = [...res.body.matchAll(/<link rel="alternate" type="application\/(rss|atom)\+xml" title="[^"]+" href="([^"]+)">/g)];
      assert.ok(links.some((l) => l[1] === 'rss') && links.some((l) => l[1] === 'atom'), `${page} links its feeds`);
      for (const [, format, href] of links) {
        const target = await f.app.inject(decodeHtml(href!));
        assert.equal(target.statusCode, 200, `${page} → ${href}`);
        await checkFeed(target.body, format as 'rss' | 'atom');
      }
    }
    // A private collection has no feed to link.
    const owner = await f.app.inject(`/u/${f.alice.username}/c/secret-list`);
    assert.ok(!owner.body.includes('rel="alternate"'));
  });

  it('can be read from other sites (CORS)', async () => {
    const res = await f.app.inject({ url: '/feeds/daily.rss', headers: { origin: 'https://reader.example' } });
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });
});
