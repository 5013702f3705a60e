import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { setUpvotesPublic } from '../../src/community/profile.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import { loadConfig } from '../../src/config.js';
import { composeGroupDigests } from '../../src/digest/group-digest.js';
import { runGroupDigests, type DigestRunDeps } from '../../src/digest/run.js';
import { createGroup, membershipOf, type Group } from '../../src/groups/groups.js';
import { acceptInvitation, createInvitation } from '../../src/groups/invitations.js';
import { leaveGroup, setGroupDigest } from '../../src/groups/members.js';
import { addToQueue } from '../../src/groups/queue.js';
import { scheduleSession } from '../../src/groups/sessions.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer, type Mailer } from '../../src/mail/mailer.js';
import { upsertPapers } from '../../src/store/papers.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp.js';
import { testServer } from '../support/web.js';

const BASE = 'https://papers.example.org';
const SECRET = 'group-digest-secret-group-digest-secret-01';

describe('the weekly group digest, through a real SMTP relay', () => {
  let t: TempDb;
  let relay: SmtpRelay;
  let app: FastifyInstance;
  let mailer: Mailer;
  let deps: DigestRunDeps;
  let group: Group;
  let ada: User;
  let grace: User;
  let alan: User;
  let bounced: User;

  before(async () => {
    t = await tempDb();
    relay = await startSmtpRelay();
    const env = { ...t.env, PAPERBOY_SMTP_URL: relay.url, PAPERBOY_BASE_URL: BASE, PAPERBOY_SECRET: SECRET, PAPERBOY_SMTP_RATE: '1000', PAPERBOY_MAIL_RETRY_MS: '0' };
    app = await testServer(t.db, t.dir, { env });
    const config = loadConfig(env);
    mailer = configuredMailer(config);
    deps = { db: t.db, log: createLogger('silent'), mailer, config, secret: SECRET };
    await upsertPapers(t.db, [
      makePaper({ id: '2611.00001', title: 'Queued <b>first</b> & foremost' }),
      makePaper({ id: '2611.00002', title: 'Presented on Thursday' }),
      makePaper({ id: '2611.00003', title: 'Upvoted on the site' }),
      makePaper({ id: '2611.00004', title: 'Upvoted in private' }),
    ]);
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
    alan = await makeMember(t.db, 'Alan');
    bounced = await makeMember(t.db, 'Bounced');
    group = await createGroup(t.db, ada.id, { name: 'Thursday Club', slug: 'thursday-club', isPublic: false });
    for (const m of [grace, alan, bounced]) await acceptInvitation(t.db, SECRET, (await createInvitation(t.db, SECRET, ada.id, group.id)).token, m.id);
    for (const m of [ada, grace, bounced]) await setGroupDigest(t.db, m.id, group.id, true);
    await addToQueue(t.db, grace.id, group.id, { paper: '2611.00001', note: 'For the <i>new</i> people' }, async () => null);
    await addToQueue(t.db, ada.id, group.id, { paper: '2611.00002' }, async () => null);
    await scheduleSession(t.db, ada.id, group.id, { title: 'Thursday session', startsAt: '2030-01-10T17:30', timeZone: 'Europe/Berlin', presenterId: grace.id, paperIds: ['2611.00002'] });
    await setUpvotesPublic(t.db, alan.id, true);
    await toggleVote(t.db, alan.id, '2611.00003');
    await toggleVote(t.db, grace.id, '2611.00004');
    relay.refuse(bounced.email, 550);
  });
  after(async () => {
    mailer.close();
    await app.close();
    await relay.close();
    await t.cleanup();
  });

  it('sends each member who asked one digest: the new queue papers, the next session, what members upvoted in public', async () => {
    const report = await runGroupDigests(deps);
    assert.equal(report.readers, 3);
    assert.equal(report.composed, 3);
    assert.deepEqual({ sent: report.delivery.sent, bounced: report.delivery.bounced }, { sent: 2, bounced: 1 });
    await relay.waitFor(2);
    assert.deepEqual(relay.to(alan.email), [], 'Alan did not ask for it');
    const [mail] = relay.to(grace.email);
    assert.ok(mail);
    const p = mail.parsed;
    assert.equal(p.subject, 'Thursday Club this week: 2 papers new in the queue, next session ahead');
    const text = p.text ?? '';
    assert.match(text, /NEXT SESSION\n\nThursday session, Thursday 10 January 2030, 17:30 \(Europe\/Berlin\), presented by Grace/);
    assert.match(text, /Queued <b>first<\/b> & foremost\n.*\n {3}Added by Grace: “For the <i>new<\/i> people”/);
    assert.match(text, /UPVOTED BY MEMBERS\n\n- Upvoted on the site\n.*\n {3}Upvoted by Alan/);
    assert.ok(!text.includes('Upvoted in private'), "Grace's upvotes are her own");
    const htmlPart = String(p.html);
    assert.match(htmlPart, /Queued &lt;b&gt;first&lt;\/b&gt; &amp; foremost/);
    assert.ok(!htmlPart.includes('<b>first'));
    // One-click unsubscribe, for this group's digest only.
    const headers = mail.raw.toString().split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
    const unsubscribe = /^List-Unsubscribe: <(.+)>\r?$/im.exec(headers)?.[1] ?? '';
    assert.match(unsubscribe, /^https:\/\/papers\.example\.org\/groups\/thursday-club\/digest\/unsubscribe\?token=/);
    assert.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/im);
    const path = unsubscribe.replace(BASE, '');
    const page = await app.inject(path);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Stop the digest of Thursday Club/);
    assert.equal((await membershipOf(t.db, group.id, grace.id))?.digest, true, 'opening the link changes nothing');
    const oneClick = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(oneClick.statusCode, 200);
    assert.equal((await membershipOf(t.db, group.id, grace.id))?.digest, false);
    assert.equal((await membershipOf(t.db, group.id, grace.id))?.role, 'member', 'still a member');
  });

  it('turns the digest off for an address the relay refuses for good', async () => {
    assert.equal((await membershipOf(t.db, group.id, bounced.id))?.digest, false);
  });

  it('sends nothing twice in a week, however often it runs', async () => {
    const again = await runGroupDigests(deps);
    assert.equal(again.composed, 0);
    assert.equal(again.delivery.sent, 0);
    await relay.settled();
    assert.equal(relay.received.length, 2);
  });

  it('cancels a digest waiting in the outbox when its member leaves or stops it', async () => {
    await setGroupDigest(t.db, alan.id, group.id, true);
    // The week before: another week's digests, due now.
    const lastWeek = new Date(Date.now() - 7 * 24 * 3600_000);
    const composed = await composeGroupDigests(t.db, lastWeek);
    assert.equal(composed.composed, 2, JSON.stringify(composed));
    await leaveGroup(t.db, alan.id, group.id);
    await setGroupDigest(t.db, ada.id, group.id, false);
    const report = await runGroupDigests(deps, { now: lastWeek });
    assert.equal(report.delivery.cancelled, 2);
    await relay.settled();
    assert.equal(relay.received.length, 2);
  });

  it('has nothing to say for a quiet group', async () => {
    const quiet = await createGroup(t.db, ada.id, { name: 'Quiet', slug: 'quiet', isPublic: true });
    await setGroupDigest(t.db, ada.id, quiet.id, true);
    const report = await composeGroupDigests(t.db, new Date(Date.now() + 14 * 24 * 3600_000));
    assert.equal(report.nothingNew, 1);
  });
});
