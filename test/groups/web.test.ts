import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import type { User } from '../../src/community/users.js';
import { listMembers } from '../../src/groups/members.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

describe('running a group from its pages', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let ada: User;
  let grace: User;
  let owner: Client;
  let groupId = 0;

  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', title: 'First paper' })]);
    app = await testServer(t.db, t.dir);
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
    owner = new Client(app);
    await owner.signIn(ada.email);
    await owner.get('/groups');
    const created = await owner.post('/groups', { name: 'Lab <One>', slug: 'lab-one', description: 'We read.', isPublic: '1' });
    assert.equal(created.statusCode, 303);
    groupId = (await t.db.selectFrom('groups').select('id').where('slug', '=', 'lab-one').executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('refuses a taken or reserved short name beside the form, keeping what was typed', async () => {
    await owner.get('/groups');
    for (const slug of ['lab-one', 'new']) {
      const res = await owner.post('/groups', { name: 'Another <lab>', slug, description: '' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /id="f-slug-error"/);
      assert.match(res.body, /value="Another &lt;lab&gt;"/);
    }
  });

  it('mails an invitation to an address, whose link brings the invited member in', async () => {
    await owner.get('/groups/lab-one/settings');
    const bad = await owner.post('/groups/lab-one/invitations', { email: 'grace@example.org\r\nBcc: x@example.org' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /This email address/);
    const sent = await owner.post('/groups/lab-one/invitations', { email: grace.email });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, new RegExp(`Invitation sent to ${grace.email.replace(/\./g, '\\.')}`));
    const outbox = path.join(t.dir, 'outbox');
    const newest = fs.readdirSync(outbox).sort().at(-1)!;
    const mail = await simpleParser(fs.readFileSync(path.join(outbox, newest)));
    assert.equal(mail.subject, 'Ada invites you to Lab <One> on Paperboy');
    const link = /https?:\/\/\S+\/groups\/join\?token=[\w.-]+/.exec(mail.text ?? '')?.[0];
    assert.ok(link);
    const invited = new Client(app);
    await invited.signIn(grace.email);
    await invited.get(new URL(link).pathname + new URL(link).search);
    const joined = await invited.post(new URL(link).pathname + new URL(link).search, {});
    assert.equal(joined.headers.location, '/groups/lab-one');
    assert.deepEqual((await listMembers(t.db, groupId)).map((m) => [m.username, m.role]), [[ada.username, 'owner'], [grace.username, 'member']]);
    // A member who is not an admin has no settings page.
    assert.equal((await invited.get('/groups/lab-one/settings')).statusCode, 403);
  });

  it("lets the owner name an admin and hand the group on, after which the former owner may leave", async () => {
    await owner.get('/groups/lab-one/settings');
    assert.equal((await owner.post(`/groups/lab-one/members/${grace.id}/role`, { role: 'admin' })).statusCode, 200);
    const handed = await owner.post(`/groups/lab-one/members/${grace.id}/transfer`, {});
    assert.equal(handed.statusCode, 200, 'still an admin, so still on the settings page');
    assert.deepEqual((await listMembers(t.db, groupId)).map((m) => [m.username, m.role]), [[grace.username, 'owner'], [ada.username, 'admin']]);
    await owner.get('/groups/lab-one');
    assert.equal((await owner.post('/groups/lab-one/leave', {})).statusCode, 303);
    assert.deepEqual((await listMembers(t.db, groupId)).map((m) => m.username), [grace.username]);
  });

  it('shows a refused paper on the group page, above the form', async () => {
    const member = new Client(app);
    await member.signIn(grace.email);
    await member.get('/groups/lab-one');
    const res = await member.post('/groups/lab-one/queue', { paper: 'not an id', note: '' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /is not an arXiv id or link/);
    assert.equal((await member.post('/groups/lab-one/queue', { paper: '2401.00001', note: '' })).statusCode, 303);
    const again = await member.post('/groups/lab-one/queue', { paper: 'arXiv:2401.00001', note: '' });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /in this group&#39;s queue already/);
  });
  it("serves a public group's queue as BibTeX, with a paper queued since in the next file", async () => {
    await upsertPapers(t.db, [makePaper({ id: '2401.00002', title: 'Second paper' })]);
    const visitor = new Client(app);
    const entries = async () => (await visitor.get('/groups/lab-one/queue.bib')).body.match(/eprint\s*=\s*\{[^}]+\}/g) ?? [];
    const before = await entries();
    assert.equal((await visitor.get('/groups/lab-one/queue.bib')).headers['cache-control'], undefined, 'a public file');
    const member = new Client(app);
    await member.signIn(grace.email);
    await member.get('/groups/lab-one');
    assert.equal((await member.post('/groups/lab-one/queue', { paper: '2401.00002', note: '' })).statusCode, 303);
    const afterQueued = await entries();
    assert.equal(afterQueued.length, before.length + 1);
    assert.ok(afterQueued.some((e) => e.includes('2401.00002')));
  });
});
