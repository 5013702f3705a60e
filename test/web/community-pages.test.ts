import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { toggleVote } from '../../src/community/votes.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

describe('community pages', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', day: '2024-01-02', title: 'A Voted Paper' })]);
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('shows a member their upvotes, and others only once made public', async () => {
    const voter = await makeMember(t.db, 'Quiet Voter');
    await toggleVote(t.db, voter.id, '2401.00001');
    const visitor = new Client(app);
    assert.doesNotMatch((await visitor.get(`/u/${voter.username}`)).body, /Upvoted papers/);
    const self = new Client(app);
    await self.signIn(voter.email);
    const own = (await self.get(`/u/${voter.username}`)).body;
    assert.match(own, /Upvoted papers/);
    assert.match(own, /only you see them/);
    assert.equal((await self.post('/settings/upvotes', { public: '1' })).statusCode, 303);
    const now = (await visitor.get(`/u/${voter.username}`)).body;
    assert.match(now, /Upvoted papers/);
    assert.match(now, /A Voted Paper/);
  });

  it('takes a report on a paper and shows it to admins', async () => {
    const reporter = await makeMember(t.db, 'Careful Reader');
    const admin = await makeAdmin(t.db, 'Site Admin');
    const client = new Client(app);
    await client.signIn(reporter.email);
    await client.get('/papers/2401.00001');
    assert.equal((await client.post('/papers/2401.00001/report', { reason: 'Duplicate of another paper' })).statusCode, 303);
    const mod = new Client(app);
    await mod.signIn(admin.email);
    assert.match((await mod.get('/admin')).body, /Duplicate of another paper/);
    assert.equal((await client.get('/admin')).statusCode, 403);
  });

  it('lets an admin suspend a member from their profile, which signs them out', async () => {
    const member = await makeMember(t.db, 'Spam Poster');
    const admin = await makeAdmin(t.db, 'Other Admin');
    const memberClient = new Client(app);
    await memberClient.signIn(member.email);
    const mod = new Client(app);
    await mod.signIn(admin.email);
    await mod.get(`/u/${member.username}`);
    assert.equal((await mod.post(`/admin/users/${member.id}/suspend`, { reason: 'spam' })).statusCode, 303);
    assert.match((await mod.get(`/u/${member.username}`)).body, /suspended/);
    assert.match((await memberClient.get('/')).body, /Sign in/);
    assert.match((await mod.get('/moderation-log')).body, /spam/);
  });
});
