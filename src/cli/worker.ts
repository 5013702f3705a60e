import type { Command } from 'commander';
import { openContext, withCommonOptions } from './context.js';
import { runProcess } from './instance.js';

export function registerWorker(program: Command): void {
  withCommonOptions(
    program
      .command('worker')
      .description(
        'run the scheduled work without serving pages: read arXiv, embed and retrain, send digests and retry mail, enrich papers, post to chats, until stopped. ' +
          'Beside `paperboy serve --no-jobs` (PAPERBOY_SERVE_JOBS=false); on PostgreSQL one process at a time runs the work, and another takes over when it stops',
      ),
  ).action(async (opts: { dataDir?: string; logLevel?: string }) => {
    const ctx = await openContext(opts);
    await runProcess(ctx, { web: false, jobs: true });
  });
}
