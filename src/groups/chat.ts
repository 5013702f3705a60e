/**
 * Chat: a group's admins give it incoming-webhook addresses of Slack, Discord, Mattermost or
 * Matrix (through matrix-hookshot's generic webhooks), and the group's new queue items and
 * sessions are posted there. What to say is written, in the transaction of the change it tells of,
 * as one `chat_deliveries` row per webhook (chat-delivery.ts sends them, with retries); it is
 * shaped for each service only when sent, with the payload each documents:
 *
 * - Slack: `{"text": …}`, with `<url|label>` links and `& < >` escaped
 *   (https://api.slack.com/messaging/webhooks, https://api.slack.com/reference/surfaces/formatting);
 * - Mattermost: `{"text": …}` in Markdown (https://developers.mattermost.com/integrate/webhooks/incoming/);
 * - Discord: `{"content": …, "allowed_mentions": {"parse": []}}`, Markdown, at most 2000 characters,
 *   and no one pinged by a title that says @everyone (https://discord.com/developers/docs/resources/webhook#execute-webhook);
 * - Matrix: `{"text": …, "html": …}` (https://matrix-org.github.io/matrix-hookshot/latest/setup/webhooks.html).
 *
 * A webhook address is a secret (whoever has it can post to the channel): it is never shown back
 * in full, never logged, and not part of any API answer.
 */
import { CommunityError, invalid } from '../community/errors.js';
import { html } from '../html.js';
import type { ChatService, Db } from '../store/schema.js';
import { requireRole } from './groups.js';
import { checkOutbound, OutboundRefused, type OutboundPolicy } from './outbound.js';

export const CHAT_SERVICES: readonly ChatService[] = ['slack', 'discord', 'mattermost', 'matrix'];
export const SERVICE_NAMES: Readonly<Record<ChatService, string>> = { slack: 'Slack', discord: 'Discord', mattermost: 'Mattermost', matrix: 'Matrix' };
export const MAX_WEBHOOKS = 5;
const MAX_URL_LENGTH = 2000;
const DISCORD_MAX = 2000;

/** A piece of a message: words, or a link to a page of this site. */
export type Segment = string | { label: string; path: string };

/** What a delivery says, before it is shaped for a service. */
export interface ChatMessage {
  segments: Segment[];
}

/** A webhook as its group's admins see it: never its whole address. */
export interface WebhookView {
  id: number;
  service: ChatService;
  /** `https://hooks.slack.com/…`: enough to tell two apart. */
  shownUrl: string;
  createdAt: string;
  lastOkAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** Messages that could not be delivered after every retry. */
  failed: number;
  /** Messages waiting for their first or next try. */
  waiting: number;
}

export async function addWebhook(db: Db, actorId: number, groupId: number, input: { service: string; url: string }, policy: OutboundPolicy, now = new Date()): Promise<WebhookView> {
  await requireRole(db, groupId, actorId, 'admin');
  if (!CHAT_SERVICES.includes(input.service as ChatService)) throw invalid('service', 'Choose Slack, Discord, Mattermost or Matrix.');
  const raw = typeof input.url === 'string' ? input.url.trim() : '';
  if (raw === '' || raw.length > MAX_URL_LENGTH) throw invalid('url', `Paste the webhook address your chat service gave you (at most ${MAX_URL_LENGTH} characters).`);
  try {
    await checkOutbound(raw, policy);
  } catch (error) {
    if (error instanceof OutboundRefused) throw invalid('url', error.message);
    throw error;
  }
  const count = await db.selectFrom('group_webhooks').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', groupId).executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_WEBHOOKS) throw invalid('url', `A group has at most ${MAX_WEBHOOKS} webhooks; remove one first.`);
  const row = await db
    .insertInto('group_webhooks')
    .values({ group_id: groupId, service: input.service as ChatService, url: raw, created_by: actorId, created_at: now.toISOString(), last_ok_at: null, last_error: null, last_error_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await webhookViews(db, groupId)).find((w) => w.id === row.id)!;
}

export async function removeWebhook(db: Db, actorId: number, groupId: number, webhookId: number): Promise<void> {
  await requireRole(db, groupId, actorId, 'admin');
  const removed = await db.deleteFrom('group_webhooks').where('id', '=', webhookId).where('group_id', '=', groupId).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) throw new CommunityError('not_found', 'This group has no such webhook.');
}

