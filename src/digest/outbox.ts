import { createHash } from 'node:crypto';
import type { Expression, ExpressionBuilder, Selectable, SqlBool } from 'kysely';
import type { Logger } from '../log.js';
import { classifySendError, type MailMessage, type Mailer } from '../mail/mailer.js';
import { perStatement } from '../store/chunks.js';
import type { Database, Db, MailOutboxTable } from '../store/schema.js';
import { stopAllGroupDigests } from '../groups/members.js';
import { markBouncing } from './subscriptions.js';

/**
 * Delivery of what is waiting in `mail_outbox`: the rows composed elsewhere (digests) with status
 * `queued` go to the relay, each exactly once as far as SMTP allows, with retries and bounces.
 *
 * A row's life: `queued` → `sent` (the relay answered 250); or, on the way, `cancelled` (its
 * subscription stopped being active, or, for a group digest, its member left the group or stopped
 * its digest), `bounced` (the relay refused the address or the message
 * for good: the subscription becomes `bouncing` and its other queued rows are cancelled),
 * `failed` (rendering failed, the message cannot be sent as it is, or MAX_ATTEMPTS temporary
 * failures). A temporary failure leaves it `queued` with `next_attempt_at` pushed back:
 * retryMs, then twice that, and so on.
 *
 * Claims. Before a row is sent it is claimed with one conditional UPDATE (still queued, still
 * due, subscription still active): `attempts` goes up by one and `next_attempt_at` moves a lease
 * (leaseMs) into the future. Only one of several concurrent senders, in this process or another
 * one on the same database, can win that UPDATE, so no row is sent twice by two runs. The send
 * itself is abandoned well before the lease ends (at 80 % of it), so a lease never runs out under
 * a send still going on. A process that dies holding a claim leaves the row queued with
 * `next_attempt_at` at the end of the lease: it is sent again once the lease is over.
 *
 * Crash safety. A row becomes `sent` only after the relay accepted the message (its 250 reply to
 * the end of DATA), in an UPDATE right after it. If the process dies between that 250 and the
 * UPDATE, the row is still queued and is sent again after the restart, with the same Message-ID
 * (derived from the row, see outboxMessageId) so mail programs can recognize the repeat: that
 * window is the only way a reader can get a digest twice. If the process dies before the 250,
 * the relay has not taken responsibility for the message (RFC 5321 §4.1.1.4), and sending it
 * again is right.
 *
 * The relay down. A failure that is about the relay rather than the message (refused or dropped
 * connection, time-out, refused login: see classifySendError) stops the pass: the rows in flight
 * finish, no new one starts, and the due rows not tried yet wait (without an attempt counted) as
 * long as the row that failed, instead of each knocking on a closed door.
 *
 * Logs carry the row's key, status and error, never the message (rendered bodies stay in memory)
 * nor the relay's credentials (the mailer logs the relay as `smtp://host:port`).
 */

/** Sends of one row before it is marked `failed`. */
export const MAX_ATTEMPTS = 6;
export const DEFAULT_BATCH_SIZE = 100;
/** How long a claim holds a row; a send still going at 80 % of it is abandoned (and retried). */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** After an AbortSignal, how long the sends already in flight may take before they are abandoned. */
const ABORT_GRACE_MS = 5_000;
const MAX_ERROR_LENGTH = 1000;

export type OutboxRow = Selectable<MailOutboxTable>;
/** Makes the mail of a row (the caller knows what `content` means). Its `id`, if any, is replaced. */
export type RenderRow = (row: OutboxRow) => Promise<MailMessage>;

/**
 * Rows handled, each counted once by where it ended up. `retrying`: failed for now, queued for a
 * later attempt. `deferred`: not tried because the relay was failing; queued for later, no
 * attempt counted.
 */
export interface DeliveryReport {
  sent: number;
  retrying: number;
  bounced: number;
  failed: number;
  cancelled: number;
  deferred: number;
}

export interface DeliverOptions {
  /** Delay before the first retry of a temporary failure; each later one waits twice as long (PAPERBOY_MAIL_RETRY_MS). */
  retryMs: number;
  log?: Logger;
  /** Rows read at a time. Default 100. */
  batchSize?: number;
  /** Rows being rendered and sent at once. Default twice the mailer's connections. */
  concurrency?: number;
  /** See "Claims" above. Default 5 minutes. */
  leaseMs?: number;
  /** Stops taking rows; the sends in flight get a few seconds to finish and are then abandoned (and retried later). */
  signal?: AbortSignal;
}

export interface DrainOptions extends DeliverOptions {
  render: RenderRow;
  /** Keep going while the next queued row falls due within this long of the start (0: one pass over what is due now). */
  maxWaitMs: number;
}

