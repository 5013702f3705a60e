import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/community/api-tokens.js';
import type { User } from '../../src/community/users.js';
import { createGroup, groupFor, type Group } from '../../src/groups/groups.js';
import { createInvitation } from '../../src/groups/invitations.js';
import { memberToken } from '../../src/groups/links.js';
import { addToQueue } from '../../src/groups/queue.js';
import { scheduleSession } from '../../src/groups/sessions.js';
import { upsertPapers } from '../../src/store/papers.js';
import { serverSecret } from '../../src/web/secret.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

const NAME = 'Inner Circle of Secret Reading';

describe('a private group, seen from outside and inside', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let secret: string;
  let group: Group;
  let other: Group;
  let ada: User;
  let grace: User;
  let alan: User;
  let mallory: User;
  const tokens: Record<string, string> = {};
  let alanFeedToken = '';
  let sessionId = 0;

  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', title: 'The secret paper' })]);
    app = await testServer(t.db, t.dir);
    secret = serverSecret(t.dir, null);
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
    alan = await makeMember(t.db, 'Alan');
    mallory = await makeMember(t.db, 'Mallory');
    for (const u of [ada, grace, alan, mallory]) tokens[u.username] = (await createApiToken(t.db, u.id, 'test')).token;
    group = await createGroup(t.db, ada.id, { name: NAME, slug: 'inner-circle', isPublic: false });
    other = await createGroup(t.db, mallory.id, { name: 'Mallory club', slug: 'mallory-club', isPublic: false });
    await addToQueue(t.db, ada.id, group.id, { paper: '2401.00001', note: 'Our plans' }, async () => null);
    sessionId = (await scheduleSession(t.db, ada.id, group.id, { title: 'Secret session', startsAt: '2030-01-07T18:00', timeZone: 'UTC', presenterId: ada.id, paperIds: ['2401.00001'] })).id;
    // Grace and Alan join by links, through the site; Alan then leaves.
    for (const member of [grace, alan]) {
      const { token } = await createInvitation(t.db, secret, ada.id, group.id);
      const client = new Client(app);
      await client.signIn(member.email);
      const join = await client.get(`/groups/join?token=${token}`);
      assert.equal(join.statusCode, 200);
      assert.match(join.body, /Ada invites you to join the group “Inner Circle of Secret Reading”, a private group/);
      const joined = await client.post(`/groups/join?token=${token}`, {});
      assert.equal(joined.statusCode, 303);
      assert.equal(joined.headers.location, '/groups/inner-circle');
      // The link is spent.
      assert.equal((await new Client(app).get(`/groups/join?token=${token}`)).statusCode, 400);
    }
    alanFeedToken = memberToken(secret, 'feeds', group.id, (await groupFor(t.db, 'inner-circle', alan.id)).membership!);
    const alanClient = new Client(app);
    await alanClient.signIn(alan.email);
    await alanClient.get('/groups/inner-circle');
    assert.equal((await alanClient.post('/groups/inner-circle/leave', {})).statusCode, 303);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  const signedIn = async (user: User | null) => {
    const client = new Client(app);
    if (user) await client.signIn(user.email);
    return client;
  };
  const api = (url: string, token?: string) => app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const hidden = (res: { statusCode: number; body: string }, what: string) => {
    assert.equal(res.statusCode, 404, what);
    assert.ok(!res.body.includes(NAME) && !res.body.includes('secret paper') && !res.body.includes('Our plans'), `${what} shows nothing of the group`);
  };

  it('is not found on the site by a visitor, another member of the site, or a former member', async () => {
    for (const [who, user] of [['visitor', null], ['another member', mallory], ['former member', alan]] as const) {
      const client = await signedIn(user);
      for (const path of ['/groups/inner-circle', `/groups/inner-circle/sessions/${sessionId}`, '/groups/inner-circle/queue.bib', ...(user ? ['/groups/inner-circle/settings'] : [])]) hidden(await client.get(path), `${who} GET ${path}`);
      if (!user) {
        // A visitor is sent to sign in, as for any address: nothing tells a group from no group.
        const settings = await client.get('/groups/inner-circle/settings');
        const none = await client.get('/groups/no-such-group/settings');
        assert.equal(settings.statusCode, 303);
        assert.equal(settings.headers.location, none.headers.location?.replace('no-such-group', 'inner-circle'));
      }
      await client.get('/groups');
      if (user) {
        for (const [path, form] of [
          ['/groups/inner-circle/queue', { paper: '2401.00001' }],
          ['/groups/inner-circle/queue/vote', { paperId: '2401.00001' }],
          ['/groups/inner-circle/follow', {}],
          ['/groups/inner-circle/invitations', {}],
        ] as const) {
          hidden(await client.post(path, form), `${who} POST ${path}`);
        }
      }
      assert.ok(!(await client.get('/groups')).body.includes(NAME), `${who}: not on /groups`);
    }
  });

  it('is shown to its members, kept out of shared caches', async () => {
    const client = await signedIn(grace);
    const page = await client.get('/groups/inner-circle');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /The secret paper/);
    assert.match(String(page.headers['cache-control']), /private/);
    assert.match((await client.get('/groups')).body, new RegExp(NAME));
    const bib = await client.get('/groups/inner-circle/queue.bib');
    assert.equal(bib.statusCode, 200);
    assert.match(bib.body, /2401\.00001/);
    assert.match(String(bib.headers['cache-control']), /private/);
    // Its feed addresses carry Grace's personal token.
    const graceToken = memberToken(secret, 'feeds', group.id, (await groupFor(t.db, 'inner-circle', grace.id)).membership!);
    assert.ok(page.body.includes(`/groups/inner-circle/sessions.ics?token=${graceToken}`));
  });

  it('answers the API only with the token of one of its members', async () => {
    hidden(await api('/api/groups/inner-circle'), 'API without a token');
    hidden(await api('/api/groups/inner-circle', tokens[mallory.username]), "API with another member's token");
    hidden(await api('/api/groups/inner-circle', tokens[alan.username]), "API with a former member's token");
    assert.equal((await api('/api/groups/inner-circle', 'pb_not-a-token')).statusCode, 401);
    const detail = await api('/api/groups/inner-circle', tokens[grace.username]);
    assert.equal(detail.statusCode, 200);
    assert.match(String(detail.headers['cache-control']), /^private/);
    assert.deepEqual(
      detail.json().queue.map((q: { paper: { id: string }; note: string }) => [q.paper.id, q.note]),
      [['2401.00001', 'Our plans']],
    );
    const listed = (token?: string) => api('/api/groups', token).then((r) => r.json().map((g: { slug: string }) => g.slug) as string[]);
    assert.deepEqual(await listed(), []);
    assert.deepEqual(await listed(tokens[alan.username]), []);
    assert.deepEqual(await listed(tokens[mallory.username]), ['mallory-club']);
    assert.deepEqual(await listed(tokens[grace.username]), ['inner-circle']);
  });

  it("opens its feeds and calendar only at a current member's personal address", async () => {
    const graceMembership = (await groupFor(t.db, 'inner-circle', grace.id)).membership!;
    const graceToken = memberToken(secret, 'feeds', group.id, graceMembership);
    const malloryToken = memberToken(secret, 'feeds', other.id, (await groupFor(t.db, 'mallory-club', mallory.id)).membership!);
    const unsubscribeToken = memberToken(secret, 'unsubscribe', group.id, graceMembership);
    for (const path of ['/feeds/groups/inner-circle.rss', '/feeds/groups/inner-circle.atom', '/groups/inner-circle/sessions.ics']) {
      hidden(await app.inject(path), `${path} without a token`);
      hidden(await app.inject(`${path}?token=${alanFeedToken}`), `${path} with a former member's token`);
      hidden(await app.inject(`${path}?token=${malloryToken}`), `${path} with a token of another group`);
      hidden(await app.inject(`${path}?token=${unsubscribeToken}`), `${path} with a token made for something else`);
      hidden(await app.inject(`${path}?token=${graceToken.slice(0, -2)}xx`), `${path} with a changed token`);
      const open = await app.inject(`${path}?token=${graceToken}`);
      assert.equal(open.statusCode, 200, path);
      assert.match(String(open.headers['cache-control']), /^private/, path);
    }
    const calendar = await app.inject(`/groups/inner-circle/sessions.ics?token=${graceToken}`);
    assert.match(calendar.body, /SUMMARY:Secret session/);

    // New addresses: the old ones stop working.
    const client = await signedIn(grace);
    await client.get('/groups/inner-circle');
    assert.equal((await client.post('/groups/inner-circle/links', {})).statusCode, 303);
    hidden(await app.inject(`/groups/inner-circle/sessions.ics?token=${graceToken}`), 'an address replaced by a newer one');
    const renewed = memberToken(secret, 'feeds', group.id, (await groupFor(t.db, 'inner-circle', grace.id)).membership!);
    assert.equal((await app.inject(`/groups/inner-circle/sessions.ics?token=${renewed}`)).statusCode, 200);
  });

  it('is open to everyone when public, and the page is shared from the cache', async () => {
    const open = await createGroup(t.db, ada.id, { name: 'Open Lab', slug: 'open-lab', isPublic: true });
    await addToQueue(t.db, ada.id, open.id, { paper: '2401.00001' }, async () => null);
    const visitor = await signedIn(null);
    const page = await visitor.get('/groups/open-lab');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /The secret paper/);
    assert.equal((await app.inject('/feeds/groups/open-lab.rss')).statusCode, 200);
    assert.equal((await app.inject('/groups/open-lab/sessions.ics')).statusCode, 200);
    assert.equal((await api('/api/groups/open-lab')).statusCode, 200);
    assert.deepEqual((await api('/api/groups')).json().map((g: { slug: string }) => g.slug), ['open-lab']);
  });
});
