/**
 * Admin actions. Each checks inside that the actor is an admin, and writes its row to the
 * append-only moderation log in the same transaction as the change: the public log never misses
 * an action, and no action happens without its row. Actions that change nothing (hiding what is
 * already hidden) write nothing and return `changed: false`. Every action needs a reason, shown
 * in the log.
 */
import type { Db, ReportTarget } from '../store/schema.js';
import { normalizeEmail } from '../mail/address.js';
import { CommunityError, invalid } from './errors.js';
import { bumpCounter } from './paper-stats.js';
import type { Report } from './reports.js';
import { endAllSessions } from './sessions.js';
import { getUser, requireAdmin, toUser, type PublicUser, type User } from './users.js';

export const MAX_MODERATION_REASON_LENGTH = 500;

export type ModerationAction =
  | 'promote'
  | 'demote'
  | 'hide_paper'
  | 'unhide_paper'
  | 'feature_paper'
  | 'unfeature_paper'
  | 'hide_comment'
  | 'unhide_comment'
  | 'suspend'
  | 'unsuspend'
  | 'resolve_report'
  | 'approve_claim'
  | 'refuse_claim';

export interface ModerationEntry {
  id: number;
  /** Null when the operator acted from the command line. */
  moderator: PublicUser | null;
  action: ModerationAction;
  target: { type: string; id: string };
  reason: string;
  at: string;
}

/** `paperboy users promote EMAIL`: the operator makes a member an admin. */
export async function promote(db: Db, email: string, now = new Date()): Promise<User> {
  return setRole(db, email, 'admin', now);
}

/** `paperboy users demote EMAIL`. */
export async function demote(db: Db, email: string, now = new Date()): Promise<User> {
  return setRole(db, email, 'member', now);
}

export async function hidePaper(db: Db, adminId: number, paperId: string, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  return db.transaction().execute(async (trx) => {
    const paper = await trx.selectFrom('papers').select('id').where('id', '=', paperId).executeTakeFirst();
    if (!paper) throw new CommunityError('not_found', `No paper ${paperId} in the catalog.`);
    const result = await trx
      .insertInto('hidden_papers')
      .values({ paper_id: paperId, hidden_by: adminId, reason: why, hidden_at: now.toISOString() })
      .onConflict((oc) => oc.column('paper_id').doNothing())
      .executeTakeFirst();
    const changed = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (changed) await logAction(trx, adminId, 'hide_paper', 'paper', paperId, why, now);
    return { changed };
  });
}

export async function unhidePaper(db: Db, adminId: number, paperId: string, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  return db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('hidden_papers').where('paper_id', '=', paperId).executeTakeFirst();
    const changed = Number(result.numDeletedRows) > 0;
    if (changed) await logAction(trx, adminId, 'unhide_paper', 'paper', paperId, why, now);
    return { changed };
  });
}

/**
 * A moderator's pick: the paper is featured on its listing day's page, beside the papers members
 * submitted, and ranked with them by trending.
 */
export async function featurePaper(db: Db, adminId: number, paperId: string, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  return db.transaction().execute(async (trx) => {
    const paper = await trx.selectFrom('papers').select(['id', 'day']).where('id', '=', paperId).executeTakeFirst();
    if (!paper) throw new CommunityError('not_found', `No paper ${paperId} in the catalog.`);
    const result = await trx
      .insertInto('featured_picks')
      .values({ paper_id: paperId, day: paper.day, picked_by: adminId, picked_at: now.toISOString() })
      .onConflict((oc) => oc.column('paper_id').doNothing())
      .executeTakeFirst();
    const changed = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (changed) await logAction(trx, adminId, 'feature_paper', 'paper', paperId, why, now);
    return { changed };
  });
}

export async function unfeaturePaper(db: Db, adminId: number, paperId: string, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  return db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('featured_picks').where('paper_id', '=', paperId).executeTakeFirst();
    const changed = Number(result.numDeletedRows) > 0;
    if (changed) await logAction(trx, adminId, 'unfeature_paper', 'paper', paperId, why, now);
    return { changed };
  });
}

/** Whether a moderator has picked the paper. */
export async function isFeatured(db: Db, paperId: string): Promise<boolean> {
  return (await db.selectFrom('featured_picks').select('paper_id').where('paper_id', '=', paperId).executeTakeFirst()) !== undefined;
}

/** Hides a comment's text from everyone but admins; it stops counting. */
export async function hideComment(db: Db, adminId: number, commentId: number, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  return setCommentHidden(db, adminId, commentId, reason, true, now);
}

export async function unhideComment(db: Db, adminId: number, commentId: number, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  return setCommentHidden(db, adminId, commentId, reason, false, now);
}

/** Suspends a member and signs them out everywhere. Admins cannot be suspended; demote first. */
export async function suspendUser(db: Db, adminId: number, userId: number, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  const target = await getUser(db, userId);
  if (!target) throw new CommunityError('not_found', 'No such member.');
  if (target.role === 'admin') throw new CommunityError('forbidden', 'Admins cannot be suspended; the operator can demote them first.');
  return db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('users').set({ suspended_at: now.toISOString() }).where('id', '=', userId).where('suspended_at', 'is', null).executeTakeFirst();
    const changed = Number(result.numUpdatedRows) > 0;
    if (changed) {
      await endAllSessions(trx, userId);
      await logAction(trx, adminId, 'suspend', 'user', String(userId), why, now);
    }
    return { changed };
  });
}

