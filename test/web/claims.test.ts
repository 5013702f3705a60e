import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

describe('author claims and ORCID iDs on the site', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [
      makePaper({ id: '2401.00001', title: 'Sparse attention', authors: ['Grace Hopper', 'Alan Turing'], day: '2024-01-02' }),
      makePaper({ id: '2401.00002', title: 'Compilers', authors: ['Grace Hopper'], day: '2024-01-03' }),
    ]);
    // Members made by the test support have addresses at example.org.
    app = await testServer(t.db, t.dir, { env: { PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS: 'university.example' } });
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('a member claims a paper from its page, a moderator approves it, and profile, author page and paper page link them', async () => {
    const grace = await makeMember(t.db, 'Grace');
    const admin = await makeAdmin(t.db, 'Moderator');
    const member = new Client(app);
    await member.signIn(grace.email);
    const page = await member.get('/papers/2401.00001');
    assert.match(page.body, /<select id="claim-author" name="author"><option>Grace Hopper<\/option><option>Alan Turing<\/option><\/select>/);
    assert.equal((await member.post('/papers/2401.00001/claim', { author: 'Grace Hopper' })).statusCode, 303);
    assert.match((await member.get('/papers/2401.00001')).body, /You claimed to be Grace Hopper on this paper: waiting for a moderator/);
    assert.equal((await member.post('/papers/2401.00001/claim', { author: 'Grace Hopper' })).statusCode, 409, 'twice');
    assert.equal((await member.post('/papers/2401.00002/claim', { author: 'Ada Lovelace' })).statusCode, 400, 'not an author of it');

    // Not a moderator: refused, whatever the form says.
    assert.equal((await member.post('/admin/claims/1/approve', { reason: 'me' })).statusCode, 403);
    const mod = new Client(app);
    await mod.signIn(admin.email);
    const queue = (await mod.get('/admin')).body;
    assert.match(queue, /says they are <a href="\/authors\/Grace%20Hopper">Grace Hopper<\/a> on <a href="\/papers\/2401\.00001">Sparse attention<\/a>/);
    const claimId = /action="\/admin\/claims\/(\d+)\/approve"/.exec(queue)?.[1];
    assert.ok(claimId);
    assert.equal((await mod.post(`/admin/claims/${claimId}/approve`, { reason: 'known to us' })).statusCode, 303);
    assert.match((await mod.get('/moderation-log')).body, /approve claim<\/td><td>author claim \d+<\/td><td>known to us/);

    const visitor = new Client(app);
    const profile = (await visitor.get(`/u/${grace.username}`)).body;
    assert.match(profile, /<h2>Authored papers<\/h2>[\s\S]*Sparse attention/);
    assert.match((await visitor.get('/authors/Grace%20Hopper')).body, new RegExp(`On Paperboy: <a href="/u/${grace.username}">Grace</a>`));
    assert.match((await visitor.get('/papers/2401.00001')).body, new RegExp(`On Paperboy: Grace Hopper is <a href="/u/${grace.username}">Grace</a>`));
  });

  it('sets an ORCID iD on the profile, shown as a link, and refuses one with a wrong check digit', async () => {
    const ada = await makeMember(t.db, 'Ada');
    const self = new Client(app);
    await self.signIn(ada.email);
    await self.get(`/u/${ada.username}`);
    const wrong = await self.post('/settings/orcid', { orcid: '0000-0002-1825-0098' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /is not an ORCID iD/);
    assert.equal((await self.post('/settings/orcid', { orcid: 'https://orcid.org/0000-0002-1825-0097' })).statusCode, 303);
    assert.match((await new Client(app).get(`/u/${ada.username}`)).body, /ORCID <a href="https:\/\/orcid\.org\/0000-0002-1825-0097" rel="me">0000-0002-1825-0097<\/a>/);
    assert.equal((await self.post('/settings/orcid', { orcid: '0000-0002-1825-0097' }, { withToken: false })).statusCode, 403);
  });
});
