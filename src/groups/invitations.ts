/**
 * Invitations into a group, by a link the inviter hands out or mails to an address. A link is
 * signed (links.ts) and names its row: it works once (the row is marked used by one conditional
 * UPDATE, so two people racing for it cannot both get in), until it expires, and only while the
 * inviter is still an admin or the owner of the group and in good standing: demoted, removed or
 * suspended, their links stop working.
 */
import { CommunityError, invalid } from '../community/errors.js';
import { requireMember, type PublicUser } from '../community/users.js';
import { emailProblem, normalizeEmail } from '../mail/address.js';
import type { Db } from '../store/schema.js';
import { groupById, hasRole, membershipOf, requireRole, type Group } from './groups.js';
import { invitationToken, readInvitationToken } from './links.js';

export const INVITATION_LIFETIME_MS = 7 * 24 * 3600_000;
/** Invitations one group may make in a day: a lab's intake, not a mailing list. */
export const MAX_INVITATIONS_PER_DAY = 50;

export interface Invitation {
  id: number;
  groupId: number;
  invitedBy: number;
  email: string | null;
  createdAt: string;
  expiresAt: string;
}

export const INVITATION_PROBLEMS = {
  invalid: 'This invitation link is not valid: it is incomplete, was changed, or was not made by this site.',
  expired: 'This invitation has expired. Ask the group for a new one.',
  used: 'This invitation has been used already. Ask the group for a new one.',
  revoked: 'This invitation no longer works: whoever sent it can no longer invite people to this group. Ask the group for a new one.',
} as const;

/** A new invitation, and the token of its link (`/groups/join?token=…`). */
export async function createInvitation(
  db: Db,
  secret: string,
  actorId: number,
  groupId: number,
  options: { email?: string } = {},
  now = new Date(),
): Promise<{ invitation: Invitation; token: string }> {
  await requireRole(db, groupId, actorId, 'admin');
  let email: string | null = null;
  if (options.email !== undefined) {
    email = normalizeEmail(options.email);
    if (email === null) throw invalid('email', `This email address ${emailProblem(String(options.email).trim().toLowerCase()) ?? 'is not valid'}.`);
  }
  const recent = await db
    .selectFrom('group_invitations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .where('created_at', '>', new Date(now.getTime() - 24 * 3600_000).toISOString())
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= MAX_INVITATIONS_PER_DAY) throw new CommunityError('rate_limited', `This group has made ${MAX_INVITATIONS_PER_DAY} invitations today; try again tomorrow.`, { retryAfterSeconds: 3600 });
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_MS);
  const row = await db
    .insertInto('group_invitations')
    .values({ group_id: groupId, invited_by: actorId, email, created_at: now.toISOString(), expires_at: expiresAt.toISOString(), used_at: null, used_by: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    invitation: { id: row.id, groupId: row.group_id, invitedBy: row.invited_by, email: row.email, createdAt: row.created_at, expiresAt: row.expires_at },
    token: invitationToken(secret, row.id, expiresAt),
  };
}

/** What an invitation link leads to, checked; refused with `bad_token` and the reason in words. */
export async function openInvitation(db: Db, secret: string, token: unknown, now = new Date()): Promise<{ invitation: Invitation; group: Group; inviter: PublicUser }> {
  const read = readInvitationToken(secret, token);
  if (!read) throw badInvitation('invalid');
  const row = await db.selectFrom('group_invitations').selectAll().where('id', '=', read.invitationId).executeTakeFirst();
  if (!row || Math.floor(Date.parse(row.expires_at) / 1000) !== read.expires) throw badInvitation('invalid');
  if (now.getTime() > Date.parse(row.expires_at)) throw badInvitation('expired');
  if (row.used_at !== null) throw badInvitation('used');
  const group = await groupById(db, row.group_id);
  if (!group) throw badInvitation('invalid');
  await inviterMayStillInvite(db, row.group_id, row.invited_by);
  const inviter = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('id', '=', row.invited_by).executeTakeFirstOrThrow();
  return {
    invitation: { id: row.id, groupId: row.group_id, invitedBy: row.invited_by, email: row.email, createdAt: row.created_at, expiresAt: row.expires_at },
    group,
    inviter: { id: inviter.id, username: inviter.username, displayName: inviter.display_name },
  };
}

/**
 * The member follows the link into the group. Someone already in it keeps the link unused (it may
 * be meant for someone else); otherwise the link is spent and they join as a member.
 */
export async function acceptInvitation(db: Db, secret: string, token: unknown, userId: number, now = new Date()): Promise<{ group: Group; joined: boolean }> {
  const { invitation, group } = await openInvitation(db, secret, token, now);
  await requireMember(db, userId);
  if (await membershipOf(db, group.id, userId)) return { group, joined: false };
  await db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable('group_invitations')
      .set({ used_at: now.toISOString(), used_by: userId })
      .where('id', '=', invitation.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) === 0) throw badInvitation('used');
    await trx
      .insertInto('group_members')
      .values({ group_id: group.id, user_id: userId, role: 'member', joined_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .execute();
  });
  return { group: (await groupById(db, group.id))!, joined: true };
}

async function inviterMayStillInvite(db: Db, groupId: number, inviterId: number): Promise<void> {
  const [membership, inviter] = await Promise.all([
    membershipOf(db, groupId, inviterId),
    db.selectFrom('users').select(['suspended_at']).where('id', '=', inviterId).executeTakeFirst(),
  ]);
  if (!inviter || inviter.suspended_at !== null || !hasRole(membership?.role, 'admin')) throw badInvitation('revoked');
}

function badInvitation(problem: keyof typeof INVITATION_PROBLEMS): CommunityError {
  return new CommunityError('bad_token', INVITATION_PROBLEMS[problem]);
}
