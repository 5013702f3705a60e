import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createApiToken } from '../../src/community/api-tokens.js';
import { suspendUser } from '../../src/community/moderation.js';
import { MAX_SUBMISSIONS_PER_DAY } from '../../src/community/submissions.js';
import type { DailyPaperJson } from '../../src/web/api/present.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { apiFixture, ARXIV_DOWN, closeFixture, ON_ARXIV, type ApiFixture } from './fixture.js';

const INDEX = '/api/papers/index';

describe('API tokens and POST /api/papers/index', () => {
  let f: ApiFixture;
  let alice: Client;
  let token = '';
  before(async () => {
    f = await apiFixture();
    alice = new Client(f.app);
    await alice.signIn(f.alice.email);
  });
  after(() => closeFixture(f));

  const submit = async (arxivId: unknown, auth: string | null = `Bearer ${token}`, extra: Record<string, string> = {}) => {
    const res = await f.app.inject({
      method: 'POST',
      url: INDEX,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...extra },
      payload: JSON.stringify(arxivId === undefined ? {} : { arxivId }),
    });
    f.contract.check(res, 'POST', INDEX);
    return res;
  };

  it('makes a token from the profile page, shows it once, and stores only its hash', async () => {
    const profile = await alice.get(`/u/${f.alice.username}`);
    assert.match(profile.body, /<h2 id="api-tokens-h">API tokens<\/h2>/);
    assert.match(profile.body, /No tokens\./);
    const ids = [...profile.body.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length, 'element ids on the profile page are unique');

    const made = await alice.post('/account/api-tokens', { name: 'laptop <script>' });
    assert.equal(made.statusCode, 201);
    assert.equal(made.headers['cache-control'], 'no-store');
    token = /value="(pb_[A-Za-z0-9_-]{43})"/.exec(made.body)![1]!;
    assert.match(made.body, /laptop &lt;script&gt;/);

    const rows = await f.t.db.selectFrom('api_tokens').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.token_hash, createHash('sha256').update(token).digest('hex'));
    assert.ok(!JSON.stringify(rows).includes(token.slice(3)), 'the secret itself is not stored');

    const listed = await alice.get(`/u/${f.alice.username}`);
    assert.match(listed.body, /laptop &lt;script&gt;/);
    assert.ok(!listed.body.includes(token), 'the secret is not shown again');
    // Nobody else sees the section, not even a signed-in member.
    assert.ok(!(await f.app.inject(`/u/${f.alice.username}`)).body.includes('API tokens'));
    const bob = new Client(f.app);
    await bob.signIn(f.bob.email);
    assert.ok(!(await bob.get(`/u/${f.alice.username}`)).body.includes('api-tokens'));
  });

  it('refuses a token form without its CSRF token, or with no name', async () => {
    assert.equal((await alice.post('/account/api-tokens', { name: 'x' }, { withToken: false })).statusCode, 403);
    assert.equal((await alice.post('/account/api-tokens', { name: '   ' })).statusCode, 400);
    assert.equal((await new Client(f.app).post('/account/api-tokens', { name: 'x' }, { withToken: false })).statusCode, 403);
  });

  it('submits a paper with the token, in the daily-papers shape', async () => {
    const res = await submit(ON_ARXIV[1]!.id);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers.location, `/api/papers/${ON_ARXIV[1]!.id}`);
    const item = res.json() as DailyPaperJson;
    assert.equal(item.paper.id, ON_ARXIV[1]!.id);
    assert.equal(item.title, ON_ARXIV[1]!.title);
    assert.deepEqual(item.submittedBy, { name: f.alice.username, user: f.alice.username, fullname: 'Alice Liddell', type: 'user' });
    const mine = (await f.app.inject(`/api/daily_papers?submitter=${f.alice.username}`)).json() as DailyPaperJson[];
    assert.ok(mine.some((i) => i.paper.id === ON_ARXIV[1]!.id));
    const row = await f.t.db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow();
    assert.ok(row.last_used_at !== null);
  });

  it('answers 401 without a token, with a wrong one, or with only a session cookie', async () => {
    const none = await submit(ON_ARXIV[2]!.id, null);
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assert.equal(none.json().status, 401);
    assert.equal((await submit(ON_ARXIV[2]!.id, `Bearer pb_${'A'.repeat(43)}`)).statusCode, 401);
    assert.equal((await submit(ON_ARXIV[2]!.id, `Basic ${Buffer.from('a:b').toString('base64')}`)).statusCode, 401);
    assert.equal((await submit(ON_ARXIV[2]!.id, 'Bearer')).statusCode, 401);
    // A signed-in browser is not enough: another site could make it post.
    const cookie = await alice.post(INDEX, { arxivId: ON_ARXIV[2]!.id });
    assert.equal(cookie.statusCode, 401);
  });

  it('names what is wrong with a submission', async () => {
    const duplicate = await submit(ON_ARXIV[1]!.id);
    assert.equal(duplicate.statusCode, 409);
    assert.equal(duplicate.json().paperId, ON_ARXIV[1]!.id);
    const badId = await submit('not an id');
    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().parameter, 'arxivId');
    const missing = await submit(undefined);
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().parameter, 'arxivId');
    assert.equal((await submit(42)).json().parameter, 'arxivId');
    const notOnArxiv = await submit('2601.55555');
    assert.equal(notOnArxiv.statusCode, 404);
    const down = await submit(ARXIV_DOWN);
    assert.equal(down.statusCode, 503);
    const notJson = await f.app.inject({ method: 'POST', url: INDEX, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: '{"arxivId": ' });
    f.contract.check(notJson, 'POST', INDEX);
    assert.equal(notJson.statusCode, 400);
  });

  it('refuses a suspended member', async () => {
    const carol = await makeMember(f.t.db, 'Carol Suspended');
    const { token: carolToken } = await createApiToken(f.t.db, carol.id, 'script');
    await suspendUser(f.t.db, f.admin.id, carol.id, 'spam');
    const res = await submit(ON_ARXIV[2]!.id, `Bearer ${carolToken}`);
    assert.equal(res.statusCode, 403);
  });

  it('stops at the daily submission limit with 429 and Retry-After', async () => {
    const done = (await f.t.db.selectFrom('submissions').select('paper_id').where('submitted_by', '=', f.alice.id).execute()).length;
    for (let i = done; i < MAX_SUBMISSIONS_PER_DAY; i++) assert.equal((await submit(ON_ARXIV[i]!.id)).statusCode, 201, `submission ${i}`);
    const limited = await submit(ON_ARXIV[MAX_SUBMISSIONS_PER_DAY]!.id);
    assert.equal(limited.statusCode, 429);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 24 * 3600, String(limited.headers['retry-after']));
  });

  it('revokes a token from the profile page; a revoked token no longer works', async () => {
    const [row] = await f.t.db.selectFrom('api_tokens').select('id').where('user_id', '=', f.alice.id).execute();
    const bob = new Client(f.app);
    await bob.signIn(f.bob.email);
    assert.equal((await bob.post(`/account/api-tokens/${row!.id}/revoke`, {})).statusCode, 404, "someone else's token");
    assert.equal((await alice.post(`/account/api-tokens/${row!.id}/revoke`, {}, { withToken: false })).statusCode, 403);
    await alice.get(`/u/${f.alice.username}`);
    const revoked = await alice.post(`/account/api-tokens/${row!.id}/revoke`, {});
    assert.equal(revoked.statusCode, 303);
    assert.equal(revoked.headers.location, `/u/${f.alice.username}#api-tokens`);
    assert.match((await alice.get(`/u/${f.alice.username}`)).body, /revoked <time/);
    const after = await submit(ON_ARXIV[13]!.id);
    assert.equal(after.statusCode, 401);
    assert.match(after.json().message, /revoked/);
  });

  it('limits reads per address and says when to come back (Retry-After)', async () => {
    let last = null;
    for (let i = 0; i < 301; i++) last = await f.app.inject({ url: '/api/papers/2601.99999', remoteAddress: '127.0.0.250' });
    assert.equal(last!.statusCode, 429);
    f.contract.check(last!, 'GET', '/api/papers/{id}');
    assert.ok(Number(last!.headers['retry-after']) > 0);
    assert.equal(last!.json().status, 429);
    // Others are not affected.
    assert.equal((await f.app.inject({ url: '/api/papers/2601.99999', remoteAddress: '127.0.0.251' })).statusCode, 404);
  });
});
