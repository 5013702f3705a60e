/**
 * What the members and groups a reader follows did lately: papers a followed member upvoted (if
 * they show their upvotes) and papers a followed group queued (if the reader may see the group).
 * They come in "For you" and in digests right after the papers of followed authors, as followed
 * authors' papers do: someone the reader chose to follow beats a guess of the model.
 */
import { upvotedByFollowedMembers } from '../community/member-follows.js';
import { queuedByFollowedGroups } from '../groups/follows.js';
import { perStatement } from '../store/chunks.js';
import type { Db } from '../store/schema.js';
import type { Reason, Recommendation } from './for-you.js';

/** How far back "For you" looks for what followed members and groups did. */
export const ACTIVITY_DAYS = 14;

export interface ActivityPick {
  paperId: string;
  reason: Extract<Reason, { kind: 'member' | 'group' }>;
  /** When it was upvoted or queued. */
  at: string;
}

/**
 * Each reader's picks from followed members and groups since `since`, newest first, one per paper,
 * leaving out papers the reader upvoted themselves.
 */
export async function followedActivity(db: Db, readerIds: readonly number[], since: string): Promise<Map<number, ActivityPick[]>> {
  const out = new Map<number, ActivityPick[]>();
  for (const chunk of perStatement([...new Set(readerIds)])) {
    const [upvotes, queued] = await Promise.all([upvotedByFollowedMembers(db, chunk, since), queuedByFollowedGroups(db, chunk, since)]);
    const picks = [
      ...upvotes.map((u) => ({ reader: u.followerId, pick: { paperId: u.paperId, reason: { kind: 'member' as const, member: u.member }, at: u.votedAt } })),
      ...queued.map((q) => ({ reader: q.followerId, pick: { paperId: q.paperId, reason: { kind: 'group' as const, group: q.group }, at: q.addedAt } })),
    ].sort((a, b) => (a.pick.at < b.pick.at ? 1 : a.pick.at > b.pick.at ? -1 : 0));
    if (picks.length === 0) continue;
    const own = await db
      .selectFrom('votes')
      .select(['user_id', 'paper_id'])
      .where('user_id', 'in', chunk)
      .where('paper_id', 'in', [...new Set(picks.map((p) => p.pick.paperId))])
      .execute();
    const voted = new Set(own.map((v) => `${v.user_id} ${v.paper_id}`));
    for (const { reader, pick } of picks) {
      if (voted.has(`${reader} ${pick.paperId}`)) continue;
      const list = out.get(reader) ?? [];
      if (!list.some((p) => p.paperId === pick.paperId)) list.push(pick);
      out.set(reader, list);
    }
  }
  return out;
}

/**
 * "For you" with what followed members and groups did: papers of followed authors first, then
 * these, then the rest of the model's picks; each paper once, `limit` in all.
 */
export function withActivity(picks: readonly Recommendation[], activity: readonly ActivityPick[], limit: number): Array<{ paperId: string; reason: Reason }> {
  const out = new Map<string, Reason>();
  const add = (paperId: string, reason: Reason) => {
    if (out.size < limit && !out.has(paperId)) out.set(paperId, reason);
  };
  for (const p of picks) if (p.reason.kind === 'author') add(p.paperId, p.reason);
  for (const a of activity) add(a.paperId, a.reason);
  for (const p of picks) add(p.paperId, p.reason);
  return [...out].map(([paperId, reason]) => ({ paperId, reason }));
}
