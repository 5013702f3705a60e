import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Period } from '../catalog/periods.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import { latestDay } from '../store/papers.js';
import type { Db, DigestFrequency } from '../store/schema.js';
import { composeDigests } from './compose.js';
import { parseContent } from './content.js';
import { composeGroupDigests, GROUP_DIGEST_KIND, GroupDigestRenderer, type GroupDigestReport } from './group-digest.js';
import { drainOutbox, type DeliveryReport } from './outbox.js';
import { wallClock } from '../papers/dates.js';
import { digestPeriod } from './period.js';
import { DigestRenderer } from './render.js';
import { recipientById, recipientsOfQueuedMail, subscriptionsDue, type MailRecipient } from './subscriptions.js';

export interface DigestRunDeps {
  db: Db;
  log: Logger;
  mailer: Mailer;
  config: Pick<Config, 'baseUrl' | 'dataDir' | 'mailFrom' | 'mailRetryMs' | 'digest'>;
  /** Signs the manage and unsubscribe links in every digest. */
  secret: string;
}

export interface DigestRunOptions {
  frequency: DigestFrequency;
  /** The period to send: a listing day for daily, an ISO week for weekly. Default: the newest (see digestPeriod). */
  period?: Period;
  /** Write each digest as an .eml file under `<dataDir>/dry-run/` instead of queuing and sending it. */
  dryRun?: boolean;
  now?: Date;
  signal?: AbortSignal;
  /** How long to wait for retries of temporary failures before returning (they stay queued). */
  maxWaitMs?: number;
}

/** Milliseconds spent in each stage; `render` is counted inside `deliver`. */
export interface StageTimes {
  select: number;
  rank: number;
  render: number;
  deliver: number;
}

export interface DigestRunReport {
  frequency: DigestFrequency;
  /** Null when the catalog is empty. */
  period: Period | null;
  readers: number;
  candidates: number;
  composed: number;
  alreadyComposed: number;
  nothingNew: number;
  delivery: DeliveryReport | null;
  /** Dry run: the .eml files written. */
  files: string[];
  times: StageTimes;
}

/**
 * One digest run: chooses the period, composes every active reader's digest into the outbox, then
 * delivers what is due (this run's digests and any earlier ones waiting for a retry), and records
 * the run in `digest_runs` so the schedule in `serve` knows the period is done.
 * Running it twice, or again after a crash, sends nothing twice: see compose.ts and outbox.ts.
 */
export async function runDigests(deps: DigestRunDeps, opts: DigestRunOptions): Promise<DigestRunReport> {
  const { db, log } = deps;
  const now = opts.now ?? new Date();
  const times: StageTimes = { select: 0, rank: 0, render: 0, deliver: 0 };
  const report: DigestRunReport = {
    frequency: opts.frequency,
    period: null,
    readers: 0,
    candidates: 0,
    composed: 0,
    alreadyComposed: 0,
    nothingNew: 0,
    delivery: null,
    files: [],
    times,
  };

  let started = performance.now();
  const period = opts.period ?? (await newestPeriod(deps, opts.frequency, now));
  if (period === null) {
    log.info('the catalog is empty: no digests');
    return report;
  }
  if (period.kind !== (opts.frequency === 'daily' ? 'day' : 'week')) throw new Error(`a ${opts.frequency} digest cannot cover ${period.key}`);
  const readers = await subscriptionsDue(db, opts.frequency);
  report.period = period;
  report.readers = readers.length;
  times.select = performance.now() - started;
  log.info({ frequency: opts.frequency, period: period.key, readers: readers.length }, 'composing digests');

  started = performance.now();
  const composed = await composeDigests(db, {
    frequency: opts.frequency,
    period,
    readers,
    maxPapers: deps.config.digest.maxPapers,
    now,
    write: !opts.dryRun,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (done, total) => log.debug({ done, total }, 'composing digests'),
  });
  times.rank = performance.now() - started;
  Object.assign(report, {
    candidates: composed.candidates,
    composed: composed.composed.length,
    alreadyComposed: composed.alreadyComposed,
    nothingNew: composed.nothingNew,
  });

  const renderer = new DigestRenderer(db, { baseUrl: deps.config.baseUrl, secret: deps.secret });
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      times.render += performance.now() - t;
    }
  };

  started = performance.now();
  if (opts.dryRun) {
    const folder = path.join(deps.config.dataDir, 'dry-run', now.toISOString().replace(/[-:]/g, '').replace('.', ''));
    const files = createMailer({ smtpUrl: null, mailFrom: deps.config.mailFrom, dataDir: folder });
    for (const d of composed.composed) {
      const message = await timed(() => renderer.render(d.content, d.reader));
      const sent = await files.send(message);
      if (sent.file) report.files.push(sent.file);
    }
    files.close();
  } else {
    report.delivery = await deliverQueued(deps, { renderer, measure: timed, maxWaitMs: opts.maxWaitMs ?? 0, ...(opts.signal ? { signal: opts.signal } : {}) });
  }
  times.deliver = performance.now() - started;
  // A dry run sent nothing, and an interrupted one may have left readers out: neither is done.
  if (!opts.dryRun && !opts.signal?.aborted) await recordRun(db, opts.frequency, period);
  log.info({ ...report, files: report.files.length, times: roundTimes(times) }, 'digest run done');
  return report;
}

