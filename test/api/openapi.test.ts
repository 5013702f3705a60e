import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { LightMyRequestResponse } from 'fastify';
import { createApiToken } from '../../src/community/api-tokens.js';
import { suspendUser } from '../../src/community/moderation.js';
import { createGroup, groupFor, updateGroup } from '../../src/groups/groups.js';
import { memberToken } from '../../src/groups/links.js';
import { tagPaper } from '../../src/groups/organisations.js';
import { addToQueue } from '../../src/groups/queue.js';
import { scheduleSession } from '../../src/groups/sessions.js';
import { serverSecret } from '../../src/web/secret.js';
import { LIMITS } from '../../src/web/security.js';
import { makeMember } from '../support/community.js';
import { Contract } from './contract.js';
import { apiFixture, ARXIV_DOWN, ARXIV_SILENT, closeFixture, ON_ARXIV, type ApiFixture } from './fixture.js';

type Json = Record<string, unknown>;

describe('OpenAPI description', () => {
  let f: ApiFixture;
  let doc: Json;
  let contract: Contract;
  before(async () => {
    f = await apiFixture();
    doc = (await f.app.inject('/api/openapi.json')).json();
    contract = new Contract(doc);
  });
  after(() => closeFixture(f));

  it('is a valid OpenAPI 3.1 document naming this server', async () => {
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.servers, [{ url: 'https://papers.example.org' }]);
  });

  it('matches every status of every route, checked against the real responses', async () => {
    const get = (url: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') => f.app.inject({ url, headers, remoteAddress });
    const etagOf = (res: LightMyRequestResponse) => ({ 'if-none-match': String(res.headers.etag) });
    const check = async (template: string, res: LightMyRequestResponse | Promise<LightMyRequestResponse>, method = 'GET') => contract.check(await res, method, template);

    const daily = await get('/api/daily_papers?week=2026-W01&sort=trending&limit=3&p=1');
    await check('/api/daily_papers', daily);
    await check('/api/daily_papers', get('/api/daily_papers?week=2026-W01&sort=trending&limit=3&p=1', etagOf(daily)));
    await check('/api/daily_papers', get('/api/daily_papers?date=2025-13-45'));

    const paper = await get('/api/papers/2512.00001');
    await check('/api/papers/{id}', paper);
    await check('/api/papers/{id}', get('/api/papers/2512.00001', etagOf(paper)));
    await check('/api/papers/{id}', get('/api/papers/hep-th/9901001'));
    await check('/api/papers/{id}', get('/api/papers/nonsense'));
    await check('/api/papers/{id}', get('/api/papers/2512.99999'));

    const search = await get('/api/papers/search?q=paper&mode=keyword&cat=cs&after=2025-01-01');
    await check('/api/papers/search', search);
    await check('/api/papers/search', get('/api/papers/search?q=paper&mode=keyword&cat=cs&after=2025-01-01', etagOf(search)));
    await check('/api/papers/search', get('/api/papers/search?q=x&mode=magic'));

    await check('/papers/{id}.md', get('/papers/2601.00002.md'));
    await check('/papers/{id}.md', get('/papers/2512.99999.md'));

    const spec = await get('/api/openapi.json');
    await check('/api/openapi.json', spec);
    await check('/api/openapi.json', get('/api/openapi.json', etagOf(spec)));

    // Submissions: every answer the route documents.
    const { token } = await createApiToken(f.t.db, f.alice.id, 'contract');
    const post = (body: string, auth: string | null = `Bearer ${token}`) =>
      f.app.inject({ method: 'POST', url: '/api/papers/index', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, payload: body });
    const index = (res: Promise<LightMyRequestResponse>) => check('/api/papers/index', res, 'POST');
    await index(post(JSON.stringify({ arxivId: ON_ARXIV[5]!.id })));
    await index(post('{"arxivId": 12}'));
    await index(post('{}', null));
    await index(post(JSON.stringify({ arxivId: '2601.55555' })));
    await index(post(JSON.stringify({ arxivId: ON_ARXIV[5]!.id })));
    await index(post(JSON.stringify({ arxivId: ARXIV_DOWN })));
    await index(post(JSON.stringify({ arxivId: ARXIV_SILENT })));
    const dave = await makeMember(f.t.db, 'Dave Suspended');
    const daveToken = (await createApiToken(f.t.db, dave.id, 'x')).token;
    await suspendUser(f.t.db, f.admin.id, dave.id, 'spam');
    await index(post(JSON.stringify({ arxivId: ON_ARXIV[6]!.id }), `Bearer ${daveToken}`));
    // Past the daily submission limit.
    let submitted: LightMyRequestResponse | null = null;
    for (let n = 7; n < ON_ARXIV.length && submitted?.statusCode !== 429; n++) submitted = await post(JSON.stringify({ arxivId: ON_ARXIV[n]!.id }));
    contract.check(submitted!, 'POST', '/api/papers/index');
    assert.equal(submitted!.statusCode, 429);

    const feeds: [string, string][] = [
      ['/feeds/daily.{format}', '/feeds/daily'],
      ['/feeds/trending.{format}', '/feeds/trending'],
      ['/feeds/categories/{category}.{format}', '/feeds/categories/cs.CL'],
      ['/feeds/authors/{name}.{format}', '/feeds/authors/Ada%20Lovelace'],
      ['/feeds/search.{format}', '/feeds/search'],
      ['/feeds/collections/{username}/{slug}.{format}', `/feeds/collections/${f.alice.username}/reading-group`],
    ];
    for (const [template, path] of feeds) {
      const query = template === '/feeds/search.{format}' ? '?q=paper' : '';
      for (const format of ['rss', 'atom']) {
        const res = await get(`${path}.${format}${query}`);
        await check(template, res);
        await check(template, get(`${path}.${format}${query}`, etagOf(res)));
      }
      await check(template, get(`${path}.json${query}`));
    }
    await check('/feeds/search.{format}', get('/feeds/search.rss'));
    await check('/feeds/categories/{category}.{format}', get('/feeds/categories/nothing.rss'));

    // Rate limits, with Retry-After, on every read route: one address goes over each route's limit
    // with cheap refused requests, then asks for something real.
    for (const [template, cheap, url] of [
      ['/api/daily_papers', '/api/daily_papers?date=x', '/api/daily_papers'],
      ['/api/papers/{id}', '/api/papers/nonsense', '/api/papers/2512.00001'],
      ['/api/papers/search', '/api/papers/search?q=', '/api/papers/search?q=x'],
      ['/feeds/daily.{format}', '/feeds/daily.json', '/feeds/daily.rss'],
      ['/feeds/categories/{category}.{format}', '/feeds/categories/x.json', '/feeds/categories/cs.CL.rss'],
      ['/feeds/authors/{name}.{format}', '/feeds/authors/x.json', '/feeds/authors/x.rss'],
      ['/feeds/collections/{username}/{slug}.{format}', '/feeds/collections/x/y.json', `/feeds/collections/${f.alice.username}/reading-group.rss`],
    ] as const) {
      for (let i = 0; i < LIMITS.api.max; i++) await get(cheap, {}, '127.0.0.240');
      const res = await get(url, {}, '127.0.0.240');
      await check(template, res);
      assert.equal(res.statusCode, 429, url);
      assert.ok(Number(res.headers['retry-after']) > 0);
    }
    // The trending and search feeds share the daily feed's route, and so its limit.
    await check('/feeds/trending.{format}', get('/feeds/trending.rss', {}, '127.0.0.240'));
    await check('/feeds/search.{format}', get('/feeds/search.rss?q=x', {}, '127.0.0.240'));

    // Groups: a public one and a private one with a session; Alice is in both, Bob in neither.
    const open = await createGroup(f.t.db, f.alice.id, { name: 'Open lab', slug: 'open-lab', isPublic: true });
    const closed = await createGroup(f.t.db, f.alice.id, { name: 'Closed club', slug: 'closed-club', isPublic: false });
    await updateGroup(f.t.db, f.alice.id, open.id, { isOrganisation: true });
    await tagPaper(f.t.db, f.alice.id, open.id, '2512.00001', async () => null);
    for (const g of [open, closed]) await addToQueue(f.t.db, f.alice.id, g.id, { paper: '2601.00002', note: 'Read <this>' }, async () => null);
    await scheduleSession(f.t.db, f.alice.id, closed.id, { title: 'Week 1', startsAt: '2030-01-07T18:00', timeZone: 'Europe/Paris', presenterId: f.alice.id, paperIds: ['2601.00002'] });
    const membership = (await groupFor(f.t.db, 'closed-club', f.alice.id)).membership!;
    const feedToken = memberToken(serverSecret(f.t.dir, null), 'feeds', closed.id, membership);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const groups = await get('/api/groups');
    await check('/api/groups', groups);
    await check('/api/groups', get('/api/groups', etagOf(groups)));
    await check('/api/groups', get('/api/groups', bearer(token)));
    await check('/api/groups', get('/api/groups', bearer('pb_mistyped')));
    for (const [url, auth] of [['/api/groups/open-lab', {}], ['/api/groups/closed-club', bearer(token)], ['/api/groups/closed-club', {}], ['/api/groups/closed-club', bearer('pb_mistyped')], ['/api/groups/nothing', {}]] as const) {
      await check('/api/groups/{slug}', get(url, auth));
    }
    const groupDetail = await get('/api/groups/open-lab');
    await check('/api/groups/{slug}', get('/api/groups/open-lab', etagOf(groupDetail)));
    for (const [path, query] of [['/feeds/groups/open-lab', ''], ['/feeds/groups/closed-club', `?token=${feedToken}`]] as const) {
      for (const format of ['rss', 'atom']) {
        const res = await get(`${path}.${format}${query}`);
        await check('/feeds/groups/{slug}.{format}', res);
        await check('/feeds/groups/{slug}.{format}', get(`${path}.${format}${query}`, etagOf(res)));
      }
    }
    await check('/feeds/groups/{slug}.{format}', get('/feeds/groups/closed-club.rss'));
    await check('/feeds/groups/{slug}.{format}', get('/feeds/groups/open-lab.json'));
    const calendar = await get(`/groups/closed-club/sessions.ics?token=${feedToken}`);
    await check('/groups/{slug}/sessions.ics', calendar);
    await check('/groups/{slug}/sessions.ics', get(`/groups/closed-club/sessions.ics?token=${feedToken}`, etagOf(calendar)));
    await check('/groups/{slug}/sessions.ics', get('/groups/closed-club/sessions.ics'));
    for (const [template, cheap, url] of [
      ['/api/groups', '/api/groups?x=1', '/api/groups'],
      ['/api/groups/{slug}', '/api/groups/nothing', '/api/groups/open-lab'],
      ['/feeds/groups/{slug}.{format}', '/feeds/groups/x.json', '/feeds/groups/open-lab.rss'],
      ['/groups/{slug}/sessions.ics', '/groups/nothing/sessions.ics', '/groups/open-lab/sessions.ics'],
    ] as const) {
      for (let i = 0; i < LIMITS.api.max; i++) await get(cheap, {}, '127.0.0.242');
      const res = await get(url, {}, '127.0.0.242');
      await check(template, res);
      assert.equal(res.statusCode, 429, url);
    }

    const documented = Object.entries(doc.paths as Record<string, Record<string, { responses: Json }>>).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => Object.keys(op.responses).map((status) => `${method.toUpperCase()} ${path} ${status}`)),
    );
    const missing = documented.filter((d) => !contract.seen.has(d));
    assert.deepEqual(missing, [], 'every documented answer was seen and checked');
  });

  it('states the limits, choices and required parameters the routes hold to', async () => {
    type Parameter = { name: string; in: string; required?: boolean; schema: Json };
    const base: Record<string, Record<string, string>> = { '/api/papers/search': { q: 'paper' }, '/feeds/search.{format}': { q: 'paper' } };
    const ask = (template: string, name: string, value: string | null) => {
      const query = new URLSearchParams(base[template] ?? {});
      if (value === null) query.delete(name);
      else query.set(name, value);
      return f.app.inject({ url: `${template.replace('{format}', 'rss')}?${query}`, remoteAddress: '127.0.0.241' });
    };
    const refused = async (template: string, name: string, value: string | null) => {
      const res = await ask(template, name, value);
      assert.equal(res.statusCode, 400, `${template} ${name}=${value}`);
      assert.equal(res.json().parameter, name, `${template} ${name}=${value}`);
    };
    const taken = async (template: string, name: string, value: string) => assert.notEqual((await ask(template, name, value)).statusCode, 400, `${template} ${name}=${value}`);

    const checked = new Set<string>();
    for (const [template, methods] of Object.entries(doc.paths as Record<string, { get?: { parameters?: Parameter[] } }>)) {
      for (const { name, in: where, required, schema } of methods.get?.parameters ?? []) {
        if (where !== 'query') continue;
        if (required) await refused(template, name, null);
        if (typeof schema.maximum === 'number') {
          await taken(template, name, String(schema.maximum));
          await refused(template, name, String(schema.maximum + 1));
        }
        if (typeof schema.minimum === 'number') {
          await taken(template, name, String(schema.minimum));
          await refused(template, name, String(schema.minimum - 1));
        }
        if (typeof schema.maxLength === 'number') {
          await taken(template, name, 'x'.repeat(schema.maxLength));
          await refused(template, name, 'x'.repeat(schema.maxLength + 1));
        }
        if (Array.isArray(schema.enum)) {
          for (const value of schema.enum as string[]) await taken(template, name, value);
          await refused(template, name, 'nonsense');
        }
        if (typeof schema.pattern === 'string' || schema.format === 'date') await refused(template, name, 'nonsense');
        checked.add(`${template} ${name}`);
      }
    }
    assert.equal(checked.size, 18, [...checked].join(', '));
  });

  it('is readable at /api, linked from every page', async () => {
    const res = await f.app.inject('/api');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    for (const path of Object.keys(doc.paths as Json)) assert.ok(res.body.includes(`<code>GET ${path}</code>`) || res.body.includes(`<code>POST ${path}</code>`), path);
    assert.match(res.body, /<code>p<\/code>/);
    assert.match(res.body, /Authorization: Bearer &lt;token&gt;/);
    assert.match((await f.app.inject('/')).body, /<a href="\/api">API and feeds<\/a>/);
  });
});
