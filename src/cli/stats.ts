import type { Command } from 'commander';
import { describeLocation } from '../config.js';
import { catalogStats } from '../store/papers.js';
import { openContext, withCommonOptions } from './context.js';

export function registerStats(program: Command): void {
  withCommonOptions(
    program.command('stats').description('count what the catalog holds').option('--json', 'print the figures as JSON'),
  ).action(async (opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
    const ctx = await openContext(opts);
    try {
      const stats = await catalogStats(ctx.db);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(stats)}\n`);
        return;
      }
      const lines = [
        `database:   ${describeLocation(ctx.config.database)}`,
        `papers:     ${stats.papers}`,
        `versions:   ${stats.versions}`,
        `days:       ${stats.firstDay ?? '-'} to ${stats.lastDay ?? '-'}`,
        'top categories:',
        ...stats.categories.map((c) => `  ${c.category.padEnd(12)} ${c.papers}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await ctx.close();
    }
  });
}
