import { Option, type Command } from 'commander';
import { openContext, withCommonOptions } from './context.js';
import { runProcess } from './instance.js';

export function registerServe(program: Command): void {
  withCommonOptions(
    program
      .command('serve')
      .description(
        'serve the web site, and run the scheduled work (reading arXiv, embedding, digests, mail) unless --no-jobs; loads the bundled demo catalog into an empty database unless PAPERBOY_DEMO=false. ' +
          'Several may serve one PostgreSQL database (PAPERBOY_DATABASE_URL) as one site; the scheduled work runs in one of them at a time',
      )
      .addOption(new Option('--port <port>', 'port to listen on').env('PORT'))
      .addOption(new Option('--host <host>', 'address to listen on (0.0.0.0 for every interface)').env('HOST'))
      .addOption(new Option('--no-jobs', 'only serve pages: leave the scheduled work to `paperboy worker` (env: PAPERBOY_SERVE_JOBS=false)')),
  ).action(async (opts: { port?: string; host?: string; jobs: boolean; dataDir?: string; logLevel?: string }) => {
    const ctx = await openContext({ ...opts, jobs: opts.jobs ? undefined : 'false' });
    await runProcess(ctx, { web: true, jobs: ctx.config.serveJobs });
  });
}
