/**
 * Sends the chat messages waiting in `chat_deliveries`, as the mail outbox sends mail: each row is
 * claimed by one conditional UPDATE (still queued, still due) that counts the attempt and leases
 * the row, so two senders never post it twice; a 2xx answer marks it sent. A failure that may
 * pass (a 5xx, 408, 429, a network error, a time-out) is tried again after `retryMs`, then twice
 * that, and so on, MAX_CHAT_ATTEMPTS times in all; one that will not (another 4xx: the webhook was
 * deleted or the address is wrong; an address refused by outbound.ts) fails at once. Each failure
 * is written on the webhook, which its group's admins see on the settings page; logs name the
 * webhook by id and host, never by its address.
 */
import type { Logger } from '../log.js';
import type { Db } from '../store/schema.js';
import { chatPayload, maskedUrl, type ChatMessage } from './chat.js';
import { OutboundRefused, postJson, type OutboundPolicy } from './outbound.js';

export const MAX_CHAT_ATTEMPTS = 6;
export const DEFAULT_CHAT_RETRY_MS = 60_000;
const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;
const BATCH = 50;
const MAX_ERROR_LENGTH = 300;

export interface ChatDeliveryOptions {
  /** Links in messages point here (PAPERBOY_BASE_URL). */
  baseUrl: string;
  policy: OutboundPolicy;
  /** First wait after a failure that may pass; each later one is twice as long. */
  retryMs?: number;
  timeoutMs?: number;
  log?: Logger;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface ChatDeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

/** One pass over the messages due now, oldest first. */
export async function deliverChat(db: Db, options: ChatDeliveryOptions): Promise<ChatDeliveryReport> {
  const now = options.now ?? (() => new Date());
  const retryMs = options.retryMs ?? DEFAULT_CHAT_RETRY_MS;
  const report: ChatDeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  const asOf = now().toISOString();
  const seen = new Set<number>();
  for (;;) {
    if (options.signal?.aborted) break;
    const due = await db
      .selectFrom('chat_deliveries')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', asOf)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    const fresh = due.filter((d) => !seen.has(d.id));
    if (fresh.length === 0) break;
    for (const { id } of fresh) {
      seen.add(id);
      if (options.signal?.aborted) break;
      const outcome = await deliverOne(db, id, asOf, retryMs, options, now);
      if (outcome) report[outcome]++;
    }
  }
  if (report.sent + report.retrying + report.failed > 0) options.log?.info({ ...report }, 'chat messages delivered');
  return report;
}

async function deliverOne(db: Db, id: number, asOf: string, retryMs: number, options: ChatDeliveryOptions, now: () => Date): Promise<keyof ChatDeliveryReport | null> {
  const claimed = await db
    .updateTable('chat_deliveries')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now().getTime() + LEASE_MS).toISOString() }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', asOf)
    .returningAll()
    .executeTakeFirst();
  if (!claimed) return null;
  const hook = await db.selectFrom('group_webhooks').select(['id', 'service', 'url']).where('id', '=', claimed.webhook_id).executeTakeFirst();
  if (!hook) return null;

  let problem: { reason: string; final: boolean } | null = null;
  try {
    const payload = chatPayload(hook.service, JSON.parse(claimed.message) as ChatMessage, options.baseUrl);
    const status = await postJson(hook.url, payload, options.policy, { timeoutMs: options.timeoutMs ?? TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) });
    if (status < 200 || status >= 300) problem = { reason: `the chat service answered ${status}`, final: status >= 400 && status < 500 && status !== 408 && status !== 429 };
  } catch (error) {
    problem = error instanceof OutboundRefused ? { reason: error.message, final: true } : { reason: `could not reach the chat service: ${errorText(error)}`, final: false };
  }

  const at = now().toISOString();
  if (!problem) {
    await db.updateTable('chat_deliveries').set({ status: 'sent', sent_at: at, last_error: null }).where('id', '=', id).execute();
    await db.updateTable('group_webhooks').set({ last_ok_at: at }).where('id', '=', hook.id).execute();
    options.log?.debug({ delivery: id, webhook: hook.id, host: maskedUrl(hook.url) }, 'chat message sent');
    return 'sent';
  }
  const reason = problem.reason.slice(0, MAX_ERROR_LENGTH);
  const giveUp = problem.final || claimed.attempts >= MAX_CHAT_ATTEMPTS;
  const next = new Date(now().getTime() + retryMs * 2 ** Math.max(0, claimed.attempts - 1)).toISOString();
  await db
    .updateTable('chat_deliveries')
    .set(giveUp ? { status: 'failed', last_error: reason } : { next_attempt_at: next, last_error: reason })
    .where('id', '=', id)
    .execute();
  await db.updateTable('group_webhooks').set({ last_error: reason, last_error_at: at }).where('id', '=', hook.id).execute();
  options.log?.warn({ delivery: id, webhook: hook.id, host: maskedUrl(hook.url), attempts: claimed.attempts, error: reason, ...(giveUp ? {} : { nextAttemptAt: next }) }, giveUp ? 'chat message failed' : 'chat message failed for now; will retry');
  return giveUp ? 'failed' : 'retrying';
}

/** An error's message without any address in it: a webhook's path is a secret. */
function errorText(error: unknown): string {
  const text = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  return text.replace(/https?:\/\/\S+/g, '(address)').replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_LENGTH);
}
