import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { signUp } from '../../src/community/accounts.js';
import { addComment } from '../../src/community/comments.js';
import { createCollection } from '../../src/community/collections.js';
import { upsertPapers } from '../../src/store/papers.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';
import { Client } from '../support/client.js';

/** A browser stand-in: keeps cookies, reads the form token off the last page. */
describe('web security', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', day: '2024-01-02' })]);
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('refuses a form posted without its CSRF token, or with a forged one', async () => {
    const member = await makeMember(t.db, 'Csrf Target');
    const client = new Client(app);
    await client.signIn(member.email);
    const without = await client.post('/papers/2401.00001/vote', {}, { withToken: false });
    assert.equal(without.statusCode, 403);
    const forged = await client.post('/papers/2401.00001/vote', { _csrf: 'forged-token' }, { withToken: false });
    assert.equal(forged.statusCode, 403);
    const stranger = new Client(app);
    await stranger.get('/signin');
    const crossSite = await stranger.post('/signin', { email: member.email, password: 'correct horse battery', _csrf: client.csrf }, { withToken: false });
    assert.equal(crossSite.statusCode, 403, "another visitor's token does not work with my cookie");
    const ok = await client.post('/papers/2401.00001/vote', {}, { json: true });
    assert.deepEqual(JSON.parse(ok.body), { voted: true, upvotes: 1 });
  });

  it('confirms an address only when the person presses the button, not when a scanner fetches the link', async () => {
    const { user, verificationToken } = await signUp(t.db, { email: 'scanned@example.org', password: 'correct horse battery', displayName: 'Scanned' });
    const client = new Client(app);
    const link = `/verify-email?token=${verificationToken}`;
    const opened = await client.get(link);
    assert.equal(opened.statusCode, 200);
    assert.match(opened.body, /Confirm my address/);
    await client.get(link);
    assert.equal((await t.db.selectFrom('users').select('email_verified_at').where('id', '=', user.id).executeTakeFirstOrThrow()).email_verified_at, null);
    assert.equal((await client.post(link, {}, { withToken: false })).statusCode, 403, 'the button needs the form token');
    const confirmed = await client.post(link, {});
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Address confirmed/);
    assert.notEqual((await t.db.selectFrom('users').select('email_verified_at').where('id', '=', user.id).executeTakeFirstOrThrow()).email_verified_at, null);
    assert.equal((await client.post(link, {})).statusCode, 400, 'a link works once');
  });

  it('rate-limits sign-in after many attempts', async () => {
    const client = new Client(app);
    await client.get('/signin');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await client.post('/signin', { email: 'nobody@example.org', password: `wrong password ${i}` })).statusCode);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[10], 429);
    assert.equal(statuses[11], 429);
  });

  it("does not let one member edit or delete another's comment, nor see a private collection", async () => {
    const alice = await makeMember(t.db, 'Alice Owner');
    const mallory = await makeMember(t.db, 'Mallory Other');
    const comment = await addComment(t.db, alice.id, { paperId: '2401.00001', body: 'My careful review.' });
    const secret = await createCollection(t.db, alice.id, { name: 'Secret plans', isPublic: false });
    const client = new Client(app);
    await client.signIn(mallory.email);
    const edit = await client.post(`/comments/${comment.id}/edit`, { body: 'Defaced' });
    assert.equal(edit.statusCode, 403);
    const del = await client.post(`/comments/${comment.id}/delete`, {});
    assert.equal(del.statusCode, 403);
    assert.match((await client.get('/papers/2401.00001')).body, /My careful review\./);
    assert.equal((await client.get(`/u/${alice.username}/c/${secret.slug}`)).statusCode, 404);
    assert.doesNotMatch((await client.get(`/u/${alice.username}`)).body, /Secret plans/);
    const add = await client.post(`/collections/${secret.id}/add`, { paperId: '2401.00001' });
    assert.equal(add.statusCode, 404);
  });

  it('shows scripts, javascript: links and attributes in comments as inert text', async () => {
    const author = await makeMember(t.db, 'Hostile Writer');
    const client = new Client(app);
    await client.signIn(author.email);
    await client.get('/papers/2401.00001');
    const body = '<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)> <b onmouseover="alert(4)">bold</b>';
    const res = await client.post('/papers/2401.00001/comments', { body });
    assert.equal(res.statusCode, 303);
    const page = (await client.get('/papers/2401.00001')).body;
    assert.doesNotMatch(page, /<script>alert/);
    assert.doesNotMatch(page, /href="javascript:/);
    assert.doesNotMatch(page, /<img src=x/);
    assert.doesNotMatch(page, /<[a-z]+[^>]*\son(mouseover|error)=/);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('sets session cookies HttpOnly and SameSite, and Secure behind https', async () => {
    const member = await makeMember(t.db, 'Cookie Checker');
    const client = new Client(app);
    await client.get('/signin');
    const res = await client.post('/signin', { email: member.email, password: 'correct horse battery' });
    const session = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('pb_session='))!;
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Lax/);
    assert.doesNotMatch(session, /Secure/);

    const https = await testServer(t.db, t.dir, { env: { PAPERBOY_BASE_URL: 'https://papers.example.org' } });
    const secure = new Client(https);
    await secure.get('/signin');
    const res2 = await secure.post('/signin', { email: member.email, password: 'correct horse battery' });
    assert.match([res2.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('pb_session='))!, /Secure/);
    await https.close();
  });

  it('never redirects off-site after sign-in', async () => {
    const member = await makeMember(t.db, 'Redirect Checker');
    const client = new Client(app);
    await client.get('/signin');
    const res = await client.post('/signin', { email: member.email, password: 'correct horse battery', next: '//evil.example/phish' });
    assert.equal(res.headers.location, '/');
  });
});
