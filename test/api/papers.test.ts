import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { addComment } from '../../src/community/comments.js';
import type { DailyPaperJson, PaperDetailJson } from '../../src/web/api/present.js';
import { apiFixture, closeFixture, HOSTILE_ABSTRACT, HOSTILE_TITLE, type ApiFixture } from './fixture.js';

describe('GET /api/papers/{id}, search and Markdown', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => closeFixture(f));

  it('answers one paper with its details and counters', async () => {
    const res = await f.app.inject('/api/papers/2601.00002');
    f.contract.check(res, 'GET', '/api/papers/{id}');
    assert.equal(res.statusCode, 200);
    const paper = res.json() as PaperDetailJson;
    assert.equal(paper.id, '2601.00002');
    assert.equal(paper.title, 'Most voted');
    assert.equal(paper.summary, 'We test things.');
    assert.deepEqual(paper.authors, [{ name: 'Grace Hopper' }]);
    assert.equal(paper.publishedAt, '2025-12-31T10:00:00Z');
    assert.equal(paper.upvotes, 2);
    assert.equal(paper.numComments, 1);
    assert.equal(paper.submittedOnDailyBy, null);
    assert.equal(paper.version, 1);

    const submitted = (await f.app.inject('/api/papers/2512.00003')).json() as PaperDetailJson;
    assert.deepEqual(submitted.submittedOnDailyBy, { name: f.alice.username, user: f.alice.username, fullname: 'Alice Liddell', type: 'user' });
    assert.ok(submitted.submittedOnDailyAt > '2026-01-01', 'a submitted paper appeared when it was submitted');
  });

  it('finds old-style ids with their slash, and versioned ids', async () => {
    const old = await f.app.inject('/api/papers/hep-th/9901001');
    f.contract.check(old, 'GET', '/api/papers/{id}');
    assert.equal(old.statusCode, 200);
    assert.equal(old.json().id, 'hep-th/9901001');
    const versioned = await f.app.inject('/api/papers/2601.00002v1');
    assert.equal(versioned.json().id, '2601.00002');
  });

  it('answers 404 in JSON for a paper not in the catalog, and 400 for a wrong id', async () => {
    const missing = await f.app.inject('/api/papers/2601.99999');
    f.contract.check(missing, 'GET', '/api/papers/{id}');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { status: 404, error: 'Not Found', message: 'arXiv:2601.99999 is not in this catalog.' });
    for (const bad of ['nonsense', '%3Cscript%3E', '2601', '..%2F..%2Fetc%2Fpasswd']) {
      const res = await f.app.inject(`/api/papers/${bad}`);
      f.contract.check(res, 'GET', '/api/papers/{id}');
      assert.equal(res.statusCode, 400, bad);
      assert.equal(res.json().parameter, 'id');
    }
  });

  it('answers search in the same shape, through the same presenter', async () => {
    const res = await f.app.inject('/api/papers/search?q=voted&limit=5');
    f.contract.check(res, 'GET', '/api/papers/search');
    assert.equal(res.statusCode, 200);
    const hits = res.json() as DailyPaperJson[];
    const hit = hits.find((h) => h.paper.id === '2601.00002')!;
    const listed = ((await f.app.inject('/api/daily_papers?date=2026-01-02&list=all')).json() as DailyPaperJson[]).find((i) => i.paper.id === '2601.00002');
    assert.deepEqual(hit, listed);
    // Hidden papers are left out of search results as from every list.
    const hidden = (await f.app.inject('/api/papers/search?q=hidden')).json() as DailyPaperJson[];
    assert.ok(!hidden.some((h) => h.paper.id === '2601.00009'));
    assert.ok((await f.app.inject('/api/papers/search?q=hidden')).headers.etag);
  });

  it('refuses bad search parameters with 400s that name them', async () => {
    for (const [query, parameter] of [
      ['', 'q'],
      [`q=${'x'.repeat(251)}`, 'q'],
      ['q=x&limit=0', 'limit'],
      ['q=x&limit=121', 'limit'],
      ['q=x&q=y', 'q'],
    ] as const) {
      const res = await f.app.inject(`/api/papers/search?${query}`);
      f.contract.check(res, 'GET', '/api/papers/search');
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json().parameter, parameter);
    }
    const longest = await f.app.inject(`/api/papers/search?q=${'x'.repeat(250)}&limit=120`);
    assert.equal(longest.statusCode, 200);
  });

  it('serves the paper page as Markdown that renders exactly the stored text', async () => {
    await addComment(f.t.db, f.bob.id, { paperId: '2601.00003', body: '<script>alert(1)</script> **not bold**' });
    const res = await f.app.inject('/papers/2601.00003.md');
    f.contract.check(res, 'GET', '/papers/{id}.md');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/markdown; charset=utf-8/);
    const md = res.body;
    assert.match(md, /^# /);
    assert.match(md, /## Abstract/);
    assert.match(md, /\[This paper on Paperboy\]\(<https:\/\/papers\.example\.org\/papers\/2601\.00003>\)/);
    // The abstract page of the newest version, the PDF of the version held (see papers/urls.ts).
    assert.match(md, /\(<https:\/\/arxiv\.org\/abs\/2601\.00003>\) · \[PDF\]\(<https:\/\/arxiv\.org\/pdf\/2601\.00003v\d+>\)/);

    const rendered = new MarkdownIt({ html: true, linkify: false }).render(md);
    // Nothing from the paper or the comment becomes markup, even with raw HTML allowed.
    assert.ok(!rendered.includes('<script>'), rendered);
    assert.ok(!rendered.includes('<img'), rendered);
    assert.ok(!rendered.includes('<b>'));
    assert.ok(!/href="javascript/.test(rendered));
    assert.ok(!/<em>|<strong>bold|<code>code/.test(rendered));
    // And the text reads as written.
    const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const title = /<h1>(.*)<\/h1>/.exec(rendered)![1]!;
    assert.equal(text(title), HOSTILE_TITLE);
    const abstract = rendered.split('<h2>Abstract</h2>')[1]!.split('<h2>')[0]!;
    assert.equal(text(abstract).replace(/\s+/g, ' ').trim(), HOSTILE_ABSTRACT.replace(/\f/g, ' ').replace(/\s+/g, ' ').trim());
    assert.match(text(rendered), /<script>alert\(1\)<\/script> \*\*not bold\*\*/);
    assert.match(text(rendered), /Mallory <b>Evil<\/b>/);

    assert.equal((await f.app.inject('/papers/hep-th/9901001.md')).statusCode, 200);
    const missing = await f.app.inject('/papers/2601.99999.md');
    f.contract.check(missing, 'GET', '/papers/{id}.md');
    assert.equal(missing.statusCode, 404);
    assert.equal((await f.app.inject('/papers/junk.md')).statusCode, 404);
  });

  it('never answers 500 to anything a client sends', async () => {
    const urls = [
      '/api/daily_papers?date=%00',
      '/api/daily_papers?date[]=1',
      '/api/daily_papers?p=1&p=2',
      `/api/daily_papers?submitter=${encodeURIComponent('\u0000\u202e<x>')}`,
      '/api/daily_papers?limit=%F0%9F%98%80',
      '/api/papers/%E0%A4%A',
      '/api/papers/%00',
      `/api/papers/${'9'.repeat(5000)}`,
      '/api/papers/search?q=%22',
      '/api/papers/search?q=NEAR(',
      '/api/papers/search?q=*',
      '/api/papers/search?q=a&after=2025-02-30',
      '/api/papers/index',
      '/api/nothing/here',
      '/papers/%00.md',
      '/feeds/search.rss?q=%22',
      '/feeds/search.atom?q=AND%20OR%20(',
      '/feeds/authors/%00.rss',
      `/feeds/authors/${'x'.repeat(300)}.rss`,
      '/feeds/categories/..%2F..%2Fetc.rss',
      '/feeds/collections/nobody/nothing.rss',
      '/feeds/daily.json',
    ];
    for (const url of urls) {
      const res = await f.app.inject(url);
      assert.ok(res.statusCode < 500, `${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    }
    const posts: { payload: string; headers: Record<string, string> }[] = [
      { payload: '{"arxivId":', headers: { 'content-type': 'application/json', authorization: 'Bearer x' } },
      { payload: '[]', headers: { 'content-type': 'application/json' } },
      { payload: 'arxivId=1', headers: { 'content-type': 'text/plain' } },
      { payload: JSON.stringify({ arxivId: 'x'.repeat(10_000) }), headers: { 'content-type': 'application/json' } },
    ];
    for (const p of posts) {
      const res = await f.app.inject({ method: 'POST', url: '/api/papers/index', ...p });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${p.payload.slice(0, 40)} answered ${res.statusCode}`);
      assert.equal(typeof res.json().message, 'string');
    }
  });
});