/** The group's webhooks with how their deliveries went, for its admins only. */
export async function webhooksOf(db: Db, actorId: number, groupId: number): Promise<WebhookView[]> {
  await requireRole(db, groupId, actorId, 'admin');
  return webhookViews(db, groupId);
}

async function webhookViews(db: Db, groupId: number): Promise<WebhookView[]> {
  const rows = await db
    .selectFrom('group_webhooks as w')
    .select(['w.id', 'w.service', 'w.url', 'w.created_at', 'w.last_ok_at', 'w.last_error', 'w.last_error_at'])
    .select((eb) => [
      eb.selectFrom('chat_deliveries as d').select((e) => e.fn.countAll<number>().as('n')).whereRef('d.webhook_id', '=', 'w.id').where('d.status', '=', 'failed').as('failed'),
      eb.selectFrom('chat_deliveries as d').select((e) => e.fn.countAll<number>().as('n')).whereRef('d.webhook_id', '=', 'w.id').where('d.status', '=', 'queued').as('waiting'),
    ])
    .where('w.group_id', '=', groupId)
    .orderBy('w.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    service: r.service,
    shownUrl: maskedUrl(r.url),
    createdAt: r.created_at,
    lastOkAt: r.last_ok_at,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
    failed: Number(r.failed ?? 0),
    waiting: Number(r.waiting ?? 0),
  }));
}

/** The scheme and host alone: the path is the secret. */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
}

/**
 * Queues the message for every webhook of the group, inside the caller's transaction. `eventKey`
 * names the event (`queue:12:2401.12345`); once per event and webhook, so a repeated call adds nothing.
 */
export async function enqueueChat(trx: Db, groupId: number, eventKey: string, message: ChatMessage, now = new Date()): Promise<void> {
  const hooks = await trx.selectFrom('group_webhooks').select('id').where('group_id', '=', groupId).execute();
  if (hooks.length === 0) return;
  const at = now.toISOString();
  await trx
    .insertInto('chat_deliveries')
    .values(hooks.map((h) => ({ webhook_id: h.id, key: `${eventKey}:${h.id}`, message: JSON.stringify(message), status: 'queued' as const, attempts: 0, next_attempt_at: at, last_error: null, created_at: at, sent_at: null })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/** The JSON body each service's incoming webhook takes. */
export function chatPayload(service: ChatService, message: ChatMessage, baseUrl: string): Record<string, unknown> {
  const url = (path: string) => `${baseUrl}${path}`;
  switch (service) {
    case 'slack':
      return { text: message.segments.map((s) => (typeof s === 'string' ? slackEscape(s) : `<${url(s.path)}|${slackEscape(s.label).replace(/\|/g, '¦')}>`)).join('') };
    case 'mattermost':
      return { text: markdown(message, url) };
    case 'discord': {
      const content = markdown(message, url);
      return { content: content.length <= DISCORD_MAX ? content : `${content.slice(0, DISCORD_MAX - 1)}…`, allowed_mentions: { parse: [] } };
    }
    case 'matrix':
      return {
        text: message.segments.map((s) => (typeof s === 'string' ? s : `${s.label} (${url(s.path)})`)).join(''),
        html: html`${message.segments.map((s) => (typeof s === 'string' ? s : html`<a href="${url(s.path)}">${s.label}</a>`))}`.value,
      };
  }
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Markdown with what members wrote escaped, so a title cannot make a link, a mention or a code block. */
function markdown(message: ChatMessage, url: (path: string) => string): string {
  const escape = (text: string) => text.replace(/[\\`*_{}[\]()<>#+\-.!|~@:]/g, (c) => `\\${c}`);
  return message.segments.map((s) => (typeof s === 'string' ? escape(s) : `[${escape(s.label)}](${url(s.path)})`)).join('');
}
