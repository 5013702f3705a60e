import type { MailMessage } from '../mail/mailer.js';
import { RESET_TOKEN_LIFETIME_MS, VERIFY_TOKEN_LIFETIME_MS } from './accounts.js';

/**
 * Account mails: plain text first (what many readers of a research list prefer), with a simple
 * HTML part of the same words. The web layer serves these two paths.
 */
export const VERIFY_EMAIL_PATH = '/verify-email';
export const RESET_PASSWORD_PATH = '/reset-password';

export interface AccountMailInput {
  to: string;
  displayName: string;
  token: string;
  /** `PAPERBOY_BASE_URL`, without a trailing slash. */
  baseUrl: string;
}

export function verifyEmailUrl(baseUrl: string, token: string): string {
  return `${baseUrl}${VERIFY_EMAIL_PATH}?token=${encodeURIComponent(token)}`;
}

export function resetPasswordUrl(baseUrl: string, token: string): string {
  return `${baseUrl}${RESET_PASSWORD_PATH}?token=${encodeURIComponent(token)}`;
}

export function verificationMail(input: AccountMailInput): MailMessage {
  const link = verifyEmailUrl(input.baseUrl, input.token);
  const hours = VERIFY_TOKEN_LIFETIME_MS / 3600_000;
  return linkMail(input.to, 'Confirm your email address for Paperboy', link, [
    `Hello ${input.displayName},`,
    'please confirm your email address by opening this link:',
    `The link works once, for ${hours} hours. If you did not sign up, ignore this mail and nothing will happen.`,
  ]);
}

export function passwordResetMail(input: AccountMailInput): MailMessage {
  const link = resetPasswordUrl(input.baseUrl, input.token);
  const minutes = RESET_TOKEN_LIFETIME_MS / 60_000;
  return linkMail(input.to, 'Reset your Paperboy password', link, [
    `Hello ${input.displayName},`,
    'someone (we hope you) asked to reset your password. Choose a new one here:',
    `The link works once, for ${minutes} minutes, and signs you out everywhere. If you did not ask, ignore this mail: your password stays as it is.`,
  ]);
}

/** A mail that carries one link: greeting, lead-in, the link on a line of its own, then the small print (account mails, group invitations). */
export function linkMail(to: string, subject: string, link: string, [greeting, lead, small]: [string, string, string]): MailMessage {
  const text = `${greeting}\n\n${lead}\n\n${link}\n\n${small}\n\n-- \nPaperboy\n`;
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5; max-width: 36em">
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(lead)}</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
<p style="color: #555; font-size: 90%">${escapeHtml(small)}</p>
<p>&mdash; Paperboy</p>
</body></html>
`;
  return { to, subject, text, html };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
