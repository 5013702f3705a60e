/**
 * Following a group: its new queue items show in the follower's "For you" and digests. Anyone may
 * follow a public group; a private one only its members, and what it queues reaches a follower
 * only while they are still a member (checked when read, so leaving is enough).
 */
import type { Db } from '../store/schema.js';
import { groupFor } from './groups.js';
import { requireMember } from '../community/users.js';

/** Follows (or stops following) the group at this address, as `userId` sees it. */
export async function setGroupFollow(db: Db, userId: number, slug: string, follow: boolean, now = new Date()): Promise<{ groupId: number; following: boolean }> {
  await requireMember(db, userId, { verified: false });
  const { group } = await groupFor(db, slug, userId);
  if (follow) {
    await db.insertInto('group_follows').values({ user_id: userId, group_id: group.id, created_at: now.toISOString() }).onConflict((oc) => oc.doNothing()).execute();
  } else {
    await db.deleteFrom('group_follows').where('user_id', '=', userId).where('group_id', '=', group.id).execute();
  }
  return { groupId: group.id, following: follow };
}

export async function followsGroup(db: Db, userId: number, groupId: number): Promise<boolean> {
  return (await db.selectFrom('group_follows').select('group_id').where('user_id', '=', userId).where('group_id', '=', groupId).executeTakeFirst()) !== undefined;
}

/** A paper a followed group queued since a given time. */
export interface FollowedQueueItem {
  followerId: number;
  paperId: string;
  group: { slug: string; name: string };
  addedAt: string;
}

/**
 * What the groups these members follow queued since `since`, newest first, each group as its
 * follower may see it (public, or the follower is a member). Hidden papers are left out.
 */
export async function queuedByFollowedGroups(db: Db, followerIds: readonly number[], since: string): Promise<FollowedQueueItem[]> {
  if (followerIds.length === 0) return [];
  const rows = await db
    .selectFrom('group_follows as f')
    .innerJoin('groups as g', 'g.id', 'f.group_id')
    .innerJoin('group_queue as q', 'q.group_id', 'f.group_id')
    .select(['f.user_id', 'q.paper_id', 'g.slug', 'g.name', 'q.added_at'])
    .where('f.user_id', 'in', [...followerIds])
    .where('q.added_at', '>=', since)
    .where((eb) => eb.or([eb('g.is_public', '=', 1), eb.exists(eb.selectFrom('group_members as m').select('m.user_id').whereRef('m.group_id', '=', 'g.id').whereRef('m.user_id', '=', 'f.user_id'))]))
    .where('q.paper_id', 'not in', db.selectFrom('hidden_papers').select('paper_id'))
    .orderBy('q.added_at', 'desc')
    .orderBy('q.paper_id')
    .execute();
  return rows.map((r) => ({ followerId: r.user_id, paperId: r.paper_id, group: { slug: r.slug, name: r.name }, addedAt: r.added_at }));
}
