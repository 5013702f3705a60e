import { Option, type Command } from 'commander';
import { announcementCategories } from '../catalog/announcements.js';
import { ConfigError, type Config } from '../config.js';
import { loadDemoIfEmpty } from '../catalog/demo.js';
import { seedDemoActivity } from '../community/demo.js';
import { dailyJobs } from '../jobs/daily.js';
import { enrichmentJobs } from '../jobs/enrich.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import { openSearch } from '../search/open.js';
import { arxivClient } from '../sources/http.js';
import { webDeps } from '../web/compose.js';
import { serverSecret } from '../web/secret.js';
import type { Logger } from '../log.js';
import { buildServer } from '../web/server.js';
import { fail, openContext, withCommonOptions } from './context.js';

export function registerServe(program: Command): void {
  withCommonOptions(
    program
      .command('serve')
      .description('serve the web site (loads the bundled demo catalog into an empty database unless PAPERBOY_DEMO=false)')
      .addOption(new Option('--port <port>', 'port to listen on').env('PORT'))
      .addOption(new Option('--host <host>', 'address to listen on (0.0.0.0 for every interface)').env('HOST')),
  ).action(async (opts: { port?: string; host?: string; dataDir?: string; logLevel?: string }) => {
    const ctx = await openContext(opts);
    const { config, db, log } = ctx;
    try {
      announcementCategories(config);
    } catch (error) {
      if (error instanceof ConfigError) fail(error.message);
      throw error;
    }
    if (config.loadDemo && (await loadDemoIfEmpty(db, log))) await seedDemoActivity(db, log);
    // One client for arXiv, shared by submissions and the daily read; one search service, shared by the site and the scheduler.
    const client = arxivClient(config, log);
    const search = await openSearch(db, log, config.search);
    const deps = webDeps(db, log, config, client);
    const app = await buildServer({ ...deps, search: { search } });
    const jobs = [
      ...dailyJobs({
        announcements: { db, log, client, config },
        digests: { db, log, mailer: deps.mailer, config, secret: serverSecret(config.dataDir, config.secret) },
        digestSchedule: config.digest,
        embed: () => search.indexNewPapers(),
        chat: { db, baseUrl: config.baseUrl, policy: { allowPrivate: config.webhookAllowPrivate }, log },
      }),
      // After the day's papers are stored: code stars, the Hub's links and summaries of the new papers.
      ...enrichmentJobs(db, config.services, log),
    ];
    let scheduler: Scheduler | null = null;
    const shutdown = async () => {
      await scheduler?.stop();
      await app.close();
      deps.mailer.close();
      await ctx.close();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    await app.listen({ port: ctx.config.port, host: ctx.config.host });
    const shownHost = ctx.config.host === '127.0.0.1' || ctx.config.host === '0.0.0.0' ? 'localhost' : ctx.config.host;
    ctx.log.info(`Paperboy is serving http://${shownHost}:${ctx.config.port}`);
    logMailBaseUrl(ctx.config, ctx.log);
    logDailyRead(config, log);
    scheduler = startScheduler(jobs, { tickMs: 60_000, log });
    void scheduler.tick();
  });
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
    log.info('Not reading arXiv by itself (PAPERBOY_ARXIV_CATEGORIES=none): no new papers and no daily digests unless `paperboy announcements` runs');
    return;
  }
  log.info(`Reading arXiv's announcements of ${config.arxivCategories.join(' ')} after each one (PAPERBOY_ARXIV_CATEGORIES)`);
  if (config.contactEmail === null) log.warn('arXiv asks harvesters to say whom to contact: set PAPERBOY_CONTACT_EMAIL to an address of yours');
}