export async function unsuspendUser(db: Db, adminId: number, userId: number, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  return db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('users').set({ suspended_at: null }).where('id', '=', userId).where('suspended_at', 'is not', null).executeTakeFirst();
    const changed = Number(result.numUpdatedRows) > 0;
    if (changed) await logAction(trx, adminId, 'unsuspend', 'user', String(userId), why, now);
    return { changed };
  });
}

/** Reports for the admins' queue, oldest open first (or newest first when listing resolved ones). */
export async function listReports(db: Db, adminId: number, opts: { state?: 'open' | 'resolved' | 'all'; limit?: number } = {}): Promise<Report[]> {
  await requireAdmin(db, adminId);
  const state = opts.state ?? 'open';
  let query = db
    .selectFrom('reports')
    .innerJoin('users', 'users.id', 'reports.reporter_id')
    .selectAll('reports')
    .select(['users.username', 'users.display_name']);
  if (state === 'open') query = query.where('reports.resolved_at', 'is', null);
  if (state === 'resolved') query = query.where('reports.resolved_at', 'is not', null);
  const rows = await query
    .orderBy('reports.id', state === 'open' ? 'asc' : 'desc')
    .limit(opts.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    target: { type: r.target_type, id: r.target_id },
    reporter: { id: r.reporter_id, username: r.username, displayName: r.display_name },
    reason: r.reason,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
  }));
}

/** Closes a report, saying what was done (or why nothing was). */
export async function resolveReport(db: Db, adminId: number, reportId: number, resolution: string, now = new Date()): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(resolution);
  return db.transaction().execute(async (trx) => {
    const report = await trx.selectFrom('reports').select(['id', 'target_type', 'target_id']).where('id', '=', reportId).executeTakeFirst();
    if (!report) throw new CommunityError('not_found', 'No such report.');
    const result = await trx
      .updateTable('reports')
      .set({ resolved_at: now.toISOString(), resolved_by: adminId, resolution: why })
      .where('id', '=', reportId)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows) > 0;
    if (changed) await logAction(trx, adminId, 'resolve_report', 'report', String(reportId), why, now);
    return { changed };
  });
}

/** The public moderation log, newest first; `before` (an entry id) pages back. */
export async function moderationLog(db: Db, opts: { limit?: number; before?: number } = {}): Promise<ModerationEntry[]> {
  let query = db
    .selectFrom('moderation_log')
    .leftJoin('users', 'users.id', 'moderation_log.moderator_id')
    .selectAll('moderation_log')
    .select(['users.username', 'users.display_name']);
  if (opts.before !== undefined) query = query.where('moderation_log.id', '<', opts.before);
  const rows = await query.orderBy('moderation_log.id', 'desc').limit(opts.limit ?? 100).execute();
  return rows.map((r) => ({
    id: r.id,
    moderator: r.moderator_id === null || r.username === null ? null : { id: r.moderator_id, username: r.username, displayName: r.display_name ?? '' },
    action: r.action as ModerationAction,
    target: { type: r.target_type, id: r.target_id },
    reason: r.reason,
    at: r.at,
  }));
}


async function setRole(db: Db, email: string, role: 'admin' | 'member', now: Date): Promise<User> {
  const normalized = normalizeEmail(email);
  if (normalized === null) throw invalid('email', `Not a valid email address: ${JSON.stringify(String(email).slice(0, 100))}`);
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('users').selectAll().where('email', '=', normalized).executeTakeFirst();
    if (!row) throw new CommunityError('not_found', `No account with the email address ${normalized}.`);
    if (row.role !== role) {
      await trx.updateTable('users').set({ role }).where('id', '=', row.id).execute();
      await logAction(trx, null, role === 'admin' ? 'promote' : 'demote', 'user', String(row.id), 'by the operator', now);
    }
    return toUser({ ...row, role });
  });
}

async function setCommentHidden(db: Db, adminId: number, commentId: number, reason: string, hide: boolean, now: Date): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  return db.transaction().execute(async (trx) => {
    const comment = await trx.selectFrom('comments').select('id').where('id', '=', commentId).executeTakeFirst();
    if (!comment) throw new CommunityError('not_found', 'No such comment.');
    // deleted_at as the updated row has it, not as read above: an author deleting the comment
    // meanwhile has already stopped it counting.
    const updated = await trx
      .updateTable('comments')
      .set({ hidden_at: hide ? now.toISOString() : null })
      .where('id', '=', commentId)
      .where('hidden_at', hide ? 'is' : 'is not', null)
      .returning(['paper_id', 'deleted_at'])
      .executeTakeFirst();
    const changed = updated !== undefined;
    if (updated) {
      if (updated.deleted_at === null) await bumpCounter(trx, updated.paper_id, 'comments', hide ? -1 : 1);
      await logAction(trx, adminId, hide ? 'hide_comment' : 'unhide_comment', 'comment', String(commentId), why, now);
    }
    return { changed };
  });
}

/** Appends an action to the log; call it in the transaction of the change it records. */
export async function logAction(trx: Db, moderatorId: number | null, action: ModerationAction, targetType: ReportTarget | 'report' | 'claim', targetId: string, reason: string, now: Date): Promise<void> {
  await trx
    .insertInto('moderation_log')
    .values({ moderator_id: moderatorId, action, target_type: targetType, target_id: targetId, reason, at: now.toISOString() })
    .execute();
}

export function cleanReason(raw: string): string {
  const reason = typeof raw === 'string' ? raw.trim() : '';
  if (reason === '') throw invalid('reason', 'Please give a reason; it is shown in the public moderation log.');
  if (reason.length > MAX_MODERATION_REASON_LENGTH) throw invalid('reason', `A reason can be at most ${MAX_MODERATION_REASON_LENGTH} characters long.`);
  return reason;
}
