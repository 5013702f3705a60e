import type { Selectable } from 'kysely';
import { FORBIDDEN_IN_LINE } from '../community/errors.js';
import { emailProblem, normalizeEmail } from '../mail/address.js';
import { canonicalCategory } from '../papers/taxonomy.js';
import { parseCategory } from '../search/query.js';
import type { Db, DigestFrequency, SubscriptionStatus, SubscriptionsTable } from '../store/schema.js';

/**
 * Subscriptions to the digests, with or without an account: the rules and the one place that
 * writes them.
 *
 * Double opt-in: a new address is `pending` until its confirmation link is followed. Asking again
 * for an address that is already active changes nothing and mails it its manage link instead, so
 * the form never tells a stranger who is subscribed. Every confirmation or manage-link mail is
 * written to `mail_outbox` (kinds below, status `sent` once it left, `failed` if the relay
 * refused) before it is sent; those rows are what the per-address limits count, so a restart does
 * not reset them. Digest rows in the outbox are never touched here, except that unsubscribing
 * cancels the ones still queued.
 */

export const MAIL_KINDS = { confirm: 'subscription-confirm', manage: 'subscription-manage' } as const;
export type SubscriptionMailKind = (typeof MAIL_KINDS)[keyof typeof MAIL_KINDS];

/** Per address: one mail per 10 minutes, five a day; nobody gets mail-bombed through the form. */
export const MIN_MAIL_INTERVAL_MS = 10 * 60_000;
export const MAX_MAILS_PER_DAY = 5;
export const MAX_CATEGORIES = 50;
export const MAX_AUTHORS = 50;
export const MAX_AUTHOR_LENGTH = 200;
export const MAX_SEARCHES = 20;
export const MAX_SEARCH_LENGTH = 300;

export type SubscriptionErrorCode =
  /** A field failed validation; `field` names it. */
  | 'invalid'
  /** Too many mails to this address lately. */
  | 'rate_limited'
  /** The subscription a link points to is gone. */
  | 'not_found'
  /** The link was made for an earlier link version of the subscription. */
  | 'stale_link'
  /** A confirmation link for a subscription unsubscribed since. */
  | 'cancelled';

export class SubscriptionError extends Error {
  override name = 'SubscriptionError';

