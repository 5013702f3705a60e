/**
 * How a long-running Paperboy process starts and stops, in one place for `paperboy serve` (the
 * site, and the scheduled work unless told not to) and `paperboy worker` (the scheduled work
 * alone). Any number of them may run on one PostgreSQL database and behave as one site: sessions,
 * form tokens and rate limits live in the database, a write through one process drops the cached
 * pages of all (store/notices.ts), each keeps its vector index in step with the others
 * (search/background.ts), and the scheduled work runs in one of them at a time
 * (jobs/scheduled-work.ts). On SQLite a site is one process.
 */
import { announcementCategories } from '../catalog/announcements.js';
import { loadDemoIfEmpty } from '../catalog/demo.js';
import { seedDemoActivity } from '../community/demo.js';
import { ConfigError, type Config } from '../config.js';
import { startScheduledWork, type ScheduledWork } from '../jobs/scheduled-work.js';
import type { Logger } from '../log.js';
import { followSearchChanges } from '../search/background.js';
import { openSearch } from '../search/open.js';
import { arxivClient } from '../sources/http.js';
import { storeKind } from '../store/dialect.js';
import { oneAtATime } from '../store/leadership.js';
import { openNotices } from '../store/notices.js';
import { webDeps } from '../web/compose.js';
import { serverSecret } from '../web/secret.js';
import { buildServer } from '../web/server.js';
import { fail, type CommandContext } from './context.js';

export interface ProcessRoles {
  /** Serve the site (paperboy serve), or not (paperboy worker). */
  web: boolean;
  /** Run the scheduled work when it is this process's turn. */
  jobs: boolean;
}

/** Starts the process's parts and keeps them running until SIGINT or SIGTERM, which stop them in order. */
export async function runProcess(ctx: CommandContext, roles: ProcessRoles): Promise<void> {
  const { config, db, log } = ctx;
  try {
    announcementCategories(config);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (roles.web && config.loadDemo) {
    // Several processes starting on an empty database load it once.
    await oneAtATime(db, 'demo', async () => {
      if (await loadDemoIfEmpty(db, log)) await seedDemoActivity(db, log);
    });
  }
  // One client for arXiv, shared by submissions and the daily read; one search service, shared by
  // the site and the scheduled work; one mailer. A worker keeps no vectors in memory: it answers no searches.
  const client = arxivClient(config, log);
  const notices = openNotices(db, log);
  const search = await openSearch(db, log, config.search, { vectorIndex: roles.web });
  const deps = webDeps(db, log, config, client);
  const app = roles.web ? await buildServer({ ...deps, notices, search: { search } }) : null;
  // A serving process takes in what others embed and train; on SQLite only when a worker does it
  // (one process that does its own upkeep reads what `paperboy import` embedded then, as before).
  const follows = roles.web && (storeKind(db) === 'postgres' || !roles.jobs);
  const stopFollowing = follows ? followSearchChanges(search, db, log, notices) : null;
  let work: ScheduledWork | null = null;

  const shutdown = async () => {
    await work?.stop();
    stopFollowing?.();
    await app?.close();
    deps.mailer.close();
    await notices.close();
    await ctx.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  if (app) {
    await app.listen({ port: config.port, host: config.host });
    const shownHost = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
    log.info(`Paperboy is serving http://${shownHost}:${config.port}`);
  }
  logMailBaseUrl(config, log);
  if (!roles.jobs) {
    log.info('Not running the scheduled work (reading arXiv, embedding, digests, mail): `paperboy worker` runs it (PAPERBOY_SERVE_JOBS=false)');
    return;
  }
  logDailyRead(config, log);
  work = startScheduledWork({ db, log, config, client, mailer: deps.mailer, secret: serverSecret(config.dataDir, config.secret), search, notices });
}

/**
 * Links in mails (confirmations, digests, unsubscribe) are only as right as the base URL: say which
 * one they use, and warn when it is a guess that other machines cannot follow.
 */
function logMailBaseUrl(config: Pick<Config, 'baseUrl' | 'baseUrlGiven' | 'host'>, log: Logger): void {
  if (config.baseUrlGiven) {
    log.info(`Links in mails point at ${config.baseUrl} (PAPERBOY_BASE_URL)`);
    return;
  }
  const message = `Links in mails point at ${config.baseUrl}; if people reach the site at another address, set PAPERBOY_BASE_URL to it`;
  if (isLoopback(config.host)) log.info(message);
  else log.warn(message);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** What serve reads from arXiv by itself, and whether arXiv can tell who is asking. */
function logDailyRead(config: Pick<Config, 'arxivCategories' | 'contactEmail'>, log: Logger): void {
  if (config.arxivCategories.length === 0) {
    log.info("Not reading arXiv by itself (PAPERBOY_ARXIV_CATEGORIES=none): new papers come from `paperboy import`, `harvest` or `fetch`, and a day's digests go once its papers are stored and embedded");
    return;
  }
  log.info(`Reading arXiv's announcements of ${config.arxivCategories.join(' ')} after each one (PAPERBOY_ARXIV_CATEGORIES)`);
  if (config.contactEmail === null) log.warn('arXiv asks harvesters to say whom to contact: set PAPERBOY_CONTACT_EMAIL to an address of yours');
}
