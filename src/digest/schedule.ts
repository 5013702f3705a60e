import type { Logger } from '../log.js';
import { wallClock } from './period.js';
import { deliverQueued, runDigests, type DigestRunDeps } from './run.js';

const FAILED_RUN_RETRY_MS = 15 * 60_000;

export interface ScheduleSettings {
  /** Hour (0-23) in `timeZone` from which the day's digests go out; weekly ones on Mondays. */
  hour: number;
  timeZone: string;
  /** How often to look at the clock and the outbox. */
  tickMs?: number;
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

  /** A run that failed is tried again after a while, not at every tick. */
  const retryAt = new Map<string, number>();

  const tick = async () => {
    const clock = wallClock(new Date(), settings.timeZone);
    const due: Array<'daily' | 'weekly'> = [];
    if (clock.hour >= settings.hour) {
      if (!done.has(`daily:${clock.day}`)) due.push('daily');
      if (clock.monday && !done.has(`weekly:${clock.day}`)) due.push('weekly');
    }
    for (const frequency of due) {
      const key = `${frequency}:${clock.day}`;
      if ((retryAt.get(key) ?? 0) > Date.now()) continue;
      try {
        await runDigests(deps, { frequency, signal: controller.signal });
        done.add(key);
      } catch (error) {
        retryAt.set(key, Date.now() + FAILED_RUN_RETRY_MS);
        log.error({ err: error, frequency }, 'digest run failed; trying again in a quarter of an hour');
      }
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
