import { dayPeriod, type Period } from '../catalog/periods.js';
import type { Logger } from '../log.js';
import { shiftDay, wallClock } from '../papers/dates.js';
import { awaitsEmbedding, latestRecordedDay, listedDays, newestListedDay } from '../store/announcement-days.js';
import { neighbouringDays } from '../store/papers.js';
import type { Db, DigestFrequency } from '../store/schema.js';
import { digestPeriod } from './period.js';
import { groupDigestWeek } from './group-digest.js';
import { deliverQueued, runDigests, runGroupDigests, type DigestRunDeps } from './run.js';

const FAILED_RUN_RETRY_MS = 15 * 60_000;
/** Listing days missed (downtime, late harvests) that are still sent: older news is stale news. */
const MAX_MISSED_DAYS = 3;

export interface DigestScheduleSettings {
  /** Hour (0-23) in `timeZone` from which digests go out. */
  hour: number;
  timeZone: string;
  /** Whether `serve` reads arXiv's announcements; if not, the days recorded are the catalog's own (catalog/catalog-days.ts). */
  readsAnnouncements: boolean;
}

/**
 * The digests `serve` sends, one step of its scheduler (jobs/scheduler.ts), which runs it after
 * the day's announcement was read and embedded. At or after the hour it sends what `digest_runs`
 * says is not done: daily, each listing day newer than the last one sent whose announcement is
 * stored and embedded (`announcement_days`; oldest first, the newest three at most, only the
 * newest when nothing was ever sent), so a day that arrives late or while the server was down
 * still goes out, and a day still being read waits; a day without announcement has no digest.
 * Weekly, the week of the newest listed day once it is over (else the week before), on whichever
 * day the server first can after every day of it was read and embedded; the groups' weekly
 * digests (group-digest.ts), once in each ISO week. Then mail waiting for a retry goes out when
 * due. Runs are recorded in the database, so a restart does not run a period
 * again; a run that failed is tried again a quarter of an hour later (kept in memory).
 */
export class DigestSchedule {
  /** Keyed `daily:2026-11-25`. */
  private readonly retryAt = new Map<string, number>();

  constructor(
    private readonly deps: DigestRunDeps,
    private readonly settings: DigestScheduleSettings,
    private readonly log: Logger,
  ) {}

  async run(now: Date, signal: AbortSignal): Promise<void> {
    const clock = wallClock(now, this.settings.timeZone);
    if (clock.hour >= this.settings.hour) {
      for (const day of await daysDue(this.deps.db, clock.day)) {
        // A day that did not go out holds back the newer ones: once a newer day is recorded, it never would.
        if (signal.aborted || !(await this.attempt('daily', dayPeriod(day)!, now.getTime(), signal))) break;
      }
      const week = await weekDue(this.deps.db, clock.day, this.settings.readsAnnouncements);
      if (week && !signal.aborted) await this.attempt('weekly', week, now.getTime(), signal);
      if (!signal.aborted) await this.attemptGroups(now, signal);
    }
    // Whatever happened above, mail already in the outbox (earlier runs, retries) goes out when due.
    await deliverQueued(this.deps, { maxWaitMs: 0, signal });
  }

  /** The groups' weekly digests of this ISO week, unless sent already (normally at the first tick from the hour on Monday). */
  private async attemptGroups(now: Date, signal: AbortSignal): Promise<void> {
    const week = groupDigestWeek(now).key;
    const key = `group-weekly:${week}`;
    if ((this.retryAt.get(key) ?? 0) > now.getTime()) return;
    const done = await this.deps.db.selectFrom('digest_runs').select('period').where('frequency', '=', 'group-weekly').where('period', '=', week).executeTakeFirst();
    if (done) return;
    try {
      await runGroupDigests(this.deps, { now, signal });
      this.retryAt.delete(key);
    } catch (error) {
      this.retryAt.set(key, now.getTime() + FAILED_RUN_RETRY_MS);
      this.log.error({ err: error, week }, 'group digest run failed; trying again in a quarter of an hour');
    }
  }

  /** Runs one period unless it failed a short while ago; true when it ran. */
  private async attempt(frequency: DigestFrequency, period: Period, at: number, signal: AbortSignal): Promise<boolean> {
    const key = `${frequency}:${period.key}`;
    if ((this.retryAt.get(key) ?? 0) > at) return false;
    try {
      await runDigests(this.deps, { frequency, period, signal });
      this.retryAt.delete(key);
      return true;
    } catch (error) {
      this.retryAt.set(key, at + FAILED_RUN_RETRY_MS);
      this.log.error({ err: error, frequency, period: period.key }, 'digest run failed; trying again in a quarter of an hour');
      return false;
    }
  }
}

/**
 * Listing days not yet sent to daily readers, oldest first: those whose announcement is stored and
 * embedded, up to the first that is not yet. Not those after `today` where the readers are: west
 * of UTC, tomorrow's listing is read in the evening and waits for the morning.
 */
async function daysDue(db: Db, today: string): Promise<string[]> {
  const last = await db.selectFrom('digest_runs').select((eb) => eb.fn.max('period').as('period')).where('frequency', '=', 'daily').executeTakeFirst();
  const lastDay = last?.period ?? null;
  const due: string[] = [];
  for (const { day, embedded_at } of await listedDays(db, lastDay, today, lastDay === null ? 1 : MAX_MISSED_DAYS)) {
    if (embedded_at === null) break;
    due.push(day);
  }
  return due;
}

/**
 * The week of the newest listed day if it is over by `today`, else the week before, unless its
 * digests went out already, or a day of it is still to be read or embedded. Null before any day
 * was listed.
 */
async function weekDue(db: Db, today: string, readsAnnouncements: boolean): Promise<Period | null> {
  const newest = await newestListedDay(db);
  if (newest === null) return null;
  const week = digestPeriod('weekly', newest, today);
  const done = await db.selectFrom('digest_runs').select('period').where('frequency', '=', 'weekly').where('period', '=', week.key).executeTakeFirst();
  if (done || !(await everyDayRecorded(db, week, readsAnnouncements))) return null;
  return (await awaitsEmbedding(db, week.start, week.end)) ? null : week;
}

/** Whether every day of the week that is going to be recorded is. */
async function everyDayRecorded(db: Db, week: Period, readsAnnouncements: boolean): Promise<boolean> {
  const recorded = (await latestRecordedDay(db)) ?? '';
  // Days are read in order (missed ones caught up first), and a week's last listing day is its Friday.
  if (readsAnnouncements) return recorded >= shiftDay(week.end, -2);
  // The catalog's days are recorded in order too: the first day with papers after the newest recorded one is not yet.
  const next = (await neighbouringDays(db, recorded)).next;
  return next === null || next > week.end;
}
