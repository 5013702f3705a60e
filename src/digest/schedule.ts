import type { Logger } from '../log.js';
import { deliverQueued, runDigests, type DigestRunDeps } from './run.js';

export interface ScheduleSettings {
  /** Hour (0-23) in `timeZone` from which the day's digests go out; weekly ones on Mondays. */
  hour: number;
  timeZone: string;
  /** How often to look at the clock and the outbox. */
  tickMs?: number;
}

export interface WallClock {
  day: string;
  hour: number;
  monday: boolean;
}

/** The date, hour and weekday in a time zone. */
export function wallClock(now: Date, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), monday: parts.weekday === 'Mon' };
}

/**
 * The digest schedule inside `paperboy serve`: once a day, at or after the configured hour, the
 * daily run (and on Mondays the weekly one); in between, mails waiting for a retry are sent when
 * due. A restart later the same day runs the day's digests again, which sends nothing twice (the
 * outbox is keyed by reader and period) and reaches readers who confirmed since.
 */
export function startDigestSchedule(deps: DigestRunDeps, settings: ScheduleSettings, log: Logger): { stop(): Promise<void> } {
  const done = new Set<string>();
  const controller = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let busy = false;

  const tick = async () => {
    const clock = wallClock(new Date(), settings.timeZone);
    const due: Array<'daily' | 'weekly'> = [];
    if (clock.hour >= settings.hour) {
      if (!done.has(`daily:${clock.day}`)) due.push('daily');
      if (clock.monday && !done.has(`weekly:${clock.day}`)) due.push('weekly');
    }
    for (const frequency of due) {
      await runDigests(deps, { frequency, signal: controller.signal });
      // Marked after the run, so a failed one is tried again at the next tick.
      done.add(`${frequency}:${clock.day}`);
    }
    if (due.length === 0) await deliverQueued(deps, { maxWaitMs: 0, signal: controller.signal });
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
