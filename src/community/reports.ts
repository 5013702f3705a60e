import type { Db, ReportTarget } from '../store/schema.js';
import { CommunityError, invalid } from './errors.js';
import { requireMember, type PublicUser } from './users.js';

export type { ReportTarget };
export const MAX_REPORT_REASON_LENGTH = 1000;

export interface ReportTargetRef {
  type: ReportTarget;
  /** Paper id (`2401.12345`), or comment or user id. */
  id: string | number;
}

export interface Report {
  id: number;
  target: { type: ReportTarget; id: string };
  reporter: PublicUser;
  reason: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: number | null;
  resolution: string | null;
}

/**
 * A member flags a paper, comment or member for the admins. Reporting the same thing again while
 * the first report is open changes nothing (`created: false`).
 */
export async function report(db: Db, userId: number, input: { target: ReportTargetRef; reason: string }, now = new Date()): Promise<{ id: number; created: boolean }> {
  await requireMember(db, userId);
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '') throw invalid('reason', 'Please say what is wrong.');
  if (reason.length > MAX_REPORT_REASON_LENGTH) throw invalid('reason', `A reason can be at most ${MAX_REPORT_REASON_LENGTH} characters long.`);
  const targetId = String(input.target.id);
  if (!(await targetExists(db, input.target.type, targetId))) throw new CommunityError('not_found', `No such ${input.target.type} to report.`);

  const open = await db
    .selectFrom('reports')
    .select('id')
    .where('reporter_id', '=', userId)
    .where('target_type', '=', input.target.type)
    .where('target_id', '=', targetId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  if (open) return { id: open.id, created: false };
  const row = await db
    .insertInto('reports')
    .values({ target_type: input.target.type, target_id: targetId, reporter_id: userId, reason, created_at: now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

export async function targetExists(db: Db, type: ReportTarget, id: string): Promise<boolean> {
  switch (type) {
    case 'paper':
      return (await db.selectFrom('papers').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    case 'comment':
      return /^\d+$/.test(id) && (await db.selectFrom('comments').select('id').where('id', '=', Number(id)).executeTakeFirst()) !== undefined;
    case 'user':
      return /^\d+$/.test(id) && (await db.selectFrom('users').select('id').where('id', '=', Number(id)).executeTakeFirst()) !== undefined;
    default:
      throw invalid('target', 'Only papers, comments and members can be reported.');
  }
}
