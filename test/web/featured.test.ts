import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { submitPaper } from '../../src/community/submissions.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

const DAY = '2026-11-27';
const code = (url: string) => [{ kind: 'code' as const, url }];

/** The text of an HTML fragment, tags dropped and entities as they are. */
const sectionOf = (body: string, heading: string) => body.split(`>${heading}</h2>`)[1]?.split('</section>')[0] ?? '';
const idsIn = (html: string) => [...html.matchAll(/<span class="id">arXiv:([^<]+)<\/span>/g)].map((m) => m[1]);

describe('day pages: featured papers first, then all new papers', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let admin: User;
  let ada: User;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [
      makePaper({ id: '2611.00001', day: DAY, title: 'Submitted with code', links: code('https://github.com/org/starred') }),
      makePaper({ id: '2611.00002', day: DAY, title: 'Picked by a moderator', abstract: 'Background sentence about the field in general terms. We propose a better way to pick papers for readers.' }),
      makePaper({ id: '2611.00003', day: DAY, title: 'Unvoted with code', links: code('https://github.com/org/other') }),
      makePaper({ id: '2611.00004', day: DAY, title: 'Plain vision paper', categories: ['cs.CV'], primaryCategory: 'cs.CV' }),
      makePaper({ id: '2611.00005', day: DAY, title: 'Voted plain paper' }),
    ]);
    ada = await makeMember(t.db, 'Ada Reader');
    admin = await makeAdmin(t.db, 'Mo Derator');
    await submitPaper(t.db, ada.id, '2611.00001', async () => null, new Date(`${DAY}T08:00:00Z`));
    await toggleVote(t.db, ada.id, '2611.00005');
    // What the enrichment jobs store.
    await t.db.insertInto('paper_code').values({ paper_id: '2611.00001', code_url: 'https://github.com/org/starred', repo: 'org/starred', paper_modified_at: DAY }).execute();
    await t.db.insertInto('code_repos').values({ repo: 'org/starred', status: 'ok', stars: 1234, pushed_at: '2026-11-26T10:00:00Z', next_check_at: '2026-11-28T00:00:00Z' }).execute();
    await t.db.insertInto('paper_summaries').values({ paper_id: '2611.00001', status: 'done', summary: 'A model wrote this <b>line</b>.', keywords: JSON.stringify(['stars', 'code']), model: 'llama3.2', updated_at: DAY }).execute();
    await t.db.insertInto('hub_links').values({ paper_id: '2611.00001', kind: 'model', hub_id: 'org/the-model', likes: 12, downloads: 3400 }).execute();
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('lets a moderator feature a paper from its page, logged, and shows it among the featured', async () => {
    const mod = new Client(app);
    await mod.signIn(admin.email);
    const page = await mod.get('/papers/2611.00002');
    assert.match(page.body, /Feature this paper on 2026-11-27/);
    const done = await mod.post('/admin/papers/2611.00002/feature', { reason: 'a careful paper' });
    assert.equal(done.statusCode, 303);
    assert.match((await app.inject('/moderation-log')).body, /a careful paper/);
    assert.match((await mod.get('/papers/2611.00002')).body, /Stop featuring this paper/);
    const anyone = new Client(app);
    await anyone.signIn(ada.email);
    assert.equal((await anyone.post('/admin/papers/2611.00003/feature', { reason: 'me too' })).statusCode, 403);
  });

  it('shows the featured papers first, then the rest under "All new papers", ranked before the first vote', async () => {
    const body = (await app.inject(`/day/${DAY}`)).body;
    assert.deepEqual(idsIn(sectionOf(body, 'Featured')), ['2611.00001', '2611.00002']);
    // Voted first; then code; then the rest, newest id first.
    assert.deepEqual(idsIn(sectionOf(body, 'All new papers')), ['2611.00005', '2611.00003', '2611.00004']);
    assert.match(sectionOf(body, 'Featured'), /submitted by <a href="\/u\/[^"]+">Ada Reader<\/a>/);
    assert.match(sectionOf(body, 'Featured'), /picked by <a href="\/u\/[^"]+">Mo Derator<\/a>/);
  });

  it('shows stars beside the code link, and the summary: a model\'s with its keywords, else a sentence of the abstract, said so', async () => {
    const body = (await app.inject(`/day/${DAY}`)).body;
    assert.match(body, /<a href="https:\/\/github.com\/org\/starred" rel="nofollow noopener">Code<\/a> <span class="stars" title="1,234 GitHub stars"><span aria-hidden="true">★ 1.2k<\/span>/);
    assert.match(body, /A model wrote this &lt;b&gt;line&lt;\/b&gt;\./);
    assert.match(body, /<span class="keyword">stars<\/span>/);
    assert.match(body, /We propose a better way to pick papers for readers\. <span class="muted summary-source">\(a sentence of the abstract\)<\/span>/);
  });

  it('filters and sorts "All new papers" with a plain form, and names a wrong filter', async () => {
    const all = async (query: string) => {
      const res = await app.inject(`/day/${DAY}?${query}`);
      assert.equal(res.statusCode, 200, res.body.slice(0, 200));
      return { featured: idsIn(sectionOf(res.body, 'Featured')), rest: idsIn(sectionOf(res.body, 'All new papers')), body: res.body };
    };
    assert.deepEqual((await all('code=1')).rest, ['2611.00003']);
    assert.deepEqual((await all('code=1')).featured, ['2611.00001']);
    assert.deepEqual((await all('cat=cs.CV')).rest, ['2611.00004']);
    assert.deepEqual((await all('q=vision')).rest, ['2611.00004']);
    assert.match((await all('q=vision')).body, /No featured paper matches the filter\./);
    const bad = await app.inject(`/day/${DAY}?cat=nonsense`);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /cat: &quot;nonsense&quot; is not an arXiv category/);
    assert.equal((await app.inject(`/day/${DAY}?sort=random`)).statusCode, 400);
    const form = (await all('')).body;
    assert.match(form, /<form method="get" action="\/day\/2026-11-27" class="filters" role="search">/);
    assert.match(form, /<option value="cs.CL">cs.CL/);
  });

  it('shows the paper page with its summary, its code with stars and last push, and the Hub models citing it', async () => {
    const body = (await app.inject('/papers/2611.00001')).body;
    assert.match(body, /<h2 id="summary-h">In one line<\/h2>/);
    assert.match(body, /Written by a language model \(llama3.2\)/);
    assert.match(body, /<dt>Code<\/dt><dd><a href="https:\/\/github.com\/org\/starred" rel="nofollow noopener">org\/starred<\/a>/);
    assert.match(body, /last push 2026-11-26/);
    assert.match(body, /<a href="https:\/\/huggingface.co\/org\/the-model" rel="nofollow noopener">org\/the-model<\/a> <span class="muted">12 likes · 3,400 downloads<\/span>/);
    const api = (await app.inject('/api/papers/2611.00001')).json() as Record<string, unknown>;
    assert.equal(api.githubStars, 1234);
    assert.equal(api.githubPushedAt, '2026-11-26T10:00:00Z');
    assert.deepEqual(api.linkedModels, [{ id: 'org/the-model', likes: 12, downloads: 3400 }]);
    assert.deepEqual([api.ai_summary, api.ai_keywords, api.summarySource, api.ai_summary_model], ['A model wrote this <b>line</b>.', ['stars', 'code'], 'llm', 'llama3.2']);
  });

  it('lists every paper in one list when the instance prefers the full listing', async () => {
    const full = await testServer(t.db, t.dir, { env: { PAPERBOY_DAY_PAGE: 'full' } });
    try {
      const body = (await full.inject(`/day/${DAY}`)).body;
      assert.doesNotMatch(body, />Featured<\/h2>/);
      assert.equal(idsIn(sectionOf(body, 'Papers')).length, 5);
    } finally {
      await full.close();
    }
  });
});
