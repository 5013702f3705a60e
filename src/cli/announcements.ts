import type { Command } from 'commander';
import { announcementCategories, readAnnouncements, type AnnouncementReport } from '../catalog/announcements.js';
import { completeFeedOnlyPapers, type FeedOnlyReport } from '../catalog/feed-only.js';
import { ConfigError } from '../config.js';
import { embedAnnouncedDays } from '../jobs/daily.js';
import { embedImported } from '../search/open.js';
import { arxivClient } from '../sources/http.js';
import { describeRunError } from './arxiv.js';
import { fail, interruptSignal, openContext, withCommonOptions } from './context.js';

/**
 * `paperboy announcements`: what `serve` does by itself after every announcement, by hand (or from
 * a cron job on a server that does not run `serve`). Safe to run at any time and again.
 */
export function registerAnnouncements(program: Command): void {
  withCommonOptions(
    program
      .command('announcements')
      .description(
        "read arXiv's announcements up to now for PAPERBOY_ARXIV_CATEGORIES: today's feed, and days missed since the last read through OAI-PMH; a stopped catch-up continues where it stopped; papers listed earlier from the feed alone get their full records",
      )
      .option('--json', 'print the days read as JSON'),
  ).action(async (opts: { json?: boolean; dataDir?: string; logLevel?: string }) => {
    const ctx = await openContext(opts);
    const { config, db, log } = ctx;
    try {
      if (announcementCategories(config).length === 0) fail('PAPERBOY_ARXIV_CATEGORIES is none: there is nothing to read');
      const now = new Date();
      const deps = { db, log, client: arxivClient(config, log), config };
      const signal = interruptSignal(log);
      const report = await readAnnouncements(deps, now, signal);
      const filledIn = await completeFeedOnlyPapers(deps, now, signal);
      const embedded = await embedAnnouncedDays(db, () => embedImported(db, log, config.search), now);
      process.stdout.write(opts.json ? `${JSON.stringify({ ...report, filledIn, embedded })}\n` : describe(report, filledIn));
    } catch (error) {
      if (error instanceof ConfigError) fail(error.message);
      const message = describeRunError(error);
      if (message) fail(`${message}\nevery day and page read before this was stored; run the same command again to continue`, 1);
      throw error;
    } finally {
      await ctx.close();
    }
  });
}

function describe(report: AnnouncementReport, filledIn: FeedOnlyReport): string {
  const lines = report.recorded.map((d) =>
    d.status === 'listed' ? `${d.day}: ${d.listed} papers listed, ${d.replaced} replaced (${d.source === 'feed' ? 'announcement feed' : 'caught up through OAI-PMH'})` : `${d.day}: no announcement`,
  );
  if (report.waiting) lines.push(`${report.waiting}: arXiv's announcement is not ready yet; run again later`);
  if (filledIn.completed.length > 0) lines.push(`${filledIn.completed.length} papers listed from the announcement feed alone got their full records`);
  if (filledIn.postponed.length > 0) lines.push(`${filledIn.postponed.length} papers listed from the announcement feed alone are still without their full records; asked again later`);
  if (lines.length === 0) lines.push('nothing new: every announcement up to now was read');
  return `${lines.join('\n')}\n`;
}