  constructor(
    readonly code: SubscriptionErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Preferences {
  frequency: DigestFrequency;
  /** arXiv category ids (`cs.LG`); empty for all. */
  categories: string[];
  /** Author names as written on papers. */
  authors: string[];
  /** Saved searches, in the search box's syntax. */
  searches: string[];
}

export interface Subscription extends Preferences {
  id: number;
  email: string;
  userId: number | null;
  status: SubscriptionStatus;
  linkVersion: number;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

/**
 * An active subscription as a digest run sees it, from composing (what they asked for) to sending
 * (the address and the link version the signed links carry): the one shape of a reader there.
 */
export type Reader = Pick<Subscription, 'id' | 'email' | 'userId' | 'frequency' | 'linkVersion' | 'categories' | 'authors' | 'searches'>;

/** Who a subscription mail (a digest, a confirmation) goes to, and what its signed links carry. */
export type MailRecipient = Pick<Reader, 'id' | 'email' | 'frequency' | 'linkVersion'>;

/** The preferences as a form sends them: categories separated by spaces or commas, authors and searches one per line. */
export interface PreferencesForm {
  frequency: string;
  categories: string;
  authors: string;
  searches: string;
}

/** The mail to send after `subscribe`, already written to the outbox as `logId`. */
export interface SubscriptionMail {
  kind: SubscriptionMailKind;
  logId: number;
}

export type SubscribeResult =
  /** A new, pending or lapsed address: a confirmation link is to be mailed. */
  | { outcome: 'confirm'; subscription: Subscription; mail: SubscriptionMail }
  /** An address already active: its manage link is to be mailed; nothing changed. */
  | { outcome: 'manage'; subscription: Subscription; mail: SubscriptionMail }
  /** A signed-in member with their own, verified address: active at once, no mail. */
  | { outcome: 'member'; subscription: Subscription };

/** Who is signed in, if anyone, when the form is sent. */
export interface SubscribingMember {
  id: number;
  email: string;
  emailVerified: boolean;
}

/** The normalized address, or an `invalid` error on `email` saying what is wrong (line breaks included). */
export function cleanSubscriberEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (email !== null) return email;
  const problem = typeof raw !== 'string' ? 'is empty' : /[\r\n]/.test(raw) ? 'contains a line break' : (emailProblem(raw.trim().toLowerCase()) ?? 'is not valid');
  throw new SubscriptionError('invalid', `This email address ${problem}.`, 'email');
}

/** Checks and cleans the preferences of a form; the first problem found is thrown, naming its field. */
export function readPreferences(form: PreferencesForm): Preferences {
  if (form.frequency !== 'daily' && form.frequency !== 'weekly') throw new SubscriptionError('invalid', 'Choose daily or weekly.', 'frequency');
  const categories: string[] = [];
  for (const token of form.categories.split(/[\s,;]+/).filter((t) => t !== '')) {
    const category = token.length <= 40 ? canonicalCategory(token) : null;
    if (category === null) throw new SubscriptionError('invalid', `"${token.slice(0, 40)}" is not an arXiv category (such as cs.LG or hep-th).`, 'categories');
    // Only old records are filed under a bare archive such as cs: no new paper would match it.
    if (parseCategory(category)?.endsWith('.*')) throw new SubscriptionError('invalid', `"${category}" is a whole archive, which only old papers list; name its categories (such as cs.LG or astro-ph.CO).`, 'categories');
    if (!categories.includes(category)) categories.push(category);
  }
  if (categories.length > MAX_CATEGORIES) throw new SubscriptionError('invalid', `Choose at most ${MAX_CATEGORIES} categories (or none, for all of them).`, 'categories');
  return {
    frequency: form.frequency,
    categories,
    authors: lines(form.authors, 'authors', 'author', MAX_AUTHORS, MAX_AUTHOR_LENGTH),
    searches: lines(form.searches, 'searches', 'search', MAX_SEARCHES, MAX_SEARCH_LENGTH),
  };
}

/** One entry per line: trimmed, inner spaces collapsed, empty lines and repeats (ignoring case) dropped. */
function lines(text: string, field: string, noun: string, maxCount: number, maxLength: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.replace(/\r$/, '');
    if (FORBIDDEN_IN_LINE.test(line)) throw new SubscriptionError('invalid', `Line ${lineNo} contains control characters.`, field);
    const entry = line.trim().replace(/\s+/g, ' ');
    if (entry === '') continue;
    if (entry.length > maxLength) throw new SubscriptionError('invalid', `Line ${lineNo} is longer than ${maxLength} characters.`, field);
    const key = entry.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  if (out.length > maxCount) throw new SubscriptionError('invalid', `At most ${maxCount} ${noun === 'search' ? 'searches' : `${noun}s`}, one per line.`, field);
  return out;
}

/**
 * Subscribes an address (see the module comment for the rules). Refused, with nothing stored and
 * nothing to send: an invalid address (`invalid`), or an address mailed within the last 10
 * minutes or 5 times in a day (`rate_limited`). The caller sends the mail named in the result and
 * records how that went (`recordMailSent`, `recordMailFailed`).
 */
export async function subscribe(
  db: Db,
  input: { email: string; preferences: Preferences; member?: SubscribingMember | null },
  now: Date = new Date(),
): Promise<SubscribeResult> {
  const email = cleanSubscriberEmail(input.email);
  const prefs = stored(input.preferences);
  const at = now.toISOString();
  const member = input.member && input.member.emailVerified && input.member.email === email ? input.member : null;

  return db.transaction().execute(async (trx): Promise<SubscribeResult> => {
    if (member) {
      // The member proved this address when they verified their account: no second confirmation.
      const row = await trx
        .insertInto('subscriptions')
        .values({ email, user_id: member.id, status: 'active', ...prefs, created_at: at, confirmed_at: at, unsubscribed_at: null, bounced_at: null, bounce_reason: null })
        .onConflict((oc) =>
          oc.column('email').doUpdateSet((eb) => ({
            user_id: member.id,
            status: 'active',
            ...prefs,
            confirmed_at: eb.fn.coalesce('subscriptions.confirmed_at', eb.val(at)),
            unsubscribed_at: null,
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return { outcome: 'member', subscription: toSubscription(row) };
    }

    const inserted = await trx
      .insertInto('subscriptions')
      .values({ email, user_id: null, status: 'pending', ...prefs, created_at: at, confirmed_at: null, unsubscribed_at: null, bounced_at: null, bounce_reason: null })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { outcome: 'confirm', subscription: toSubscription(inserted), mail: await logMail(trx, inserted.id, MAIL_KINDS.confirm, now) };

    const existing = await trx.selectFrom('subscriptions').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    await checkMailLimits(trx, existing.id, now);
    if (existing.status === 'active') {
      // Someone else may be filling in the form: the preferences stay as the subscriber set them.
      return { outcome: 'manage', subscription: toSubscription(existing), mail: await logMail(trx, existing.id, MAIL_KINDS.manage, now) };
    }
    // Pending, unsubscribed or bouncing: (again) pending with these preferences, until confirmed.
    const row = await trx
      .updateTable('subscriptions')
      .set({ status: 'pending', ...prefs, unsubscribed_at: null })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { outcome: 'confirm', subscription: toSubscription(row), mail: await logMail(trx, existing.id, MAIL_KINDS.confirm, now) };
  });
}

async function checkMailLimits(db: Db, subscriptionId: number, now: Date): Promise<void> {
  const recent = await db
    .selectFrom('mail_outbox')
    .select('created_at')
    .where('subscription_id', '=', subscriptionId)
    .where('kind', 'in', Object.values(MAIL_KINDS))
    .where('status', '=', 'sent')
    .where('created_at', '>', new Date(now.getTime() - 24 * 3600_000).toISOString())
    .execute();
  if (recent.length >= MAX_MAILS_PER_DAY) {
    throw new SubscriptionError('rate_limited', `We have already sent ${MAX_MAILS_PER_DAY} mails to this address today. Look for them (also among spam), or try again tomorrow.`);
  }
  const interval = new Date(now.getTime() - MIN_MAIL_INTERVAL_MS).toISOString();
  if (recent.some((r) => r.created_at > interval)) {
    throw new SubscriptionError('rate_limited', `We sent a mail to this address a few minutes ago. Look for it (also among spam), or try again in ${MIN_MAIL_INTERVAL_MS / 60_000} minutes.`);
  }
}

/**
 * Writes the mail to the outbox as `sent` before it goes (no digest run may pick it up as queued);
 * `recordMailFailed` takes it back out of the count when the relay refuses it.
 */
async function logMail(db: Db, subscriptionId: number, kind: SubscriptionMailKind, now: Date): Promise<SubscriptionMail> {
  const at = now.toISOString();
  const row = await db
    .insertInto('mail_outbox')
    .values({ key: `${kind}:${subscriptionId}:${at}`, subscription_id: subscriptionId, kind, period: at.slice(0, 10), content: '{}', status: 'sent', next_attempt_at: at, last_error: null, message_id: null, created_at: at, sent_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind, logId: row.id };
}

export async function recordMailSent(db: Db, logId: number, messageId: string, now: Date = new Date()): Promise<void> {
  await db.updateTable('mail_outbox').set({ message_id: messageId, sent_at: now.toISOString(), attempts: 1 }).where('id', '=', logId).execute();
}

export async function recordMailFailed(db: Db, logId: number, error: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ status: 'failed', last_error: error.slice(0, 1000), attempts: 1 }).where('id', '=', logId).execute();
}

/** The subscription a signed link points to, or null when it is gone or the link is of an older version. */
export async function subscriptionByLink(db: Db, id: number, linkVersion: number): Promise<Subscription | null> {
  const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && row.link_version === linkVersion ? toSubscription(row) : null;
}

/** By its (normalized) address; for showing a member their own subscription. */
export async function subscriptionByEmail(db: Db, email: string): Promise<Subscription | null> {
  const row = await db.selectFrom('subscriptions').selectAll().where('email', '=', email).executeTakeFirst();
  return row ? toSubscription(row) : null;
}

/**
 * Confirms a pending subscription (following the link proved the address). Already active: no
 * change. When a member's verified account has this address, the subscription becomes theirs, so
 * their votes and follows shape their digest.
 */
export async function confirmSubscription(db: Db, id: number, linkVersion: number, now: Date = new Date()): Promise<Subscription> {
  return db.transaction().execute(async (trx) => {
    const row = await linked(trx, id, linkVersion);
    if (row.status === 'active') return toSubscription(row);
    if (row.status !== 'pending') throw new SubscriptionError('cancelled', 'This subscription was cancelled after this link was sent. Subscribe again to receive the papers.');
    const owner = await trx.selectFrom('users').select('id').where('email', '=', row.email).where('email_verified_at', 'is not', null).executeTakeFirst();
    const updated = await trx
      .updateTable('subscriptions')
      .set({ status: 'active', confirmed_at: now.toISOString(), user_id: row.user_id ?? owner?.id ?? null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSubscription(updated);
  });
}

/** Saves new preferences; the status stays as it is. */
export async function updatePreferences(db: Db, id: number, linkVersion: number, preferences: Preferences): Promise<Subscription> {
  return db.transaction().execute(async (trx) => {
    await linked(trx, id, linkVersion);
    const row = await trx.updateTable('subscriptions').set(stored(preferences)).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    return toSubscription(row);
  });
}

/**
 * Stops all mail to this subscription, and cancels its digests still waiting in the outbox.
 * Repeating it changes nothing (the first time is kept). The link version stays, so an older
 * unsubscribe link keeps working.
 */
export async function unsubscribe(db: Db, id: number, linkVersion: number, now: Date = new Date()): Promise<Subscription> {
  return db.transaction().execute(async (trx) => {
    let row = await linked(trx, id, linkVersion);
    if (row.status !== 'unsubscribed') {
      row = await trx
        .updateTable('subscriptions')
        .set({ status: 'unsubscribed', unsubscribed_at: now.toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await trx.updateTable('mail_outbox').set({ status: 'cancelled' }).where('subscription_id', '=', id).where('status', '=', 'queued').execute();
    return toSubscription(row);
  });
}

/**
 * The relay refused the address for good (see outbox.ts): nothing more is sent to it until it
 * subscribes again and confirms. An unsubscribed reader stays unsubscribed; a second bounce keeps
 * the first one's date. The outbox calls it in the transaction that marks the mail bounced.
 */
export async function markBouncing(db: Db, id: number, reason: string, at: string): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ status: 'bouncing', bounced_at: at, bounce_reason: reason })
    .where('id', '=', id)
    .where('status', 'in', ['active', 'pending'])
    .execute();
}

/**
 * Undoes an unsubscription from the manage page (its link was mailed to the address, which is
 * proof enough) for a subscription that was confirmed before. A bouncing address must subscribe
 * again and confirm.
 */
export async function resumeSubscription(db: Db, id: number, linkVersion: number): Promise<Subscription> {
  return db.transaction().execute(async (trx) => {
    const row = await linked(trx, id, linkVersion);
    if (row.status === 'active') return toSubscription(row);
    if (row.status !== 'unsubscribed' || row.confirmed_at === null) {
      throw new SubscriptionError('cancelled', 'This subscription cannot be resumed from here: subscribe again, and confirm the link we mail you.');
    }
    const updated = await trx.updateTable('subscriptions').set({ status: 'active', unsubscribed_at: null }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    return toSubscription(updated);
  });
}

/** Every active subscription of this frequency, lists parsed, in id order: the digest run's readers. */
export async function subscriptionsDue(db: Db, frequency: DigestFrequency): Promise<Reader[]> {
  const rows = await db.selectFrom('subscriptions').select(READER_COLUMNS).where('status', '=', 'active').where('frequency', '=', frequency).orderBy('id').execute();
  return rows.map(toReader);
}

/** The recipients of the mail waiting in the outbox, all read at once for a delivery pass. */
export async function recipientsOfQueuedMail(db: Db): Promise<MailRecipient[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select(READER_COLUMNS)
    .where('id', 'in', db.selectFrom('mail_outbox').select('subscription_id').where('status', '=', 'queued'))
    .execute();
  return rows.map(toReader);
}

/** One subscription as a mail recipient, whatever its status; null when it is gone. */
export async function recipientById(db: Db, id: number): Promise<MailRecipient | null> {
  const row = await db.selectFrom('subscriptions').select(READER_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toReader(row) : null;
}

async function linked(db: Db, id: number, linkVersion: number): Promise<Selectable<SubscriptionsTable>> {
  const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new SubscriptionError('not_found', 'This subscription no longer exists. You can subscribe again.');
  if (row.link_version !== linkVersion) throw new SubscriptionError('stale_link', 'This link has been replaced by a newer one: use the link in the latest mail we sent you.');
  return row;
}

function stored(p: Preferences) {
  return { frequency: p.frequency, categories: JSON.stringify(p.categories), authors: JSON.stringify(p.authors), searches: JSON.stringify(p.searches) };
}

/** A JSON array of strings; anything else (hand-edited rows) reads as empty rather than failing a whole digest run. */
function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

const READER_COLUMNS = ['id', 'email', 'user_id', 'frequency', 'link_version', 'categories', 'authors', 'searches'] as const;

function toReader(row: Pick<Selectable<SubscriptionsTable>, (typeof READER_COLUMNS)[number]>): Reader {
  return {
    id: row.id,
    email: row.email,
    userId: row.user_id,
    frequency: row.frequency,
    linkVersion: row.link_version,
    categories: parseList(row.categories),
    authors: parseList(row.authors),
    searches: parseList(row.searches),
  };
}

function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
  return {
    ...toReader(row),
    status: row.status,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    unsubscribedAt: row.unsubscribed_at,
  };
}
