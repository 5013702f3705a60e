import type { Command } from 'commander';
import { harvestOai, oaiDay, type OaiCheckpoint } from '../sources/oai-harvest.js';
import { loadCheckpoint, saveCheckpoint } from '../store/checkpoints.js';
import { arxivClient } from '../sources/http.js';
import { describeRunError } from './arxiv.js';
import { fail, openContext, withCommonOptions } from './context.js';
import { runIngest } from './run-ingest.js';

interface HarvestOptions {
  set?: string;
  from?: string;
  until?: string;
  restart?: boolean;
  json?: boolean;
  dataDir?: string;
  logLevel?: string;
}

export function registerHarvest(program: Command): void {
  withCommonOptions(
    program
      .command('harvest')
      .description("harvest arXiv's OAI-PMH interface (ListRecords, metadataPrefix=arXiv); a stopped harvest continues where it stopped")
      .option('--set <set>', 'an OAI set: cs, math, physics:hep-th, ... (default: all of arXiv)')
      .option('--from <day>', 'records changed on or after this day (YYYY-MM-DD)')
      .option('--until <day>', 'records changed on or before this day (YYYY-MM-DD)')
      .option('--restart', 'start the harvest over instead of continuing a stopped one')
      .option('--json', 'print the summary as JSON'),
  ).action(async (opts: HarvestOptions) => {
    const from = parseDay(opts.from, '--from');
    const until = parseDay(opts.until, '--until');
    if (from && until && from > until) fail(`--from ${from} is after --until ${until}`);
    const set = opts.set ?? null;
    // One checkpoint per harvest request, so a daily cron harvest and a bulk back-fill don't collide.
    const key = `oai-pmh ${set ?? '*'} ${from ?? ''}..${until ?? ''}`;

    const ctx = await openContext(opts);
    try {
      const saved = opts.restart ? null : await loadCheckpoint<OaiCheckpoint>(ctx.db, key);
      const resumeFrom = saved && !saved.done ? saved : null;
      if (resumeFrom) ctx.log.info({ key, pages: resumeFrom.pages, records: resumeFrom.records }, `continuing the stopped harvest after page ${resumeFrom.pages}`);
      const client = arxivClient(ctx.config, ctx.log);
      const report = await runIngest(ctx, 'harvest', opts.json ?? false, async (ingest, signal) => {
        for await (const page of harvestOai({ client, baseUrl: ctx.config.oaiUrl, set, from, until, resumeFrom, signal })) {
          const papers = ingest.normalizeAll(page.items);
          await ingest.store(papers, (trx) => saveCheckpoint(trx, key, page.checkpoint));
          if (signal.aborted) break;
        }
      }).catch((error: unknown) => {
        const message = describeRunError(error);
        if (message) fail(`${message}\nevery page before this one was stored; run the same command again to continue`, 1);
        throw error;
      });
      process.exitCode = report.interrupted ? 130 : 0;
    } finally {
      await ctx.close();
    }
  });
}

function parseDay(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  try {
    return oaiDay(value, flag);
  } catch (error) {
    fail(error instanceof Error ? error.message : `${flag}: not a day: ${value}`);
  }
}
