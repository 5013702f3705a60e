import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { followedAuthors, isFollowing } from '../../src/community/follows.js';
import { toggleVote } from '../../src/community/votes.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

/** Papers without vectors (no model trained): "For you" still has followed authors and saved searches. */
describe('"For you" and following authors on the site', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [
      makePaper({ id: '2401.00001', day: '2024-01-02', title: 'An Older Paper', authors: ['Grace Hopper'] }),
      makePaper({ id: '2401.00002', day: '2024-01-03', title: 'Notes on the Analytical Engine', authors: ['Ada Lovelace', 'Charles Babbage'] }),
      makePaper({ id: '2401.00003', day: '2024-01-03', title: 'On Computable Numbers', abstract: 'Turing machines decide things.', authors: ['Alan Turing'] }),
      makePaper({ id: '2401.00004', day: '2024-01-03', title: 'Compilers for Everyone', abstract: 'A compiler.', authors: ['Grace Hopper'] }),
    ]);
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('asks visitors to sign in, and shows them no Follow button', async () => {
    const visitor = new Client(app);
    const page = await visitor.get('/for-you');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Sign in to see recent papers picked for you/);
    assert.match(page.body, /href="\/signin\?next=%2Ffor-you"/);
    const author = await visitor.get('/authors/Ada%20Lovelace');
    assert.equal(author.statusCode, 200);
    assert.doesNotMatch(author.body, /\/follow"/);
    assert.doesNotMatch((await visitor.get('/')).body, /href="\/for-you"/);
  });

  it('explains what to do to a member with nothing to go on', async () => {
    const member = await makeMember(t.db, 'New Reader');
    const client = new Client(app);
    await client.signIn(member.email);
    const page = (await client.get('/for-you')).body;
    assert.match(page, /Nothing to go on yet/);
    assert.match(page, /Upvote/);
    assert.match(page, /follow authors/);
  });

  it('follows and unfollows an author with the form token, and shows their papers with the reason', async () => {
    const member = await makeMember(t.db, 'Engine Fan');
    const client = new Client(app);
    await client.signIn(member.email);
    const before = (await client.get('/authors/Ada%20Lovelace')).body;
    assert.match(before, /<form method="post" action="\/authors\/Ada%20Lovelace\/follow"/);
    assert.match(before, />Follow<\/button>/);

    // Without the form token: refused, nothing stored.
    const forged = await client.post('/authors/Ada%20Lovelace/follow', {}, { withToken: false });
    assert.equal(forged.statusCode, 403);
    assert.equal(await isFollowing(t.db, member.id, 'Ada Lovelace'), false);

    const followed = await client.post('/authors/Ada%20Lovelace/follow', {});
    assert.equal(followed.statusCode, 303);
    assert.equal(followed.headers.location, '/authors/Ada%20Lovelace');
    assert.deepEqual(await followedAuthors(t.db, member.id), ['Ada Lovelace']);
    assert.equal((await client.post('/authors/Ada%20Lovelace/follow', {})).statusCode, 303, 'following twice is harmless');
    assert.deepEqual(await followedAuthors(t.db, member.id), ['Ada Lovelace']);

    const after = (await client.get('/authors/Ada%20Lovelace')).body;
    assert.match(after, /action="\/authors\/Ada%20Lovelace\/unfollow"/);
    assert.match(after, />Unfollow<\/button>/);

    const forYou = (await client.get('/for-you')).body;
    assert.match(forYou, /By <a href="\/authors\/Ada%20Lovelace">Ada Lovelace<\/a>, whom you follow/);
    assert.match(forYou, /Notes on the Analytical Engine/);
    assert.doesNotMatch(forYou, /On Computable Numbers/);
    assert.match(forYou, /Authors you follow/);

    assert.equal((await client.post('/authors/Ada%20Lovelace/unfollow', {})).statusCode, 303);
    assert.deepEqual(await followedAuthors(t.db, member.id), []);
    assert.match((await client.get('/authors/Ada%20Lovelace')).body, />Follow<\/button>/);
  });

  it('refuses names that are not names, and visitors', async () => {
    const member = await makeMember(t.db, 'Odd Names');
    const client = new Client(app);
    await client.signIn(member.email);
    await client.get('/authors/Ada%20Lovelace');
    for (const bad of ['Ada%0ALovelace', '%00', '%20%20', '%E2%80%AEevil']) {
      const res = await client.post(`/authors/${bad}/follow`, {});
      assert.equal(res.statusCode, 400, bad);
      assert.match(res.body, /author name/);
    }
    // Fastify refuses path parameters over 100 characters before the route runs.
    assert.ok([400, 414].includes((await client.post(`/authors/${'x'.repeat(201)}/follow`, {})).statusCode));
    assert.deepEqual(await followedAuthors(t.db, member.id), []);

    const visitor = new Client(app);
    await visitor.get('/authors/Ada%20Lovelace');
    const res = await visitor.post('/authors/Ada%20Lovelace/follow', {});
    assert.ok(res.statusCode === 303 || res.statusCode === 403, String(res.statusCode));
    if (res.statusCode === 303) assert.match(String(res.headers.location), /^\/signin/);
    assert.equal(await t.db.selectFrom('author_follows').select('author').where('author', '=', 'Ada Lovelace').executeTakeFirst(), undefined);
  });

  it('shows papers matching the saved searches of the member’s subscription, and leaves out what they upvoted', async () => {
    const member = await makeMember(t.db, 'Machine Reader');
    await t.db
      .insertInto('subscriptions')
      .values({ email: member.email, user_id: member.id, status: 'active', frequency: 'daily', searches: JSON.stringify(['turing machines', 'compiler']), created_at: new Date().toISOString() })
      .execute();
    await toggleVote(t.db, member.id, '2401.00004');
    const client = new Client(app);
    await client.signIn(member.email);
    const page = (await client.get('/for-you')).body;
    assert.match(page, /Matches your search “<a href="\/search\?q=turing%20machines">turing machines<\/a>”/);
    assert.match(page, /On Computable Numbers/);
    assert.doesNotMatch(page, /Compilers for Everyone/, 'an upvoted paper is not recommended');
    assert.doesNotMatch(page, /Notes on the Analytical Engine/);
  });
});
