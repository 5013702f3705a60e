import { signature, signatureMatches } from '../signing.js';
import type { MailRecipient } from './subscriptions.js';

/**
 * Signed links for subscriptions: confirm, manage and unsubscribe, without a table of tokens.
 *
 * A token is `<subscription id>.<link version>.<expiry, Unix seconds>.<tag>`, the tag being
 * HMAC-SHA256 (base64url, src/signing.ts) over the purpose and those three numbers, with a key
 * derived from the server secret for this use only (so a link tag can never stand in for a cookie signature).
 * The purpose is not written in the token, only signed: a manage link presented as an
 * unsubscribe link fails its signature check. Raising a subscription's `link_version` voids every
 * link sent before.
 */
export type LinkPurpose = 'confirm' | 'manage' | 'unsubscribe';

const DAY_SECONDS = 24 * 3600;
/** How long each kind of link works: a confirmation soon goes stale; digests' links stay good for months. */
export const LINK_LIFETIME_SECONDS: Readonly<Record<LinkPurpose, number>> = {
  confirm: 7 * DAY_SECONDS,
  manage: 180 * DAY_SECONDS,
  unsubscribe: 180 * DAY_SECONDS,
};

const PATHS: Readonly<Record<LinkPurpose, string>> = {
  confirm: '/subscribe/confirm',
  manage: '/subscribe/manage',
  unsubscribe: '/subscribe/unsubscribe',
};

/** What `readSubscriptionToken` answers for each kind of bad token (the web layer maps them to 400 or 403). */
export const TOKEN_PROBLEMS = {
  malformed: 'This link is incomplete or damaged. Copy the whole link from the mail into the address bar.',
  forged: 'This link is not valid: it was not made by this site, was changed, or is meant for another page.',
  expired: 'This link has expired.',
} as const;

const TOKEN = /^([1-9]\d{0,14})\.([1-9]\d{0,8})\.([1-9]\d{0,11})\.([A-Za-z0-9_-]{43})$/;
const MAX_TOKEN_LENGTH = 100;

export function subscriptionLink(baseUrl: string, secret: string, purpose: LinkPurpose, subscription: Pick<MailRecipient, 'id' | 'linkVersion'>, now: Date = new Date()): string {
  const { id, linkVersion: version } = subscription;
  if (!Number.isSafeInteger(id) || id < 1) throw new Error(`subscription id must be a positive integer, not ${id}`);
  if (!Number.isSafeInteger(version) || version < 1 || version > 999_999_999) throw new Error(`link version must be a positive integer, not ${version}`);
  const expires = Math.floor(now.getTime() / 1000) + LINK_LIFETIME_SECONDS[purpose];
  const token = `${id}.${version}.${expires}.${signature(secret, LINK_USE, [purpose, id, version, expires])}`;
  return `${baseUrl.replace(/\/+$/, '')}${PATHS[purpose]}?token=${token}`;
}

export function readSubscriptionToken(secret: string, token: string, purpose: LinkPurpose, now: Date = new Date()): { subscriptionId: number; linkVersion: number } | { problem: string } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { problem: TOKEN_PROBLEMS.malformed };
  const match = TOKEN.exec(token);
  if (!match) return { problem: TOKEN_PROBLEMS.malformed };
  const id = Number(match[1]);
  const version = Number(match[2]);
  const expires = Number(match[3]);
  if (!signatureMatches(secret, LINK_USE, [purpose, id, version, expires], match[4]!)) return { problem: TOKEN_PROBLEMS.forged };
  // Checked after the signature, so only a genuine link is ever called expired.
  if (Math.floor(now.getTime() / 1000) > expires) return { problem: TOKEN_PROBLEMS.expired };
  return { subscriptionId: id, linkVersion: version };
}

/** The use the signing key is derived for (src/signing.ts): links of subscriptions alone. */
const LINK_USE = 'subscription-links';
