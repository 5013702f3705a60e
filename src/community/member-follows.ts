/**
 * Following a member: the papers they upvote show in the follower's "For you" and digests, but
 * only while they show their upvotes (`upvotes_public`), so following never reveals what a member
 * keeps private. Whom one follows is private too: nothing here is shown to others.
 */
import type { Db } from '../store/schema.js';
import { CommunityError, invalid } from './errors.js';
import { requireMember, userByUsername } from './users.js';

/** Enough for any reader; a bound so a script cannot grow one member's list without end. */
export const MAX_FOLLOWED_MEMBERS = 1000;

export async function setMemberFollow(db: Db, followerId: number, username: string, follow: boolean, now = new Date()): Promise<{ followedId: number; following: boolean }> {
  await requireMember(db, followerId, { verified: false });
  const target = typeof username === 'string' && username.length <= 100 ? await userByUsername(db, username) : null;
  if (!target) throw new CommunityError('not_found', `Nobody here is called @${String(username).slice(0, 100)}.`);
  if (target.id === followerId) throw invalid('member', 'You cannot follow yourself.');
  if (!follow) {
    await db.deleteFrom('member_follows').where('follower_id', '=', followerId).where('followed_id', '=', target.id).execute();
    return { followedId: target.id, following: false };
  }
  const count = await db.selectFrom('member_follows').select((eb) => eb.fn.countAll<number>().as('n')).where('follower_id', '=', followerId).executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_FOLLOWED_MEMBERS) throw invalid('member', `You follow ${MAX_FOLLOWED_MEMBERS} members already: unfollow some first.`);
  await db.insertInto('member_follows').values({ follower_id: followerId, followed_id: target.id, created_at: now.toISOString() }).onConflict((oc) => oc.doNothing()).execute();
  return { followedId: target.id, following: true };
}

export async function followsMember(db: Db, followerId: number, followedId: number): Promise<boolean> {
  return (await db.selectFrom('member_follows').select('followed_id').where('follower_id', '=', followerId).where('followed_id', '=', followedId).executeTakeFirst()) !== undefined;
}

/** A paper a followed member upvoted since a given time. */
export interface FollowedUpvote {
  followerId: number;
  paperId: string;
  member: { username: string; displayName: string };
  votedAt: string;
}

/**
 * What the members these members follow upvoted since `since`, newest first: only members who
 * show their upvotes and are not suspended. Hidden papers are left out.
 */
export async function upvotedByFollowedMembers(db: Db, followerIds: readonly number[], since: string): Promise<FollowedUpvote[]> {
  if (followerIds.length === 0) return [];
  const rows = await db
    .selectFrom('member_follows as f')
    .innerJoin('users as u', 'u.id', 'f.followed_id')
    .innerJoin('votes as v', 'v.user_id', 'f.followed_id')
    .select(['f.follower_id', 'v.paper_id', 'u.username', 'u.display_name', 'v.created_at'])
    .where('f.follower_id', 'in', [...followerIds])
    .where('u.upvotes_public', '=', 1)
    .where('u.suspended_at', 'is', null)
    .where('v.created_at', '>=', since)
    .where('v.paper_id', 'not in', db.selectFrom('hidden_papers').select('paper_id'))
    .orderBy('v.created_at', 'desc')
    .orderBy('v.paper_id')
    .execute();
  return rows.map((r) => ({ followerId: r.follower_id, paperId: r.paper_id, member: { username: r.username, displayName: r.display_name }, votedAt: r.created_at }));
}
