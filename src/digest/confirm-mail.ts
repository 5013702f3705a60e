import { html, type Html } from '../html.js';
import type { Logger } from '../log.js';
import type { MailMessage, Mailer } from '../mail/mailer.js';
import type { Db } from '../store/schema.js';
import { LINK_LIFETIME_SECONDS, subscriptionLink } from './links.js';
import { MAIL_KINDS, recordMailFailed, recordMailSent, type MailRecipient, type SubscriptionMail } from './subscriptions.js';

/**
 * The two mails the subscription form sends at once (not through a digest run): the confirmation
 * link, and, for an address already subscribed, its manage link. Plain text first, with a simple
 * HTML part of the same words.
 */

export interface SubscriptionMailSettings {
  /** `PAPERBOY_BASE_URL`; a trailing slash is dropped. */
  baseUrl: string;
  /** The server secret; links are signed with a key derived from it. */
  secret: string;
}

interface Paragraph {
  text: string;
  link?: string;
  small?: boolean;
}

export function confirmationMail(settings: SubscriptionMailSettings, s: MailRecipient, now: Date = new Date()): MailMessage {
  const link = subscriptionLink(settings.baseUrl, settings.secret, 'confirm', s, now);
  const days = LINK_LIFETIME_SECONDS.confirm / 86_400;
  return mail(s.email, 'Confirm your Paperboy subscription', [
    { text: 'Hello,' },
    { text: `someone (we hope you) asked to receive the ${s.frequency} papers from Paperboy at this address. To start, confirm here:`, link },
    { text: `The link works for ${days} days. If you did not ask, ignore this mail: we will send nothing more.`, small: true },
  ], settings.baseUrl);
}

export function manageLinkMail(settings: SubscriptionMailSettings, s: MailRecipient, now: Date = new Date()): MailMessage {
  const manage = subscriptionLink(settings.baseUrl, settings.secret, 'manage', s, now);
  const unsubscribe = subscriptionLink(settings.baseUrl, settings.secret, 'unsubscribe', s, now);
  return mail(s.email, 'Your Paperboy subscription', [
    { text: 'Hello,' },
    { text: 'someone (we hope you) asked to subscribe this address to Paperboy. It is subscribed already, so nothing has changed.' },
    { text: 'To choose what you receive, and how often:', link: manage },
    { text: 'To stop receiving mail from us:', link: unsubscribe },
    { text: 'If you did not ask, ignore this mail.', small: true },
  ], settings.baseUrl);
}

/**
 * Sends the mail `subscribe` asked for and records the outcome in its outbox row. A relay failure
 * is recorded (so it does not count against the address's limits) and thrown again.
 */
export async function sendSubscriptionMail(
  deps: { db: Db; mailer: Mailer; log: Logger },
  settings: SubscriptionMailSettings,
  subscription: MailRecipient,
  mail: SubscriptionMail,
  now: Date = new Date(),
): Promise<void> {
  const message = mail.kind === MAIL_KINDS.confirm ? confirmationMail(settings, subscription, now) : manageLinkMail(settings, subscription, now);
  try {
    const sent = await deps.mailer.send(message);
    await recordMailSent(deps.db, mail.logId, sent.messageId);
    deps.log.info({ subscription: subscription.id, kind: mail.kind }, 'subscription mail sent');
  } catch (error) {
    await recordMailFailed(deps.db, mail.logId, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

function mail(to: string, subject: string, paragraphs: Paragraph[], baseUrl: string): MailMessage {
  const site = baseUrl.replace(/\/+$/, '');
  const text = `${paragraphs.map((p) => (p.link ? `${p.text}\n\n${p.link}` : p.text)).join('\n\n')}\n\n-- \nPaperboy · ${site}\n`;
  const body: Html[] = paragraphs.map((p) =>
    p.link
      ? html`<p>${p.text}</p>\n<p><a href="${p.link}">${p.link}</a></p>\n`
      : p.small
        ? html`<p style="color: #555; font-size: 90%">${p.text}</p>\n`
        : html`<p>${p.text}</p>\n`,
  );
  const markup = html`<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5; max-width: 36em">
${body}<p>&mdash; <a href="${site}">Paperboy</a></p>
</body></html>
`;
  return { to, subject, text, html: markup.value };
}
