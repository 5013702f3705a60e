import { dayPeriod, type Period } from '../catalog/periods.js';
import type { Logger } from '../log.js';
import { latestDay } from '../store/papers.js';
import type { Db, DigestFrequency } from '../store/schema.js';
import { digestPeriod, wallClock } from './period.js';
import { groupDigestWeek } from './group-digest.js';
import { deliverQueued, runDigests, runGroupDigests, type DigestRunDeps } from './run.js';

const FAILED_RUN_RETRY_MS = 15 * 60_000;
/** Listing days missed (downtime, late harvests) that are still sent: older news is stale news. */
const MAX_MISSED_DAYS = 3;
/**
 * A listing day whose papers were stored less than this long ago waits: a harvest may still be
 * storing it, and a digest sent half-way would leave the rest of the day out for good.
 */
const SETTLE_MS = 10 * 60_000;

export interface ScheduleSettings {
  /** Hour (0-23) in `timeZone` from which digests go out. */
  hour: number;
  timeZone: string;
  /** How often to look at the clock, the catalog and the outbox. */
  tickMs?: number;
  /** The time now; tests move it. */
  now?: () => Date;
}

/**
 * The digest schedule inside `paperboy serve`. At every tick at or after the hour it sends what
 * `digest_runs` says is not done: daily, each listing day newer than the last one sent (oldest
 * first, the newest three at most; only the newest when nothing was ever sent), so a day that
 * arrives late or while the server was down still goes out; weekly, the last complete week, on
 * whichever day the server first can; the groups' weekly digests, at the first tick of each ISO
 * week from the hour. In between, mails waiting for a retry are sent when due.
 * Runs are recorded in the database, so a restart does not run a period again.
 */
export function startDigestSchedule(deps: DigestRunDeps, settings: ScheduleSettings, log: Logger): { stop(): Promise<void> } {
  const now = settings.now ?? (() => new Date());
  const controller = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let busy = false;

  /** A run that failed is tried again after a while, not at every tick. Keyed `daily:2026-11-25`. */
  const retryAt = new Map<string, number>();

  /** Runs one period unless it failed a short while ago; true when it ran. */
  const attempt = async (frequency: DigestFrequency, period: Period, at: number): Promise<boolean> => {
    const key = `${frequency}:${period.key}`;
    if ((retryAt.get(key) ?? 0) > at) return false;
    try {
      await runDigests(deps, { frequency, period, signal: controller.signal });
      retryAt.delete(key);
      return true;
    } catch (error) {
      retryAt.set(key, at + FAILED_RUN_RETRY_MS);
      log.error({ err: error, frequency, period: period.key }, 'digest run failed; trying again in a quarter of an hour');
      return false;
    }
  };

  /** The groups' weekly digests, at the first tick from the hour in each ISO week (Mondays, unless the server was down). */
  const attemptGroups = async (at: Date): Promise<void> => {
    const week = groupDigestWeek(at).key;
    const key = `group-weekly:${week}`;
    if ((retryAt.get(key) ?? 0) > at.getTime()) return;
    const done = await deps.db.selectFrom('digest_runs').select('period').where('frequency', '=', 'group-weekly').where('period', '=', week).executeTakeFirst();
    if (done) return;
    try {
      await runGroupDigests(deps, { now: at, signal: controller.signal });
      retryAt.delete(key);
    } catch (error) {
      retryAt.set(key, at.getTime() + FAILED_RUN_RETRY_MS);
      log.error({ err: error, week }, 'group digest run failed; trying again in a quarter of an hour');
    }
  };

  const tick = async () => {
    const at = now();
    const clock = wallClock(at, settings.timeZone);
    if (clock.hour >= settings.hour) {
      for (const day of await daysDue(deps.db, clock.day, at.getTime())) {
        // A day that did not go out holds back the newer ones: once a newer day is recorded, it never would.
        if (controller.signal.aborted || !(await attempt('daily', dayPeriod(day)!, at.getTime()))) break;
      }
      const week = await weekDue(deps.db, clock.day);
      if (week && !controller.signal.aborted) await attempt('weekly', week, at.getTime());
      if (!controller.signal.aborted) await attemptGroups(at);
    }
    // Whatever happened above, mail already in the outbox (earlier runs, retries) goes out when due.
    await deliverQueued(deps, { maxWaitMs: 0, signal: controller.signal });
  };

  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = tick()
      .catch((error: unknown) => log.error({ err: error }, 'digest schedule failed; trying again at the next tick'))
      .finally(() => {
        busy = false;
      });
  }, settings.tickMs ?? 60_000);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}

/**
 * Listing days not yet sent to daily readers, oldest first. Not those after `today` where the
 * readers are: west of UTC, tomorrow's listing is harvested in the evening and waits for the morning.
 * Nor a day still being stored (see SETTLE_MS), nor any after it.
 */
async function daysDue(db: Db, today: string, at: number): Promise<string[]> {
  const last = await db.selectFrom('digest_runs').select((eb) => eb.fn.max('period').as('period')).where('frequency', '=', 'daily').executeTakeFirst();
  const lastDay = last?.period ?? null;
  let days = db.selectFrom('papers').select('day').distinct().where('day', '<=', today);
  if (lastDay !== null) days = days.where('day', '>', lastDay);
  const newest = await days.orderBy('day', 'desc').limit(lastDay === null ? 1 : MAX_MISSED_DAYS).execute();
  const due: string[] = [];
  for (const { day } of newest.reverse()) {
    const stored = await db.selectFrom('papers').select((eb) => eb.fn.max('modified_at').as('at')).where('day', '=', day).executeTakeFirst();
    if (stored?.at && Date.parse(stored.at) > at - SETTLE_MS) break;
    due.push(day);
  }
  return due;
}

/** The last complete week, unless its digests went out already; null too when the catalog is empty. */
async function weekDue(db: Db, today: string): Promise<Period | null> {
  const latest = await latestDay(db);
  if (latest === null) return null;
  const week = digestPeriod('weekly', latest, today);
  const done = await db.selectFrom('digest_runs').select('period').where('frequency', '=', 'weekly').where('period', '=', week.key).executeTakeFirst();
  return done ? null : week;
}
