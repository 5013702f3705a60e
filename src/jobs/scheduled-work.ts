/**
 * Everything Paperboy does by itself, started by `paperboy serve` (unless told not to) and by
 * `paperboy worker`, and run by one process of the site at a time (store/leadership.ts): on
 * PostgreSQL the others wait, and the first of them takes over when the one running it stops or
 * dies, at once and from where the database says the work stands (each job decides from it what
 * is left to do). Two schedulers: the daily work in its order (daily.ts, then enrich.ts), and
 * search upkeep apart, so that a retraining of some minutes holds back no digest.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mail/mailer.js';
import { embedNewPapers, searchUpkeep } from '../search/background.js';
import type { SearchService } from '../search/service.js';
import type { HttpGetter } from '../sources/http.js';
import { seekLeadership } from '../store/leadership.js';
import type { Notices } from '../store/notices.js';
import type { Db } from '../store/schema.js';
import { dailyJobs } from './daily.js';
import { enrichmentJobs } from './enrich.js';
import { startScheduler, type Job, type Scheduler } from './scheduler.js';

export interface ScheduledWorkDeps {
  db: Db;
  log: Logger;
  config: Config;
  /** The process's one client for arXiv. */
  client: HttpGetter;
  mailer: Mailer;
  /** Signs the links in mails. */
  secret: string;
  search: SearchService;
  /** How the other processes hear of new vectors and models. */
  notices: Notices;
}

/** How often each scheduler ticks while this process runs the work. */
const TICK_MS = 60_000;

export interface ScheduledWork {
  /** Stops the work (the job running is aborted and waited for) and gives the turn to another process. */
  stop(): Promise<void>;
}

export function startScheduledWork(deps: ScheduledWorkDeps): ScheduledWork {
  const { db, log, config, search, notices } = deps;
  const daily: Job[] = [
    ...dailyJobs({
      announcements: { db, log, client: deps.client, config },
      digests: { db, log, mailer: deps.mailer, config, secret: deps.secret },
      digestSchedule: config.digest,
      embed: () => embedNewPapers(search, log, notices),
      chat: { db, baseUrl: config.baseUrl, policy: { allowPrivate: config.webhookAllowPrivate }, log },
    }),
    // After the day's papers are stored: code stars, the Hub's links and summaries of the new papers.
    ...enrichmentJobs(db, config.services, log),
  ];
  const upkeep: Job[] = [{ name: 'keeping search current', run: searchUpkeep(search, db, log, config.search, notices) }];

  let running: Scheduler[] = [];
  const leadership = seekLeadership(db, 'scheduledWork', log, {
    lead() {
      running = [daily, upkeep].map((jobs) => startScheduler(jobs, { tickMs: TICK_MS, log }));
      for (const scheduler of running) void scheduler.tick();
    },
    async stepDown() {
      const stopping = running;
      running = [];
      await Promise.all(stopping.map((scheduler) => scheduler.stop()));
    },
  });
  return { stop: () => leadership.stop() };
}
