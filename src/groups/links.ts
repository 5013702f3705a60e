/**
 * The signed parts of a group's links (src/signing.ts), each for one purpose:
 *
 * - an invitation: `<invitation id>.<expiry, Unix seconds>.<tag>`; the row it names says whether
 *   it was used, and its inviter whether it still may invite (invitations.ts);
 * - a member's feed address (calendar, queue feeds) and digest unsubscribe link:
 *   `<user id>.<link version>.<tag>`, over the group too, so it works for that group only, while
 *   the member is in it and until they renew their links (which raises the version).
 *
 * Calendar programs and feed readers send no cookies, so a private group's feeds can only be
 * reached by such an address; it is personal, and says nothing about the group to anyone else.
 */
import { signature, signatureMatches } from '../signing.js';

const USE = 'group-links';
const INVITATION = /^([1-9]\d{0,14})\.([1-9]\d{0,11})\.([A-Za-z0-9_-]{43})$/;
const MEMBER = /^([1-9]\d{0,14})\.([1-9]\d{0,8})\.([A-Za-z0-9_-]{43})$/;
const MAX_TOKEN_LENGTH = 100;

export type MemberLinkPurpose = 'feeds' | 'unsubscribe';

export function invitationToken(secret: string, invitationId: number, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${invitationId}.${expires}.${signature(secret, USE, ['invite', invitationId, expires])}`;
}

/** The invitation a token names, if the token is whole and was signed here; its row says the rest. */
export function readInvitationToken(secret: string, token: unknown): { invitationId: number; expires: number } | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const match = INVITATION.exec(token);
  if (!match) return null;
  const invitationId = Number(match[1]);
  const expires = Number(match[2]);
  return signatureMatches(secret, USE, ['invite', invitationId, expires], match[3]!) ? { invitationId, expires } : null;
}

export function memberToken(secret: string, purpose: MemberLinkPurpose, groupId: number, member: { userId: number; linkVersion: number }): string {
  return `${member.userId}.${member.linkVersion}.${signature(secret, USE, [purpose, groupId, member.userId, member.linkVersion])}`;
}

/** The member and link version a token was signed for, for this group and purpose; null for anything else. */
export function readMemberToken(secret: string, purpose: MemberLinkPurpose, groupId: number, token: unknown): { userId: number; linkVersion: number } | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const match = MEMBER.exec(token);
  if (!match) return null;
  const userId = Number(match[1]);
  const linkVersion = Number(match[2]);
  return signatureMatches(secret, USE, [purpose, groupId, userId, linkVersion], match[3]!) ? { userId, linkVersion } : null;
}
