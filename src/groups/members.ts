/**
 * Who is in a group, and with which role. The owner names admins and hands the group on; admins
 * invite and remove plain members; anyone but the owner may leave (the owner hands the group on
 * first, so a group always has one). Leaving or being removed takes one's group votes away with
 * the counters, in the same transaction, so the queue's ranking is always that of the members.
 */
import type { Db, GroupRole } from '../store/schema.js';
import { CommunityError, invalid } from '../community/errors.js';
import type { PublicUser } from '../community/users.js';
import { membershipOf, requireRole, toMembership, type Membership } from './groups.js';

export interface Member extends PublicUser {
  role: GroupRole;
  joinedAt: string;
}

/** Owner first, then admins, then members, each by when they joined. */
export async function listMembers(db: Db, groupId: number): Promise<Member[]> {
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'm.role', 'm.joined_at'])
    .where('m.group_id', '=', groupId)
    .orderBy('m.joined_at')
    .orderBy('u.id')
    .execute();
  const order: Record<GroupRole, number> = { owner: 0, admin: 1, member: 2 };
  return rows
    .map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role, joinedAt: r.joined_at }))
    .sort((a, b) => order[a.role] - order[b.role]);
}

/** The owner makes a member an admin or an admin a member; ownership moves only by `transferOwnership`. */
export async function setRole(db: Db, actorId: number, groupId: number, targetId: number, role: 'admin' | 'member'): Promise<void> {
  await requireRole(db, groupId, actorId, 'owner');
  if (role !== 'admin' && role !== 'member') throw invalid('role', 'A role is admin or member.');
  const target = await existingMember(db, groupId, targetId);
  if (target.role === 'owner') throw new CommunityError('forbidden', 'The owner stays owner until they hand the group to someone else.');
  await db.updateTable('group_members').set({ role }).where('group_id', '=', groupId).where('user_id', '=', targetId).where('role', '!=', 'owner').execute();
}

/** Admins remove members; the owner removes admins too. Nobody removes the owner. */
export async function removeMember(db: Db, actorId: number, groupId: number, targetId: number): Promise<void> {
  const actor = await requireRole(db, groupId, actorId, 'admin');
  const target = await existingMember(db, groupId, targetId);
  if (target.role === 'owner') throw new CommunityError('forbidden', 'The owner cannot be removed.');
  if (target.role === 'admin' && actor.role !== 'owner' && targetId !== actorId) throw new CommunityError('forbidden', 'Only the owner can remove an admin.');
  await departs(db, groupId, targetId);
}

/** A member leaves. The owner hands the group on first. */
export async function leaveGroup(db: Db, userId: number, groupId: number): Promise<void> {
  const membership = await membershipOf(db, groupId, userId);
  if (!membership) throw new CommunityError('not_found', 'You are not a member of this group.');
  if (membership.role === 'owner') throw new CommunityError('forbidden', 'Hand the group to another member before you leave it: you are its owner.');
  await departs(db, groupId, userId);
}

/** The owner makes another member the owner and becomes an admin, in one transaction. */
export async function transferOwnership(db: Db, ownerId: number, groupId: number, targetId: number): Promise<void> {
  await requireRole(db, groupId, ownerId, 'owner');
  if (targetId === ownerId) throw invalid('member', 'You are the owner already.');
  await existingMember(db, groupId, targetId);
  await db.transaction().execute(async (trx) => {
    // Demoted first: the database holds one owner per group.
    const demoted = await trx.updateTable('group_members').set({ role: 'admin' }).where('group_id', '=', groupId).where('user_id', '=', ownerId).where('role', '=', 'owner').executeTakeFirst();
    if (Number(demoted.numUpdatedRows) === 0) throw new CommunityError('forbidden', 'Only the owner of this group can do this.');
    const promoted = await trx.updateTable('group_members').set({ role: 'owner' }).where('group_id', '=', groupId).where('user_id', '=', targetId).executeTakeFirst();
    if (Number(promoted.numUpdatedRows) === 0) throw new CommunityError('not_found', 'That person is not a member of this group.');
  });
}

/** Whether the member gets the group's weekly digest. */
export async function setGroupDigest(db: Db, userId: number, groupId: number, wanted: boolean): Promise<Membership> {
  await requireRole(db, groupId, userId, 'member');
  await db.updateTable('group_members').set({ digest: wanted ? 1 : 0 }).where('group_id', '=', groupId).where('user_id', '=', userId).execute();
  return (await membershipOf(db, groupId, userId))!;
}

/**
 * Stops a member's digest of this group from its signed link (no sign-in: the link is the proof),
 * if the link is of the member's current link version. Repeating it changes nothing.
 */
export async function stopGroupDigest(db: Db, groupId: number, userId: number, linkVersion: number): Promise<boolean> {
  const stopped = await db
    .updateTable('group_members')
    .set({ digest: 0 })
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .where('link_version', '=', linkVersion)
    .executeTakeFirst();
  return Number(stopped.numUpdatedRows) > 0;
}

/** The relay refused the member's address for good (digest/outbox.ts): no group digest goes to it until they ask again. */
export async function stopAllGroupDigests(db: Db, userId: number): Promise<void> {
  await db.updateTable('group_members').set({ digest: 0 }).where('user_id', '=', userId).execute();
}

/** New calendar and feed addresses for the member: the old ones (and old digest links) stop working. */
export async function renewMemberLinks(db: Db, userId: number, groupId: number): Promise<Membership> {
  await requireRole(db, groupId, userId, 'member');
  const row = await db
    .updateTable('group_members')
    .set((eb) => ({ link_version: eb('link_version', '+', 1) }))
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toMembership(row);
}

/** Someone leaves the group: their membership and their group votes (with the counters) go. */
async function departs(db: Db, groupId: number, userId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('group_queue')
      .set((eb) => ({ votes: eb('votes', '-', 1) }))
      .where('group_id', '=', groupId)
      .where('paper_id', 'in', trx.selectFrom('group_votes').select('paper_id').where('group_id', '=', groupId).where('user_id', '=', userId))
      .execute();
    await trx.deleteFrom('group_votes').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
    await trx.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', '=', userId).where('role', '!=', 'owner').execute();
  });
}

async function existingMember(db: Db, groupId: number, userId: number): Promise<Membership> {
  const target = Number.isSafeInteger(userId) ? await membershipOf(db, groupId, userId) : null;
  if (!target) throw new CommunityError('not_found', 'That person is not a member of this group.');
  return target;
}
