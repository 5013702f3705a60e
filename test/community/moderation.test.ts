import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { signIn } from '../../src/community/accounts.js';
import { addComment, listComments } from '../../src/community/comments.js';
import {
  demote,
  hideComment,
  hidePaper,
  listReports,
  moderationLog,
  promote,
  resolveReport,
  suspendUser,
  unhideComment,
  unhidePaper,
  unsuspendUser,
} from '../../src/community/moderation.js';
import { statsOf } from '../../src/community/paper-stats.js';
import { report } from '../../src/community/reports.js';
import { createSession, sessionUser } from '../../src/community/sessions.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { makeAdmin, makeMember, rejectsWith } from '../support/community.js';
import { hiddenAmong } from '../../src/store/visibility.js';

describe('moderation', () => {
  let t: TempDb;
  let admin: User;
  let member: User;
  let troll: User;
  const P = '2401.00001';
  const at = new Date('2026-11-27T10:00:00Z');

  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: P }), makePaper({ id: '2401.00002' })]);
    admin = await makeAdmin(t.db, 'Admin');
    member = await makeMember(t.db, 'Member');
    troll = await makeMember(t.db, 'Troll');
  });
  after(async () => t.cleanup());

  it('promotes by email from the command line, and logs it with no moderator', async () => {
    assert.equal(admin.role, 'admin');
    const log = await moderationLog(t.db);
    assert.equal(log.length, 1);
    assert.deepEqual({ ...log[0], id: 0, at: '' }, { id: 0, moderator: null, action: 'promote', target: { type: 'user', id: String(admin.id) }, reason: 'by the operator', at: '' });
    // Promoting an admin again changes and logs nothing.
    await promote(t.db, admin.email.toUpperCase());
    assert.equal((await moderationLog(t.db)).length, 1);
    await assert.rejects(promote(t.db, 'nobody@example.org'), rejectsWith('not_found'));
    await assert.rejects(promote(t.db, 'bad\r\nemail'), rejectsWith('invalid', 'email'));
  });

  it('refuses every action to a member who is not an admin, and logs nothing', async () => {
    const comment = await addComment(t.db, member.id, { paperId: P, body: 'hello' });
    const r = await report(t.db, member.id, { target: { type: 'paper', id: P }, reason: 'not a paper' });
    const before = (await moderationLog(t.db)).length;
    // Each started when awaited: on PostgreSQL they would all run (and fail) at once, before being awaited.
    for (const attempt of [
      () => hidePaper(t.db, member.id, P, 'x'),
      () => unhidePaper(t.db, member.id, P, 'x'),
      () => hideComment(t.db, member.id, comment.id, 'x'),
      () => unhideComment(t.db, member.id, comment.id, 'x'),
      () => suspendUser(t.db, member.id, troll.id, 'x'),
      () => unsuspendUser(t.db, member.id, troll.id, 'x'),
      () => listReports(t.db, member.id),
      () => resolveReport(t.db, member.id, r.id, 'x'),
      () => hidePaper(t.db, 999_999, P, 'x'),
    ]) {
      await assert.rejects(attempt(), rejectsWith('forbidden'));
    }
    assert.equal((await moderationLog(t.db)).length, before);
    assert.deepEqual(await hiddenAmong(t.db, [P]), new Set());
  });

  it('asks for a reason', async () => {
    await assert.rejects(hidePaper(t.db, admin.id, P, '  '), rejectsWith('invalid', 'reason'));
    await assert.rejects(hidePaper(t.db, admin.id, P, 'x'.repeat(501)), rejectsWith('invalid', 'reason'));
  });

  it('hides and unhides a paper, logging each change once', async () => {
    assert.deepEqual(await hidePaper(t.db, admin.id, P, 'spam submission', at), { changed: true });
    assert.deepEqual(await hidePaper(t.db, admin.id, P, 'again', at), { changed: false });
    assert.deepEqual(await hiddenAmong(t.db, [P, '2401.00002']), new Set([P]));
    assert.deepEqual(await unhidePaper(t.db, admin.id, P, 'was fine after all', at), { changed: true });
    assert.deepEqual(await hiddenAmong(t.db, [P]), new Set());
    await assert.rejects(hidePaper(t.db, admin.id, '2401.99999', 'x'), rejectsWith('not_found'));
    const log = await moderationLog(t.db, { limit: 2 });
    assert.deepEqual(
      log.map((e) => [e.action, e.target, e.reason, e.moderator?.username, e.at]),
      [
        ['unhide_paper', { type: 'paper', id: P }, 'was fine after all', admin.username, at.toISOString()],
        ['hide_paper', { type: 'paper', id: P }, 'spam submission', admin.username, at.toISOString()],
      ],
    );
  });

  it('hides a comment from members (not from admins) and stops counting it', async () => {
    const rude = await addComment(t.db, troll.id, { paperId: '2401.00002', body: 'rude words' });
    const reply = await addComment(t.db, member.id, { paperId: '2401.00002', body: 'please be kind', parentId: rude.id });
    assert.equal((await statsOf(t.db, ['2401.00002'])).get('2401.00002')!.comments, 2);

    assert.deepEqual(await hideComment(t.db, admin.id, rude.id, 'abusive', at), { changed: true });
    assert.equal((await statsOf(t.db, ['2401.00002'])).get('2401.00002')!.comments, 1);
    const seenByMember = await listComments(t.db, '2401.00002', member.id);
    assert.deepEqual([seenByMember[0]!.state, seenByMember[0]!.html, seenByMember[0]!.author], ['hidden', '', null]);
    assert.equal(seenByMember[0]!.children[0]!.id, reply.id);
    const seenByAdmin = await listComments(t.db, '2401.00002', admin.id);
    assert.deepEqual([seenByAdmin[0]!.state, seenByAdmin[0]!.body], ['hidden', 'rude words']);
    await assert.rejects(addComment(t.db, member.id, { paperId: '2401.00002', body: 'x', parentId: rude.id }), rejectsWith('invalid'));

    assert.deepEqual(await unhideComment(t.db, admin.id, rude.id, 'context', at), { changed: true });
    assert.equal((await statsOf(t.db, ['2401.00002'])).get('2401.00002')!.comments, 2);
    assert.deepEqual(await hideComment(t.db, admin.id, rude.id, 'abusive after all', at), { changed: true });
    assert.deepEqual((await moderationLog(t.db, { limit: 3 })).map((e) => [e.action, e.target.id]), [
      ['hide_comment', String(rude.id)],
      ['unhide_comment', String(rude.id)],
      ['hide_comment', String(rude.id)],
    ]);
  });

  it('suspends: signs the member out, refuses sign-in and writes; admins cannot be suspended', async () => {
    const session = await createSession(t.db, troll.id);
    assert.deepEqual(await suspendUser(t.db, admin.id, troll.id, 'repeated abuse', at), { changed: true });
    assert.equal(await sessionUser(t.db, session.token), null);
    await assert.rejects(signIn(t.db, troll.email, 'correct horse battery'), rejectsWith('suspended'));
    await assert.rejects(toggleVote(t.db, troll.id, P), rejectsWith('suspended'));
    await assert.rejects(createSession(t.db, troll.id), rejectsWith('suspended'));
    await assert.rejects(suspendUser(t.db, admin.id, admin.id, 'x'), rejectsWith('forbidden'));

    assert.deepEqual(await unsuspendUser(t.db, admin.id, troll.id, 'served their time', at), { changed: true });
    assert.equal((await signIn(t.db, troll.email, 'correct horse battery')).suspended, false);
    assert.deepEqual((await moderationLog(t.db, { limit: 2 })).map((e) => [e.action, e.target, e.reason]), [
      ['unsuspend', { type: 'user', id: String(troll.id) }, 'served their time'],
      ['suspend', { type: 'user', id: String(troll.id) }, 'repeated abuse'],
    ]);
  });

  it('lists open reports oldest first and resolves them, logged', async () => {
    const open = await listReports(t.db, admin.id);
    assert.deepEqual(open.map((r) => [r.target, r.reason, r.reporter.username]), [[{ type: 'paper', id: P }, 'not a paper', member.username]]);
    assert.deepEqual(await resolveReport(t.db, admin.id, open[0]!.id, 'it is a paper', at), { changed: true });
    assert.deepEqual(await resolveReport(t.db, admin.id, open[0]!.id, 'again', at), { changed: false });
    assert.deepEqual(await listReports(t.db, admin.id), []);
    const [resolved] = await listReports(t.db, admin.id, { state: 'resolved' });
    assert.deepEqual([resolved!.resolution, resolved!.resolvedBy, resolved!.resolvedAt], ['it is a paper', admin.id, at.toISOString()]);
    await assert.rejects(resolveReport(t.db, admin.id, 424242, 'x'), rejectsWith('not_found'));
    assert.equal((await moderationLog(t.db, { limit: 1 }))[0]!.action, 'resolve_report');
  });

  it('keeps the log append-only and pages back through it', async () => {
    await assert.rejects(sql`UPDATE moderation_log SET reason = 'nothing happened'`.execute(t.db), /append-only/);
    await assert.rejects(sql`DELETE FROM moderation_log`.execute(t.db), /append-only/);
    await demote(t.db, admin.email);
    const all = await moderationLog(t.db);
    assert.deepEqual(all.map((e) => e.action), [
      'demote', 'resolve_report', 'unsuspend', 'suspend', 'hide_comment', 'unhide_comment', 'hide_comment',
      'unhide_paper', 'hide_paper', 'promote',
    ]);
    const older = await moderationLog(t.db, { before: all[4]!.id, limit: 2 });
    assert.deepEqual(older.map((e) => e.id), [all[5]!.id, all[6]!.id]);
    await assert.rejects(hidePaper(t.db, admin.id, P, 'no longer admin'), rejectsWith('forbidden'));
  });
});
