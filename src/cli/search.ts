import { Option, type Command } from 'commander';
import { openSearch } from '../search/open.js';
import { MAX_LIMIT, SEARCH_MODES, type SearchMode } from '../search/service.js';
import { fail, openContext, withCommonOptions } from './context.js';

export function registerSearch(program: Command): void {
  withCommonOptions(
    program
      .command('search')
      .description('search the catalog: words, "phrases", prefix*, -excluded, cat:cs.CL, author:"Name", after:2025-01-01, before:2025-06-30')
      .argument('<query...>', 'what to look for')
      .addOption(new Option('--mode <mode>', 'keyword, semantic or hybrid').choices(SEARCH_MODES).default('hybrid'))
      .option('--limit <n>', `how many results (1 to ${MAX_LIMIT})`, '10')
      .option('--json', 'print the results as JSON'),
  ).action(async (words: string[], opts: { mode: SearchMode; limit: string; json?: boolean; dataDir?: string; logLevel?: string }) => {
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) fail(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${opts.limit}"`);
    const ctx = await openContext(opts);
    try {
      const service = await openSearch(ctx.db, ctx.log, ctx.config.search);
      await service.load();
      const { hits, notes } = await service.search({ query: words.join(' '), mode: opts.mode, limit });
      if (opts.json) {
        const results = hits.map((h) => ({
          id: h.paper.id,
          title: h.paper.title,
          authors: h.paper.authors,
          day: h.paper.day,
          categories: h.paper.categories,
          score: h.score,
          keywordRank: h.keywordRank,
          semanticRank: h.semanticRank,
        }));
        process.stdout.write(`${JSON.stringify({ mode: opts.mode, notes, results })}\n`);
        return;
      }
      for (const note of notes) process.stderr.write(`note: ${note}\n`);
      if (hits.length === 0) process.stdout.write('no papers found\n');
      hits.forEach((h, i) => {
        const authors = h.paper.authors.slice(0, 3).join(', ') + (h.paper.authors.length > 3 ? ' et al.' : '');
        process.stdout.write(`${String(i + 1).padStart(3)}. ${h.paper.id.padEnd(12)} ${h.paper.day}  ${h.paper.title}\n                   ${authors}\n`);
      });
    } finally {
      await ctx.close();
    }
  });
}