/** The newest period, with today taken where the readers are: at 07:00 on Monday in Tokyo it is still Sunday in UTC. */
async function newestPeriod(deps: DigestRunDeps, frequency: DigestFrequency, now: Date): Promise<Period | null> {
  const latest = await latestDay(deps.db);
  return latest === null ? null : digestPeriod(frequency, latest, wallClock(now, deps.config.digest.timeZone).day);
}

/** Running a period again (`paperboy digest run` by hand) moves its time on. */
async function recordRun(db: Db, frequency: DigestFrequency, period: Period): Promise<void> {
  const finishedAt = new Date().toISOString();
  await db
    .insertInto('digest_runs')
    .values({ frequency, period: period.key, finished_at: finishedAt })
    .onConflict((oc) => oc.columns(['frequency', 'period']).doUpdateSet({ finished_at: finishedAt }))
    .execute();
}

/**
 * This week's group digests (group-digest.ts): composed into the outbox, then delivered with
 * whatever else is due, and the week recorded in `digest_runs` (`group-weekly`) so the schedule
 * does not run it again.
 */
export async function runGroupDigests(deps: DigestRunDeps, opts: { now?: Date; maxWaitMs?: number; signal?: AbortSignal } = {}): Promise<GroupDigestReport & { delivery: DeliveryReport }> {
  const composed = await composeGroupDigests(deps.db, opts.now ?? new Date());
  deps.log.info({ ...composed }, 'group digests composed');
  const delivery = await deliverQueued(deps, { maxWaitMs: opts.maxWaitMs ?? 0, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (!opts.signal?.aborted) {
    const finishedAt = new Date().toISOString();
    await deps.db
      .insertInto('digest_runs')
      .values({ frequency: 'group-weekly', period: composed.week, finished_at: finishedAt })
      .onConflict((oc) => oc.columns(['frequency', 'period']).doUpdateSet({ finished_at: finishedAt }))
      .execute();
  }
  return { ...composed, delivery };
}

/**
 * Sends what is due in the outbox, rendering each digest from its row. Also what `serve` calls
 * between runs, so mails waiting for a retry go out when their time comes.
 */
export async function deliverQueued(
  deps: DigestRunDeps,
  opts: { maxWaitMs: number; signal?: AbortSignal; renderer?: DigestRenderer; measure?: <T>(work: () => Promise<T>) => Promise<T> },
): Promise<DeliveryReport> {
  const { db } = deps;
  const renderer = opts.renderer ?? new DigestRenderer(db, { baseUrl: deps.config.baseUrl, secret: deps.secret });
  const measure = opts.measure ?? (<T>(work: () => Promise<T>) => work());
  // Every reader with mail waiting, read at once; one found later (composed meanwhile) is read alone.
  const recipients = new Map<number, MailRecipient | null>((await recipientsOfQueuedMail(db)).map((r) => [r.id, r]));
  const recipientOf = async (id: number): Promise<MailRecipient | null> => {
    if (!recipients.has(id)) recipients.set(id, await recipientById(db, id));
    return recipients.get(id) ?? null;
  };
  const groupRenderer = new GroupDigestRenderer(db, { baseUrl: deps.config.baseUrl, secret: deps.secret });
  return drainOutbox(db, deps.mailer, {
    render: (row) =>
      measure(async () => {
        if (row.kind === GROUP_DIGEST_KIND) return groupRenderer.render(row);
        const recipient = row.subscription_id === null ? null : await recipientOf(row.subscription_id);
        if (!recipient) throw new Error(`subscription ${row.subscription_id} is gone`);
        return renderer.render(parseContent(row.content), recipient);
      }),
    retryMs: deps.config.mailRetryMs,
    maxWaitMs: opts.maxWaitMs,
    log: deps.log,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

function roundTimes(times: StageTimes): StageTimes {
  return { select: Math.round(times.select), rank: Math.round(times.rank), render: Math.round(times.render), deliver: Math.round(times.deliver) };
}
