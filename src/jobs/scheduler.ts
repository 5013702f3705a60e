import type { Logger } from '../log.js';

/** One step of the scheduler: a plain async function whose state is in the database. */
export interface Job {
  /** For the log: `reading arXiv's announcements`. */
  name: string;
  run(now: Date, signal: AbortSignal): Promise<void>;
}

export interface SchedulerOptions {
  /** How often to tick, in ms; 0 for no timer (a test calls `tick`). */
  tickMs: number;
  /** The time now; tests move it. Read once at the start of each tick. */
  now?: () => Date;
  log: Logger;
}

export interface Scheduler {
  /** Runs one tick now, after the one running if there is one. */
  tick(): Promise<void>;
  /** Stops the timer, aborts the job running and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * The clock of `paperboy serve`: at every tick it runs its jobs in order, each to its end before
 * the next starts, so what a job reads was written by the ones before it (see jobs/daily.ts). A
 * job that fails is logged and the next one runs all the same: each decides from the database what
 * is due, so a failed harvest leaves nothing for the digests to send. A tick that comes while the
 * last one is running is skipped.
 */
export function startScheduler(jobs: Job[], options: SchedulerOptions): Scheduler {
  const now = options.now ?? (() => new Date());
  const controller = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let busy = false;

  const runJobs = async () => {
    const at = now();
    for (const job of jobs) {
      if (controller.signal.aborted) return;
      try {
        await job.run(at, controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) options.log.error({ err: error, job: job.name }, `${job.name} failed; trying again at a later tick`);
      }
    }
  };
  const tick = () => {
    running = running.then(runJobs);
    return running;
  };

  const timer =
    options.tickMs > 0
      ? setInterval(() => {
          if (busy) return;
          busy = true;
          void tick().finally(() => {
            busy = false;
          });
        }, options.tickMs)
      : null;
  timer?.unref();

  return {
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