type Outcome = keyof DeliveryReport;

/**
 * The Message-ID's local part for a row: its key made safe (`digest-daily.2026-11-25.12`) and a
 * hash of key, row id and creation time, so it is the same on every attempt and differs between
 * two databases that happen to reuse a key.
 */
export function outboxMessageId(row: Pick<OutboxRow, 'id' | 'key' | 'created_at'>): string {
  const readable = row.key.replace(/[^A-Za-z0-9_=+-]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 96).replace(/\.+$/, '');
  const hash = createHash('sha256').update(`${row.key}\n${row.id}\n${row.created_at}`).digest('hex').slice(0, 16);
  return readable === '' ? hash : `${readable}.${hash}`;
}

/**
 * One pass over the rows due now (queued, `next_attempt_at` <= now), oldest first, read in
 * batches: each is rendered and sent, several at once, and its row updated with the outcome.
 * Rows that fall due during the pass (retries among them) are left for the next one.
 */
export async function deliverDue(db: Db, mailer: Mailer, render: RenderRow, opts: DeliverOptions): Promise<DeliveryReport> {
  return report((await deliverPass(db, mailer, render, opts)).outcomes);
}

/**
 * Calls deliverDue again and again, sleeping until the next queued row falls due, until none
 * does within `maxWaitMs` of the start (what is left stays queued for a later run), or the
 * signal aborts. So `paperboy digest run --wait` can wait out short retries.
 */
export async function drainOutbox(db: Db, mailer: Mailer, opts: DrainOptions): Promise<DeliveryReport> {
  const deadline = Date.now() + Math.max(0, opts.maxWaitMs);
  const outcomes = new Map<number, Outcome>();
  for (;;) {
    if (opts.signal?.aborted) break;
    const pass = await deliverPass(db, mailer, opts.render, opts);
    for (const [id, outcome] of pass.outcomes) outcomes.set(id, outcome);
    if (opts.signal?.aborted) break;
    const next = await db.selectFrom('mail_outbox').select((eb) => eb.fn.min('next_attempt_at').as('next')).where('status', '=', 'queued').executeTakeFirst();
    if (!next?.next) break;
    const wait = Date.parse(next.next) - Date.now();
    if (wait <= 0 && pass.outcomes.size > 0) continue;
    if (Date.now() + Math.max(wait, 0) > deadline) break;
    // Never spin: a row due now that the pass did not take is someone else's, or just added.
    await sleep(Math.max(wait, 50), opts.signal);
  }
  const result = report(outcomes);
  if (outcomes.size > 0) opts.log?.info({ ...result }, 'outbox drained');
  return result;
}

interface Candidate {
  id: number;
  key: string;
  attempts: number;
}

