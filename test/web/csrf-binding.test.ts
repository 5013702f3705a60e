import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

/**
 * Routes that change state without a form token, and why: the one-click unsubscribes of RFC 8058 (digests and groups' digests)
 * (mail providers post it with no cookies; the signed link is the proof) and the API's writes
 * (a personal token in `Authorization`; cookies are never read there), and the MCP endpoint (the
 * same: a bearer token or nothing, cookies ignored, and a foreign Origin refused).
 */
const WITHOUT_FORM_TOKEN = new Set(['POST /subscribe/unsubscribe', 'POST /groups/:slug/digest/unsubscribe', 'POST /api/papers/index', 'POST /mcp', 'DELETE /mcp']);

/** A path that reaches the route: every parameter and wildcard filled in. */
function pathOf(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'x').replace(/\*/g, 'x/y');
}

/**
 * An attacker who can set a cookie on the victim's browser (from a sibling subdomain, say) sends
 * their own form-token cookie with their own token. The token must be refused with the victim's
 * session. An outside review found such a pair accepted on all 21 routes.
 */
describe('form tokens bound to the session', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let victim: Client;
  let attacker: Client;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', day: '2024-01-02' })]);
    app = await testServer(t.db, t.dir);
    victim = new Client(app);
    await victim.signIn((await makeMember(t.db, 'Csrf Victim')).email);
    attacker = new Client(app);
    await attacker.signIn((await makeMember(t.db, 'Csrf Attacker')).email);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  /** The victim's session with the attacker's form-token cookie and token. */
  async function tossed(method: string, path: string, token: string, csrfCookie: string) {
    const cookie = `pb_session=${victim.cookies.get('pb_session')}; pb_csrf=${csrfCookie}`;
    return app.inject({
      method: method as 'POST',
      url: path,
      remoteAddress: victim.remoteAddress,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': token },
      payload: new URLSearchParams({ _csrf: token, email: 'x@example.org', password: 'x', body: 'x', reason: 'x', name: 'x' }).toString(),
    });
  }

  it("refuses an attacker's own cookie and token with a victim's session on every state-changing route", async () => {
    const routes = app.writeRoutes.filter((r) => !WITHOUT_FORM_TOKEN.has(`${r.method} ${r.url}`));
    assert.ok(routes.length >= 20, `found ${routes.length} routes`);
    for (const route of routes) {
      const res = await tossed(route.method, pathOf(route.url), attacker.csrf, attacker.cookies.get('pb_csrf')!);
      assert.equal(res.statusCode, 403, `${route.method} ${route.url}: ${res.statusCode}`);
    }
    // The victim's own pair still works.
    const own = await victim.post('/papers/2401.00001/vote', {}, { json: true });
    assert.equal(own.statusCode, 200);
  });

  it('lists every route without a form token on purpose', () => {
    const unchecked = app.writeRoutes.filter((r) => WITHOUT_FORM_TOKEN.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(new Set(unchecked), WITHOUT_FORM_TOKEN);
  });

  it("refuses a visitor's pair with a member's session", async () => {
    const visitor = new Client(app);
    await visitor.get('/signin');
    const res = await tossed('POST', '/papers/2401.00001/vote', visitor.csrf, visitor.cookies.get('pb_csrf')!);
    assert.equal(res.statusCode, 403);
  });

  it('renews the form-token cookie at sign-in and at sign-out', async () => {
    const member = await makeMember(t.db, 'Csrf Renewer');
    const client = new Client(app);
    await client.get('/signin');
    const before = { cookie: client.cookies.get('pb_csrf'), token: client.csrf };
    const signedIn = await client.post('/signin', { email: member.email, password: 'correct horse battery' });
    assert.equal(signedIn.statusCode, 303);
    assert.ok([signedIn.headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('pb_csrf=')), 'sign-in sets a new form-token cookie');
    assert.notEqual(client.cookies.get('pb_csrf'), before.cookie);
    const stale = await client.post('/papers/2401.00001/vote', { _csrf: before.token }, { withToken: false, json: true });
    assert.equal(stale.statusCode, 403, 'a token from before sign-in is refused');
    await client.get('/');
    const signedInCookie = client.cookies.get('pb_csrf');
    const signedOut = await client.post('/signout', {});
    assert.equal(signedOut.statusCode, 303);
    assert.notEqual(client.cookies.get('pb_csrf'), signedInCookie, 'sign-out sets a new one too');
  });
});
