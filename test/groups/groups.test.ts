import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FetchPaper } from '../../src/catalog/fetch-paper.js';
import { suspendUser } from '../../src/community/moderation.js';
import type { User } from '../../src/community/users.js';
import { createGroup, groupFor, listGroups, updateGroup } from '../../src/groups/groups.js';
import { acceptInvitation, createInvitation, INVITATION_LIFETIME_MS, INVITATION_PROBLEMS, openInvitation } from '../../src/groups/invitations.js';
import { leaveGroup, listMembers, removeMember, setRole, transferOwnership } from '../../src/groups/members.js';
import { organisationPapers, tagPaper } from '../../src/groups/organisations.js';
import { addToQueue, queueOf, removeFromQueue, setQueueState, toggleGroupVote } from '../../src/groups/queue.js';
import { describeWhen, instantOf, scheduleSession, sessionsOf, updateSession } from '../../src/groups/sessions.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makeAdmin, makeMember, rejectsWith } from '../support/community.js';
import { makePaper } from '../support/papers.js';

const SECRET = 'a test secret that is long enough to sign with';

describe('groups', () => {
  let t: TempDb;
  let ada: User;
  let grace: User;
  let alan: User;
  let mallory: User;
  const fetched: string[] = [];
  /** Stands in for arXiv: knows papers 2312.xxxxx. */
  const fetchPaper: FetchPaper = async (id) => {
    fetched.push(id);
    return id.startsWith('2312.') ? makePaper({ id, title: `Fetched ${id}`, day: '2023-12-05' }) : null;
  };

  before(async () => {
    t = await tempDb();
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
    alan = await makeMember(t.db, 'Alan');
    mallory = await makeMember(t.db, 'Mallory');
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', title: 'First' }), makePaper({ id: '2401.00002', title: 'Second' }), makePaper({ id: '2401.00003', title: 'Third' })]);
  });
  after(async () => t.cleanup());

  /** A group with `members` in it (joined by invitation links, as people do). */
  async function groupWith(slug: string, owner: User, members: User[], isPublic = false) {
    const group = await createGroup(t.db, owner.id, { name: `Group ${slug}`, slug, isPublic });
    for (const m of members) {
      const { token } = await createInvitation(t.db, SECRET, owner.id, group.id);
      await acceptInvitation(t.db, SECRET, token, m.id);
    }
    return group;
  }

  describe('creating', () => {
    it('makes the creator its owner, and checks the short name', async () => {
      const group = await createGroup(t.db, ada.id, { name: '  ML   reading ', slug: 'ML-Reading', description: 'Tuesdays.\nRoom 4.', isPublic: true });
      assert.equal(group.name, 'ML reading');
      assert.equal(group.slug, 'ml-reading');
      assert.equal(group.memberCount, 1);
      assert.deepEqual((await listMembers(t.db, group.id)).map((m) => [m.username, m.role]), [[ada.username, 'owner']]);
      await assert.rejects(createGroup(t.db, grace.id, { name: 'Other', slug: 'ml-reading', isPublic: true }), rejectsWith('invalid', 'slug'));
      for (const slug of ['new', 'join', 'a', '-x-', 'has space', 'ümlaut', 'x'.repeat(41), '../etc']) {
        await assert.rejects(createGroup(t.db, grace.id, { name: 'Other', slug, isPublic: true }), rejectsWith('invalid', 'slug'), slug);
      }
      await assert.rejects(createGroup(t.db, grace.id, { name: 'a\u0000b', slug: 'fine', isPublic: true }), rejectsWith('invalid', 'name'));
      const unverified = await makeMember(t.db, 'Newcomer', { verified: false });
      await assert.rejects(createGroup(t.db, unverified.id, { name: 'Mine', slug: 'mine-too', isPublic: true }), rejectsWith('unverified'));
    });
  });

  describe('roles', () => {
    it('lets the owner name admins and hand the group on; admins remove members but not admins; the owner cannot leave without handing on', async () => {
      const group = await groupWith('roles', ada, [grace, alan, mallory]);
      await assert.rejects(setRole(t.db, grace.id, group.id, alan.id, 'admin'), rejectsWith('forbidden'));
      await setRole(t.db, ada.id, group.id, grace.id, 'admin');
      await assert.rejects(removeMember(t.db, grace.id, group.id, ada.id), rejectsWith('forbidden'));
      await removeMember(t.db, grace.id, group.id, mallory.id);
      await setRole(t.db, ada.id, group.id, alan.id, 'admin');
      await assert.rejects(removeMember(t.db, grace.id, group.id, alan.id), rejectsWith('forbidden'), 'an admin cannot remove another admin');
      await assert.rejects(leaveGroup(t.db, ada.id, group.id), rejectsWith('forbidden'));
      await assert.rejects(transferOwnership(t.db, grace.id, group.id, alan.id), rejectsWith('forbidden'));
      await transferOwnership(t.db, ada.id, group.id, grace.id);
      assert.deepEqual((await listMembers(t.db, group.id)).map((m) => [m.username, m.role]), [[grace.username, 'owner'], [ada.username, 'admin'], [alan.username, 'admin']]);
      await leaveGroup(t.db, ada.id, group.id);
      await assert.rejects(transferOwnership(t.db, grace.id, group.id, mallory.id), rejectsWith('not_found'));
      assert.deepEqual((await listMembers(t.db, group.id)).map((m) => m.username), [grace.username, alan.username]);
    });
  });

  describe('invitations', () => {
    it('work once', async () => {
      const group = await groupWith('once', ada, []);
      const { token } = await createInvitation(t.db, SECRET, ada.id, group.id);
      assert.deepEqual(await acceptInvitation(t.db, SECRET, token, grace.id), { group: { ...group, memberCount: 2 }, joined: true });
      await assert.rejects(acceptInvitation(t.db, SECRET, token, alan.id), (e: Error) => rejectsWith('bad_token')(e) && e.message === INVITATION_PROBLEMS.used);
      // Someone already in the group does not spend a link meant for someone else.
      const second = await createInvitation(t.db, SECRET, ada.id, group.id);
      assert.equal((await acceptInvitation(t.db, SECRET, second.token, grace.id)).joined, false);
      assert.equal((await acceptInvitation(t.db, SECRET, second.token, alan.id)).joined, true);
    });

    it('work for a limited time, and not when changed or made elsewhere', async () => {
      const group = await groupWith('expiring', ada, []);
      const made = new Date('2026-12-01T10:00:00Z');
      const { token } = await createInvitation(t.db, SECRET, ada.id, group.id, {}, made);
      const late = new Date(made.getTime() + INVITATION_LIFETIME_MS + 1000);
      await assert.rejects(acceptInvitation(t.db, SECRET, token, grace.id, late), (e: Error) => rejectsWith('bad_token')(e) && e.message === INVITATION_PROBLEMS.expired);
      const [id, expires, tag] = token.split('.');
      const later = `${id}.${Number(expires) + 86_400}.${tag}`;
      for (const bad of [later, `${id}.${expires}.${tag!.slice(0, -1)}A`, 'nonsense', '', `${token}x`]) {
        await assert.rejects(acceptInvitation(t.db, SECRET, bad, grace.id, made), (e: Error) => rejectsWith('bad_token')(e) && e.message === INVITATION_PROBLEMS.invalid, bad);
      }
      await assert.rejects(acceptInvitation(t.db, 'another secret of this many characters!!', token, grace.id, made), rejectsWith('bad_token'));
    });

    it('stop working when the inviter is demoted, removed or suspended', async () => {
      const group = await groupWith('revoked', ada, [grace]);
      await setRole(t.db, ada.id, group.id, grace.id, 'admin');
      const demoted = await createInvitation(t.db, SECRET, grace.id, group.id);
      const removed = await createInvitation(t.db, SECRET, grace.id, group.id);
      assert.equal((await openInvitation(t.db, SECRET, demoted.token)).inviter.id, grace.id);
      await setRole(t.db, ada.id, group.id, grace.id, 'member');
      await assert.rejects(acceptInvitation(t.db, SECRET, demoted.token, alan.id), (e: Error) => rejectsWith('bad_token')(e) && e.message === INVITATION_PROBLEMS.revoked);
      await setRole(t.db, ada.id, group.id, grace.id, 'admin');
      assert.equal((await acceptInvitation(t.db, SECRET, removed.token, alan.id)).joined, true, 'an admin again: the link works again');
      const afterRemoval = await createInvitation(t.db, SECRET, grace.id, group.id);
      await removeMember(t.db, ada.id, group.id, grace.id);
      await assert.rejects(acceptInvitation(t.db, SECRET, afterRemoval.token, mallory.id), rejectsWith('bad_token'));

      const admin = await makeAdmin(t.db);
      const rogue = await makeMember(t.db, 'Rogue');
      const owned = await groupWith('suspended-owner', rogue, []);
      const link = await createInvitation(t.db, SECRET, rogue.id, owned.id);
      await suspendUser(t.db, admin.id, rogue.id, 'spam');
      await assert.rejects(acceptInvitation(t.db, SECRET, link.token, mallory.id), (e: Error) => rejectsWith('bad_token')(e) && e.message === INVITATION_PROBLEMS.revoked);
    });

    it('are made by admins only, and by address only to a valid address', async () => {
      const group = await groupWith('by-address', ada, [grace]);
      await assert.rejects(createInvitation(t.db, SECRET, grace.id, group.id), rejectsWith('forbidden'));
      await assert.rejects(createInvitation(t.db, SECRET, mallory.id, group.id), rejectsWith('not_found'), 'a stranger to a private group is told it does not exist');
      for (const email of ['not an address', 'a@b', 'x@example.org\r\nBcc: victim@example.org']) {
        await assert.rejects(createInvitation(t.db, SECRET, ada.id, group.id, { email }), rejectsWith('invalid', 'email'), email);
      }
      const { invitation } = await createInvitation(t.db, SECRET, ada.id, group.id, { email: ' Friend@Example.org ' });
      assert.equal(invitation.email, 'friend@example.org');
    });
  });

  describe('privacy', () => {
    it('hides a private group from a visitor, another member of the site and a former member, as if it did not exist', async () => {
      const group = await groupWith('secret-club', ada, [grace, alan]);
      await leaveGroup(t.db, alan.id, group.id);
      for (const viewer of [null, mallory.id, alan.id]) {
        await assert.rejects(groupFor(t.db, 'secret-club', viewer), (e: Error) => rejectsWith('not_found')(e) && !e.message.includes('secret'), String(viewer));
      }
      assert.equal((await groupFor(t.db, 'secret-club', grace.id)).membership?.role, 'member');
      assert.ok(!(await listGroups(t.db, mallory.id)).others.some((g) => g.slug === 'secret-club'));
      assert.ok((await listGroups(t.db, grace.id)).mine.some((m) => m.group.slug === 'secret-club'));
      // Writes say the same to outsiders.
      await assert.rejects(addToQueue(t.db, alan.id, group.id, { paper: '2401.00001' }, fetchPaper), rejectsWith('not_found'));
      await assert.rejects(updateGroup(t.db, mallory.id, group.id, { name: 'Mine now' }), rejectsWith('not_found'));
      // A public group shows itself, and tells outsiders that only members may write.
      const open = await groupWith('open-club', ada, [], true);
      assert.equal((await groupFor(t.db, 'open-club', null)).membership, null);
      await assert.rejects(addToQueue(t.db, mallory.id, open.id, { paper: '2401.00001' }, fetchPaper), rejectsWith('forbidden'));
    });
  });

  describe('the queue', () => {
    it('takes papers by id or link with a note, fetching one not in the catalog, once', async () => {
      const group = await groupWith('queued', ada, [grace, alan]);
      fetched.length = 0;
      await addToQueue(t.db, grace.id, group.id, { paper: 'https://arxiv.org/abs/2312.00042v3', note: 'The *loss* is new.' }, fetchPaper);
      assert.deepEqual(fetched, ['2312.00042']);
      await addToQueue(t.db, ada.id, group.id, { paper: '2401.00001' }, fetchPaper);
      assert.deepEqual(fetched, ['2312.00042'], 'a catalog paper is not fetched');
      await assert.rejects(addToQueue(t.db, alan.id, group.id, { paper: 'arXiv:2401.00001v2' }, fetchPaper), rejectsWith('duplicate', 'paper'));
      await assert.rejects(addToQueue(t.db, alan.id, group.id, { paper: 'not a paper' }, fetchPaper), rejectsWith('invalid', 'paper'));
      await assert.rejects(addToQueue(t.db, alan.id, group.id, { paper: '2402.00001' }, fetchPaper), rejectsWith('not_found', 'paper'));
      const items = await queueOf(t.db, group.id, grace.id);
      assert.deepEqual(items.map((i) => [i.paper.id, i.proposedBy?.username, i.note, i.state]), [
        ['2312.00042', grace.username, 'The *loss* is new.', 'to_read'],
        ['2401.00001', ada.username, '', 'to_read'],
      ]);
    });

    it('ranks by the group votes, with exact counters through toggles and departures', async () => {
      const group = await groupWith('votes', ada, [grace, alan, mallory]);
      for (const id of ['2401.00001', '2401.00002', '2401.00003']) await addToQueue(t.db, ada.id, group.id, { paper: id }, fetchPaper);
      assert.deepEqual(await toggleGroupVote(t.db, grace.id, group.id, '2401.00003'), { voted: true, votes: 1 });
      assert.deepEqual(await toggleGroupVote(t.db, alan.id, group.id, '2401.00003'), { voted: true, votes: 2 });
      assert.deepEqual(await toggleGroupVote(t.db, mallory.id, group.id, '2401.00002'), { voted: true, votes: 1 });
      assert.deepEqual(await toggleGroupVote(t.db, mallory.id, group.id, '2401.00003'), { voted: true, votes: 3 });
      assert.deepEqual(await toggleGroupVote(t.db, grace.id, group.id, '2401.00003'), { voted: false, votes: 2 });
      // Concurrent toggles of different members keep an exact count.
      await Promise.all([ada, grace].map((m) => toggleGroupVote(t.db, m.id, group.id, '2401.00001')));
      const ranked = async () => (await queueOf(t.db, group.id, mallory.id)).map((i) => [i.paper.id, i.votes, i.voted]);
      assert.deepEqual(await ranked(), [['2401.00001', 2, false], ['2401.00003', 2, true], ['2401.00002', 1, true]]);
      await removeMember(t.db, ada.id, group.id, mallory.id);
      assert.deepEqual(await ranked(), [['2401.00001', 2, false], ['2401.00003', 1, false], ['2401.00002', 0, false]], 'a member who leaves takes their votes along');
      await assert.rejects(toggleGroupVote(t.db, mallory.id, group.id, '2401.00001'), rejectsWith('not_found'));
      await assert.rejects(toggleGroupVote(t.db, grace.id, group.id, '2312.99999'), rejectsWith('not_found'));
      const counted = await t.db.selectFrom('group_votes').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', group.id).executeTakeFirstOrThrow();
      const summed = await t.db.selectFrom('group_queue').select((eb) => eb.fn.sum<number>('votes').as('n')).where('group_id', '=', group.id).executeTakeFirstOrThrow();
      assert.equal(Number(counted.n), Number(summed.n));
    });

    it('moves papers through their states: the admins, the proposer and its presenter may', async () => {
      const group = await groupWith('states', ada, [grace, alan]);
      await addToQueue(t.db, grace.id, group.id, { paper: '2401.00001' }, fetchPaper);
      await addToQueue(t.db, ada.id, group.id, { paper: '2401.00002' }, fetchPaper);
      await setQueueState(t.db, grace.id, group.id, '2401.00001', 'reading');
      await assert.rejects(setQueueState(t.db, alan.id, group.id, '2401.00002', 'reading'), rejectsWith('forbidden'));
      await scheduleSession(t.db, ada.id, group.id, { title: 'Week 1', startsAt: '2026-12-10T18:00', timeZone: 'Europe/Paris', presenterId: alan.id, paperIds: ['2401.00002'] });
      await setQueueState(t.db, alan.id, group.id, '2401.00002', 'discussed');
      await assert.rejects(setQueueState(t.db, ada.id, group.id, '2401.00002', 'done'), rejectsWith('invalid', 'state'));
      assert.deepEqual((await queueOf(t.db, group.id, null, { states: ['discussed'] })).map((i) => i.paper.id), ['2401.00002']);
      await assert.rejects(removeFromQueue(t.db, alan.id, group.id, '2401.00001'), rejectsWith('forbidden'));
      await removeFromQueue(t.db, grace.id, group.id, '2401.00001');
      assert.deepEqual((await queueOf(t.db, group.id, null)).map((i) => i.paper.id), ['2401.00002']);
    });
  });

  describe('sessions', () => {
    it('hold a time in the group\'s time zone, across a change of the clocks', () => {
      assert.equal(instantOf('2026-12-10T18:00', 'Europe/Paris').toISOString(), '2026-12-10T17:00:00.000Z');
      assert.equal(instantOf('2026-07-10T18:00', 'Europe/Paris').toISOString(), '2026-07-10T16:00:00.000Z');
      assert.equal(instantOf('2026-03-08T09:30', 'America/New_York').toISOString(), '2026-03-08T13:30:00.000Z');
      assert.equal(instantOf('2026-12-10T18:00', 'Asia/Kolkata').toISOString(), '2026-12-10T12:30:00.000Z');
      // Skipped by the clocks going forward, and passed twice when they go back (the first is kept).
      assert.throws(() => instantOf('2026-03-29T02:30', 'Europe/Paris'), rejectsWith('invalid', 'startsAt'));
      assert.equal(instantOf('2026-10-25T02:30', 'Europe/Paris').toISOString(), '2026-10-25T00:30:00.000Z');
      assert.throws(() => instantOf('2026-02-30T10:00', 'UTC'), rejectsWith('invalid', 'startsAt'));
      assert.throws(() => instantOf('tomorrow', 'UTC'), rejectsWith('invalid', 'startsAt'));
      assert.equal(describeWhen('2026-12-10T17:00:00.000Z', 'Europe/Paris'), 'Thursday 10 December 2026, 18:00 (Europe/Paris)');
    });

    it('are scheduled by admins with a member presenting papers of the queue; the presenter writes the notes; past ones stay as history', async () => {
      const group = await groupWith('journal', ada, [grace]);
      await addToQueue(t.db, grace.id, group.id, { paper: '2401.00001' }, fetchPaper);
      const input = { title: 'Attention, again', startsAt: '2026-12-10T18:00', timeZone: 'Europe/Paris', presenterId: grace.id, paperIds: ['2401.00001'] };
      await assert.rejects(scheduleSession(t.db, grace.id, group.id, input), rejectsWith('forbidden'));
      await assert.rejects(scheduleSession(t.db, ada.id, group.id, { ...input, timeZone: 'Mars/Olympus' }), rejectsWith('invalid', 'timeZone'));
      await assert.rejects(scheduleSession(t.db, ada.id, group.id, { ...input, presenterId: mallory.id }), rejectsWith('invalid', 'presenter'));
      await assert.rejects(scheduleSession(t.db, ada.id, group.id, { ...input, paperIds: ['2401.00003'] }), rejectsWith('invalid', 'papers'));
      const past = await scheduleSession(t.db, ada.id, group.id, { ...input, title: 'Kick-off', startsAt: '2026-11-01T18:00', paperIds: [] });
      const session = await scheduleSession(t.db, ada.id, group.id, input);
      assert.equal(session.startsAt, '2026-12-10T17:00:00.000Z');
      assert.deepEqual(session.papers, [{ id: '2401.00001', title: 'First' }]);
      const notes = 'We derived $\\nabla_\\theta \\mathcal{L}$ on the board.';
      const written = await updateSession(t.db, grace.id, group.id, session.id, { notes });
      assert.equal(written.notes, notes);
      assert.equal(written.sequence, 1);
      await assert.rejects(updateSession(t.db, grace.id, group.id, session.id, { title: 'Mine' }), rejectsWith('forbidden'));
      const { upcoming, past: history } = await sessionsOf(t.db, group.id, new Date('2026-12-01T00:00:00Z'));
      assert.deepEqual(upcoming.map((s) => s.title), ['Attention, again']);
      assert.deepEqual(history.map((s) => s.id), [past.id]);
    });
  });

  describe('organisations', () => {
    it('show the papers their current members tag', async () => {
      const group = await groupWith('acme-lab', ada, [grace], true);
      await assert.rejects(tagPaper(t.db, ada.id, group.id, '2401.00001', fetchPaper), rejectsWith('forbidden'));
      await assert.rejects(updateGroup(t.db, grace.id, group.id, { isOrganisation: true }), rejectsWith('forbidden'));
      await updateGroup(t.db, ada.id, group.id, { isOrganisation: true });
      await tagPaper(t.db, ada.id, group.id, '2401.00001', fetchPaper, new Date('2026-12-01T10:00:00Z'));
      await tagPaper(t.db, grace.id, group.id, '2312.00077', fetchPaper, new Date('2026-12-01T11:00:00Z'));
      await assert.rejects(tagPaper(t.db, mallory.id, group.id, '2401.00002', fetchPaper), rejectsWith('forbidden'));
      assert.deepEqual((await organisationPapers(t.db, group.id)).map((p) => [p.paper.id, p.taggedBy.username]), [['2312.00077', grace.username], ['2401.00001', ada.username]]);
      await leaveGroup(t.db, grace.id, group.id);
      assert.deepEqual((await organisationPapers(t.db, group.id)).map((p) => p.paper.id), ['2401.00001']);
    });
  });
});