async function deliverPass(db: Db, mailer: Mailer, render: RenderRow, opts: DeliverOptions): Promise<{ outcomes: Map<number, Outcome> }> {
  const asOf = new Date().toISOString();
  const log = opts.log;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const concurrency = Math.max(1, opts.concurrency ?? (mailer.connections ?? 1) * 2);
  const leaseMs = Math.max(1, opts.leaseMs ?? DEFAULT_LEASE_MS);
  const outcomes = new Map<number, Outcome>();
  /** Set when the relay fails as a whole: the time the failed row will be tried again. */
  let relayRetryAt: number | null = null;

  // Sends in flight, to abandon when the caller aborts and the grace period is over.
  const inFlight = new Set<AbortController>();
  let graceTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    graceTimer = setTimeout(() => {
      for (const c of inFlight) c.abort(new Error('delivery stopped'));
    }, ABORT_GRACE_MS);
    graceTimer.unref();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  /** After a temporary failure: the next try, always after this pass's `asOf` so the pass does not take the row again. */
  const retryTime = (attempts: number): number => Math.max(Date.now() + opts.retryMs * 2 ** Math.max(0, attempts - 1), Date.parse(asOf) + 1);

  const handle = async (candidate: Candidate): Promise<void> => {
    const now = new Date();
    const row = await db
      .updateTable('mail_outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now.getTime() + leaseMs).toISOString() }))
      .where('id', '=', candidate.id)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', asOf)
      .where('attempts', '<', MAX_ATTEMPTS)
      .where(stillWanted)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      await unclaimable(candidate);
      return;
    }

    let message: MailMessage;
    try {
      message = await render(row);
    } catch (error) {
      await finish(row, 'failed', `render: ${errorText(error)}`);
      return;
    }

    const controller = new AbortController();
    inFlight.add(controller);
    const deadline = setTimeout(() => controller.abort(new Error('send took too long')), Math.max(1, Math.floor(leaseMs * 0.8)));
    deadline.unref();
    try {
      const sent = await mailer.send({ ...message, id: outboxMessageId(row) }, { signal: controller.signal });
      // The relay has the message. Between here and the UPDATE is the one window where a crash
      // sends it twice (after the restart, with the same Message-ID): see "Crash safety" above.
      await db
        .updateTable('mail_outbox')
        .set({ status: 'sent', sent_at: new Date().toISOString(), message_id: sent.messageId, last_error: null })
        .where('id', '=', row.id)
        .execute();
      outcomes.set(row.id, 'sent');
      log?.debug({ key: row.key, status: 'sent', attempts: row.attempts, messageId: sent.messageId }, 'outbox mail sent');
    } catch (error) {
      const failure = classifySendError(error);
      if (failure.kind === 'permanent') {
        await bounce(row, failure.reason);
      } else if (failure.kind === 'invalid') {
        await finish(row, 'failed', failure.reason);
      } else if (row.attempts >= MAX_ATTEMPTS && !failure.relayWide) {
        await finish(row, 'failed', `gave up after ${row.attempts} attempts: ${failure.reason}`);
      } else {
        const at = retryTime(row.attempts);
        if (failure.relayWide) relayRetryAt = relayRetryAt === null ? at : Math.min(relayRetryAt, at);
        const next = new Date(at).toISOString();
        // A relay that is down says nothing about this mail: the attempt is given back, so an
        // outage of hours delays the digests (retried every PAPERBOY_MAIL_RETRY_MS) but fails none.
        const attempts = failure.relayWide ? row.attempts - 1 : row.attempts;
        const updated = await db
          .updateTable('mail_outbox')
          .set({ next_attempt_at: next, attempts, last_error: failure.reason.slice(0, MAX_ERROR_LENGTH) })
          .where('id', '=', row.id)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        // Not queued any more: cancelled (unsubscribed) while it was being sent.
        if (updated.numUpdatedRows > 0n) outcomes.set(row.id, 'retrying');
        log?.warn({ key: row.key, status: 'queued', attempts: row.attempts, nextAttemptAt: next, error: failure.reason }, 'outbox mail failed for now; will retry');
      }
    } finally {
      clearTimeout(deadline);
      inFlight.delete(controller);
    }
  };

  /** A candidate the claim did not take: subscription no longer active, out of attempts, or claimed by another sender. */
  const unclaimable = async (candidate: Candidate): Promise<void> => {
    const cancelled = await db
      .updateTable('mail_outbox')
      .set({ status: 'cancelled' })
      .where('id', '=', candidate.id)
      .where('status', '=', 'queued')
      .where((eb) => eb.not(stillWanted(eb)))
      .executeTakeFirst();
    if (cancelled.numUpdatedRows > 0n) {
      outcomes.set(candidate.id, 'cancelled');
      log?.info({ key: candidate.key, status: 'cancelled' }, 'outbox mail cancelled: the subscription is no longer active');
      return;
    }
    // Claimed MAX_ATTEMPTS times and never settled: the process stopped during each of them.
    const failed = await db
      .updateTable('mail_outbox')
      .set({ status: 'failed', last_error: `gave up after ${MAX_ATTEMPTS} attempts that never finished` })
      .where('id', '=', candidate.id)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', asOf)
      .where('attempts', '>=', MAX_ATTEMPTS)
      .executeTakeFirst();
    if (failed.numUpdatedRows > 0n) {
      outcomes.set(candidate.id, 'failed');
      log?.error({ key: candidate.key, status: 'failed' }, 'outbox mail failed: out of attempts');
    }
  };

  const finish = async (row: OutboxRow, status: 'failed', error: string): Promise<void> => {
    await db.updateTable('mail_outbox').set({ status, last_error: error.slice(0, MAX_ERROR_LENGTH) }).where('id', '=', row.id).execute();
    outcomes.set(row.id, status);
    log?.error({ key: row.key, status, attempts: row.attempts, error }, 'outbox mail failed');
  };

  const bounce = async (row: OutboxRow, reason: string): Promise<void> => {
    const at = new Date().toISOString();
    const cancelled = await db.transaction().execute(async (trx) => {
      await trx.updateTable('mail_outbox').set({ status: 'bounced', last_error: reason.slice(0, MAX_ERROR_LENGTH) }).where('id', '=', row.id).execute();
      let others = trx.updateTable('mail_outbox').set({ status: 'cancelled' }).where('status', '=', 'queued').where('id', '!=', row.id);
      if (row.subscription_id !== null) {
        await markBouncing(trx, row.subscription_id, reason.slice(0, MAX_ERROR_LENGTH), at);
        others = others.where('subscription_id', '=', row.subscription_id);
      } else {
        // A member's address: no group digest goes to it any more until they ask again.
        await stopAllGroupDigests(trx, row.user_id!);
        others = others.where('user_id', '=', row.user_id);
      }
      return others.returning('id').execute();
    });
    outcomes.set(row.id, 'bounced');
    for (const c of cancelled) outcomes.set(c.id, 'cancelled');
    log?.warn({ key: row.key, status: 'bounced', subscription: row.subscription_id, member: row.user_id, cancelled: cancelled.length, error: reason }, 'outbox mail bounced: the address is marked bouncing');
  };

  /** A database error: the pass ends (after the rows in flight) and deliverDue throws it. */
  let fatal = null as { error: unknown } | null;
  const stopped = () => relayRetryAt !== null || fatal !== null || opts.signal?.aborted === true;

  try {
    while (!stopped()) {
      // Due rows of subscriptions that are no longer active: cancelled, all at once.
      const cancelled = await db
        .updateTable('mail_outbox')
        .set({ status: 'cancelled' })
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', asOf)
        .where((eb) => eb.not(stillWanted(eb)))
        .returning(['id', 'key'])
        .execute();
      for (const c of cancelled) outcomes.set(c.id, 'cancelled');
      if (cancelled.length > 0) log?.info({ keys: cancelled.slice(0, 20).map((c) => c.key), count: cancelled.length, status: 'cancelled' }, 'outbox mails cancelled: their subscriptions are no longer active');

      const batch: Candidate[] = await db
        .selectFrom('mail_outbox')
        .select(['id', 'key', 'attempts'])
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', asOf)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(batchSize)
        .execute();
      if (batch.length === 0) break;

      let next = 0;
      const worker = async () => {
        while (!stopped() && next < batch.length) {
          try {
            await handle(batch[next++]!);
          } catch (error) {
            fatal ??= { error };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
      if (fatal) throw fatal.error;
      // Every candidate leaves the due set (sent, retried later, claimed elsewhere, cancelled,
      // failed), so the next batch is new rows; a short batch was the last.
      if (batch.length < batchSize) break;
    }

    // A digest that will never be sent no longer keeps its papers from the reader's next one.
    await releasePapers(db, [...outcomes].flatMap(([id, outcome]) => (outcome === 'failed' || outcome === 'bounced' || outcome === 'cancelled' ? [id] : [])));

    if (relayRetryAt !== null) {
      const until = new Date(relayRetryAt).toISOString();
      const deferred = await db
        .updateTable('mail_outbox')
        .set({ next_attempt_at: until })
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', asOf)
        .returning('id')
        .execute();
      for (const d of deferred) outcomes.set(d.id, 'deferred');
      log?.warn({ deferred: deferred.length, until }, 'the relay is failing: the other due mails wait for the next try');
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    clearTimeout(graceTimer);
  }
  if (outcomes.size > 0) log?.info({ ...report(outcomes) }, 'outbox pass done');
  return { outcomes };
}

/**
 * Whether the reader of a row still wants it: a subscription still active, or (a group digest) a
 * member still in the group, still asking for its digest, and not suspended.
 */
function stillWanted(eb: ExpressionBuilder<Database, 'mail_outbox'>): Expression<SqlBool> {
  return eb.or([
    eb.exists(eb.selectFrom('subscriptions').select('subscriptions.id').whereRef('subscriptions.id', '=', 'mail_outbox.subscription_id').where('subscriptions.status', '=', 'active')),
    eb.exists(
      eb
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select('group_members.user_id')
        .whereRef('group_members.group_id', '=', 'mail_outbox.group_id')
        .whereRef('group_members.user_id', '=', 'mail_outbox.user_id')
        .where('group_members.digest', '=', 1)
        .where('users.suspended_at', 'is', null),
    ),
  ]);
}

async function releasePapers(db: Db, outboxIds: number[]): Promise<void> {
  for (const ids of perStatement(outboxIds)) {
    await db.deleteFrom('digest_papers').where('outbox_id', 'in', ids).execute();
  }
}

function report(outcomes: Map<number, Outcome>): DeliveryReport {
  const r: DeliveryReport = { sent: 0, retrying: 0, bounced: 0, failed: 0, cancelled: 0, deferred: 0 };
  for (const o of outcomes.values()) r[o]++;
  return r;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_LENGTH);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  // A signal that aborted before the sleep began never fires again: without this it would sleep on.
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
