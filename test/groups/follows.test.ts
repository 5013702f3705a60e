import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { dayPeriod } from '../../src/catalog/periods.js';
import { setMemberFollow } from '../../src/community/member-follows.js';
import { setUpvotesPublic } from '../../src/community/profile.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import { composeDigests } from '../../src/digest/compose.js';
import { setGroupFollow } from '../../src/groups/follows.js';
import { createGroup } from '../../src/groups/groups.js';
import { acceptInvitation, createInvitation } from '../../src/groups/invitations.js';
import { leaveGroup } from '../../src/groups/members.js';
import { addToQueue } from '../../src/groups/queue.js';
import { RecentPicks } from '../../src/recommend/recent-picks.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeMember, rejectsWith } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

const SECRET = 'follows-secret-follows-secret-follows-0123';
const DAY = '2026-12-01';

describe('following members and groups', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let grace: User;
  let alan: User;
  let quiet: User;
  let ada: User;

  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [
      makePaper({ id: '2612.00001', day: DAY, title: 'Upvoted by Alan' }),
      makePaper({ id: '2612.00002', day: DAY, title: 'Upvoted by Quiet' }),
      makePaper({ id: '2612.00003', day: DAY, title: 'Queued by the open lab' }),
      makePaper({ id: '2612.00004', day: DAY, title: 'Queued by the closed club' }),
      makePaper({ id: '1706.03762', day: '2017-06-13', title: 'An old paper the lab reads again' }),
    ]);
    app = await testServer(t.db, t.dir);
    grace = await makeMember(t.db, 'Grace');
    alan = await makeMember(t.db, 'Alan');
    quiet = await makeMember(t.db, 'Quiet');
    ada = await makeMember(t.db, 'Ada');
    await setUpvotesPublic(t.db, alan.id, true);
    await toggleVote(t.db, alan.id, '2612.00001');
    await toggleVote(t.db, quiet.id, '2612.00002');
    const open = await createGroup(t.db, ada.id, { name: 'Open Lab', slug: 'open-lab', isPublic: true });
    const closed = await createGroup(t.db, ada.id, { name: 'Closed Club', slug: 'closed-club', isPublic: false });
    await acceptInvitation(t.db, SECRET, (await createInvitation(t.db, SECRET, ada.id, closed.id)).token, grace.id);
    await addToQueue(t.db, ada.id, open.id, { paper: '2612.00003' }, async () => null);
    await addToQueue(t.db, ada.id, open.id, { paper: '1706.03762' }, async () => null);
    await addToQueue(t.db, ada.id, closed.id, { paper: '2612.00004' }, async () => null);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  const picks = async (user: User) => (await new RecentPicks(t.db).forMember(user.id, 30)).items.map((i) => [i.paper.id, i.reason.kind]);

  it('are done with the buttons on profiles and group pages', async () => {
    const client = new Client(app);
    await client.signIn(grace.email);
    const profile = await client.get(`/u/${alan.username}`);
    assert.match(profile.body, /<button type="submit">Follow<\/button>/);
    assert.equal((await client.post(`/u/${alan.username}/follow`, {})).statusCode, 303);
    assert.match((await client.get(`/u/${alan.username}`)).body, /<button type="submit">Unfollow<\/button>/);
    assert.equal((await client.post(`/u/${quiet.username}/follow`, {})).statusCode, 303);
    assert.equal((await client.post(`/u/${grace.username}/follow`, {})).statusCode, 400, 'not oneself');
    await client.get('/groups/open-lab');
    assert.equal((await client.post('/groups/open-lab/follow', {})).statusCode, 303);
    assert.match((await client.get('/groups/open-lab')).body, /<button type="submit">Unfollow<\/button>/);
    assert.equal((await client.post('/groups/closed-club/follow', {})).statusCode, 303, 'a member follows a private group');
  });

  it("bring followed members' public upvotes and followed groups' queue items into For you, old papers too", async () => {
    assert.deepEqual(await picks(grace), [
      ['2612.00004', 'group'],
      ['1706.03762', 'group'],
      ['2612.00003', 'group'],
      ['2612.00001', 'member'],
    ]);
    const client = new Client(app);
    await client.signIn(grace.email);
    const page = await client.get('/for-you');
    assert.match(page.body, /Upvoted by <a href="\/u\/alan[^"]*">Alan<\/a>, whom you follow/);
    assert.match(page.body, /In the queue of <a href="\/groups\/open-lab">Open Lab<\/a>, which you follow/);
  });

  it('leave out what members keep private, what the reader upvoted, and groups the reader may no longer see', async () => {
    await toggleVote(t.db, grace.id, '2612.00003');
    const closed = (await t.db.selectFrom('groups').select('id').where('slug', '=', 'closed-club').executeTakeFirstOrThrow()).id;
    await leaveGroup(t.db, grace.id, closed);
    await setUpvotesPublic(t.db, alan.id, false);
    assert.deepEqual(await picks(grace), [['1706.03762', 'group']]);
    await setUpvotesPublic(t.db, alan.id, true);
    // Outsiders cannot follow a private group: it is not there for them.
    await assert.rejects(setGroupFollow(t.db, quiet.id, 'closed-club', true), rejectsWith('not_found'));
    await assert.rejects(setMemberFollow(t.db, quiet.id, 'nobody-here', true), rejectsWith('not_found'));
  });

  it('come in digests among the alerts, with their reasons', async () => {
    const now = new Date();
    const sub = await t.db
      .insertInto('subscriptions')
      .values({ email: grace.email, user_id: grace.id, status: 'active', frequency: 'daily', created_at: now.toISOString(), confirmed_at: now.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reader = { id: sub.id, email: grace.email, userId: grace.id, frequency: 'daily' as const, linkVersion: 1, categories: [], authors: [], searches: [] };
    const report = await composeDigests(t.db, { frequency: 'daily', period: dayPeriod(DAY)!, readers: [reader], maxPapers: 20, now, write: false });
    const items = report.composed[0]!.content.items.filter((i) => i.section === 'alerts').map((i) => [i.paperId, i.reason]);
    // Newest first: the lab queued after Alan voted.
    assert.deepEqual(items, [
      ['1706.03762', 'In the queue of Open Lab, which you follow'],
      ['2612.00001', 'Upvoted by Alan, whom you follow'],
    ]);
  });
});
