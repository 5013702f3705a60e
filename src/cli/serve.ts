import { Option, type Command } from 'commander';
import type { Config } from '../config.js';
import { loadDemoIfEmpty } from '../catalog/demo.js';
import { seedDemoActivity } from '../community/demo.js';
import { startDigestSchedule } from '../digest/schedule.js';
import { startEnrichment } from '../enrich/schedule.js';
import { webDeps } from '../web/compose.js';
import { serverSecret } from '../web/secret.js';
import type { Logger } from '../log.js';
import { buildServer } from '../web/server.js';
import { openContext, withCommonOptions } from './context.js';

export function registerServe(program: Command): void {
  withCommonOptions(
    program
      .command('serve')
      .description('serve the web site (loads the bundled demo catalog into an empty database unless PAPERBOY_DEMO=false)')
      .addOption(new Option('--port <port>', 'port to listen on').env('PORT'))
      .addOption(new Option('--host <host>', 'address to listen on (0.0.0.0 for every interface)').env('HOST')),
  ).action(async (opts: { port?: string; host?: string; dataDir?: string; logLevel?: string }) => {
    const ctx = await openContext(opts);
    if (ctx.config.loadDemo && (await loadDemoIfEmpty(ctx.db, ctx.log))) await seedDemoActivity(ctx.db, ctx.log);
    const deps = webDeps(ctx.db, ctx.log, ctx.config);
    const app = await buildServer(deps);
    const { hour, timeZone } = ctx.config.digest;
    const schedule = startDigestSchedule({ db: ctx.db, log: ctx.log, mailer: deps.mailer, config: ctx.config, secret: serverSecret(ctx.config.dataDir, ctx.config.secret) }, { hour, timeZone }, ctx.log);
    const enrichment = startEnrichment(ctx.db, ctx.config.services, ctx.log);
    const shutdown = async () => {
      await schedule.stop();
      await enrichment.stop();
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
