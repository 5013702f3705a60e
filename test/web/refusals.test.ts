import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createCollection } from '../../src/community/collections.js';
import { CommunityError, type CommunityErrorCode } from '../../src/community/errors.js';
import { SubscriptionError, type SubscriptionErrorCode } from '../../src/digest/subscriptions.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { testServer } from '../support/web.js';

/** Written out here rather than read from the table, so a changed status is a failing test. */
const COMMUNITY: Record<CommunityErrorCode, number> = {
  invalid: 400,
  email_taken: 409,
  username_taken: 409,
  bad_credentials: 401,
  bad_token: 400,
  unverified: 403,
  suspended: 403,
  forbidden: 403,
  not_found: 404,
  duplicate: 409,
  rate_limited: 429,
  unavailable: 503,
};
const SUBSCRIPTION: Record<SubscriptionErrorCode, number> = { invalid: 400, rate_limited: 429, not_found: 404, stale_link: 400, cancelled: 409 };

const refusals: [string, () => Error, number][] = [
  ...Object.entries(COMMUNITY).map(([code, status]): [string, () => Error, number] => [
    `community-${code}`,
    () => new CommunityError(code as CommunityErrorCode, `Refused <b>${code}</b>.`, { field: 'name', paperId: '2401.00001', retryAfterSeconds: 60 }),
    status,
  ]),
  ...Object.entries(SUBSCRIPTION).map(([code, status]): [string, () => Error, number] => [
    `subscription-${code}`,
    () => new SubscriptionError(code as SubscriptionErrorCode, `Refused <b>${code}</b>.`, 'email'),
    status,
  ]),
];

describe('refusals of the domain, answered once by the error handler', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    app = await testServer(t.db, t.dir);
    // A route of each kind that lets a refusal through, as the real ones do.
    const throwing = (wanted: string) => {
      const found = refusals.find(([name]) => name === wanted);
      throw found![1]();
    };
    app.get<{ Params: { name: string } }>('/refuse/:name', async (request) => throwing(request.params.name));
    app.get<{ Params: { name: string } }>('/api/refuse/:name', async (request) => throwing(request.params.name));
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('gives every code its status on a page, with the message escaped', async () => {
    for (const [name, , status] of refusals) {
      const res = await app.inject({ url: `/refuse/${name}` });
      assert.equal(res.statusCode, status, name);
      assert.match(String(res.headers['content-type']), /^text\/html/, name);
      assert.match(res.body, /Refused &lt;b&gt;/, name);
      assert.equal(res.headers['cache-control'], 'no-store', name);
    }
  });

  it('gives every code its status in the API, in the API error shape', async () => {
    for (const [name, , status] of refusals) {
      const res = await app.inject({ url: `/api/refuse/${name}` });
      assert.equal(res.statusCode, status, name);
      const body = res.json();
      assert.equal(body.status, status, name);
      assert.match(body.message, /^Refused <b>/, name);
      assert.equal(typeof body.error, 'string', name);
      assert.equal(body.paperId, name.startsWith('community-') ? '2401.00001' : undefined, name);
      assert.equal(res.headers['retry-after'], name.startsWith('community-') ? '60' : undefined, name);
    }
  });

  it('answers scripts that ask for JSON with {error, field}', async () => {
    for (const [name, , status] of refusals) {
      const res = await app.inject({ url: `/refuse/${name}`, headers: { accept: 'application/json' } });
      assert.equal(res.statusCode, status, name);
      const body = res.json();
      assert.match(body.error, /^Refused <b>/, name);
      assert.equal(body.field, name.startsWith('community-') ? 'name' : 'email', name);
    }
  });

  it('says a missing collection alike on its page and its feed, and a spent link as a link problem', async () => {
    const owner = await makeMember(t.db, 'Private Collector');
    await createCollection(t.db, owner.id, { name: 'Secret', isPublic: false });
    const visitor = new Client(app);
    const page = await visitor.get(`/u/${owner.username}/c/secret`);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /<h1>Not found<\/h1>/);
    assert.match(page.body, /No such collection\./);
    const feed = await app.inject({ url: `/feeds/collections/${owner.username}/secret.rss` });
    assert.equal(feed.statusCode, 404);
    assert.equal(feed.json().message, 'No such collection.');

    await visitor.get('/verify-email?token=spent');
    const spent = await visitor.post('/verify-email?token=spent', {});
    assert.equal(spent.statusCode, 400);
    assert.match(spent.body, /<h1>This link does not work<\/h1>/);
    assert.match(spent.body, /invalid, already used or expired/);
  });

  it('keeps a refused sign-up on its form, with the status of the table', async () => {
    const member = await makeMember(t.db, 'Taken Address');
    const client = new Client(app);
    await client.get('/signup');
    const res = await client.post('/signup', { displayName: 'Someone Else', email: member.email, password: 'correct horse battery' });
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /already exists/);
    assert.match(res.body, /name="password"/);
  });
});
