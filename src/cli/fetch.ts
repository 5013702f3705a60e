import type { Command } from 'commander';
import { parseArxivId } from '../papers/arxiv-id.js';
import { isKnownCategory } from '../papers/taxonomy.js';
import { fetchByCategory, fetchByIds } from '../sources/arxiv-api.js';
import { arxivClient } from '../sources/http.js';
import { describeRunError } from './arxiv.js';
import { fail, openContext, withCommonOptions } from './context.js';
import { runIngest } from './run-ingest.js';

interface FetchOptions {
  category: string[];
  id: string[];
  days: string;
  json?: boolean;
  dataDir?: string;
  logLevel?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const DAY_MS = 24 * 60 * 60 * 1000;

export function registerFetch(program: Command): void {
  withCommonOptions(
    program
      .command('fetch')
      .description("fetch papers from arXiv's export API, by category and recent days or by id")
      .option('--category <category>', 'an arXiv category or archive (cs.CL, cs); repeat for more', collect, [])
      .option('--days <n>', 'with --category: papers submitted in the last N days', '1')
      .option('--id <id>', 'an arXiv id or URL; repeat for more', collect, [])
      .option('--json', 'print the summary as JSON'),
  ).action(async (opts: FetchOptions) => {
    if (opts.category.length === 0 && opts.id.length === 0) fail('say what to fetch: --category CATEGORY [--days N] or --id ID');
    const ids = opts.id.map((raw) => parseArxivId(raw)?.id ?? fail(`--id: not an arXiv id: ${JSON.stringify(raw)}`));
    for (const c of opts.category) {
      if (!isKnownCategory(c) && !/^[a-z-]+$/.test(c)) fail(`--category: not an arXiv category or archive: ${JSON.stringify(c)}`);
    }
    const days = Number(opts.days);
    if (!Number.isInteger(days) || days < 1 || days > 365) fail(`--days: expected a whole number from 1 to 365, got ${JSON.stringify(opts.days)}`);

    const ctx = await openContext(opts);
    try {
      const client = arxivClient(ctx.config, ctx.log);
      const baseUrl = ctx.config.arxivApiUrl;
      const until = new Date();
      const from = new Date(until.getTime() - days * DAY_MS);
      const report = await runIngest(ctx, 'fetch', opts.json ?? false, async (ingest, signal) => {
        if (ids.length > 0) await ingest.run(fetchByIds(ids, { client, baseUrl, signal }));
        for (const category of opts.category) {
          if (signal.aborted) break;
          await ingest.run(fetchByCategory({ category, from, until }, { client, baseUrl, signal }));
        }
      }).catch((error: unknown) => {
        const message = describeRunError(error);
        if (message) fail(`${message}\neverything fetched before this was stored`, 1);
        throw error;
      });
      process.exitCode = report.interrupted ? 130 : 0;
    } finally {
      await ctx.close();
    }
  });
}
