import { linkMail } from '../community/account-mails.js';
import type { MailMessage } from '../mail/mailer.js';
import { INVITATION_LIFETIME_MS } from './invitations.js';

/** Where invitation links lead; the web layer serves it. */
export const JOIN_PATH = '/groups/join';

export function invitationUrl(baseUrl: string, token: string): string {
  return `${baseUrl}${JOIN_PATH}?token=${encodeURIComponent(token)}`;
}

/** The mail an invitation by address sends: who invites, to which group, and the link. */
export function invitationMail(input: { to: string; inviter: string; group: string; token: string; baseUrl: string }): MailMessage {
  const days = INVITATION_LIFETIME_MS / (24 * 3600_000);
  return linkMail(input.to, `${input.inviter} invites you to ${input.group} on Paperboy`, invitationUrl(input.baseUrl, input.token), [
    'Hello,',
    `${input.inviter} invites you to join the group “${input.group}” on Paperboy, to share its reading queue and journal-club sessions. Open this link to join (you can sign up there if you have no account):`,
    `The link works once, for ${days} days. If you do not want to join, ignore this mail.`,
  ]);
}
