/**
 * Filling in the papers the daily read listed with the announcement feed's data alone (arXiv's
 * export API did not return them by 06:00 in New York: catalog/announcements.ts). At each run the
 * due ones, at most one request's worth, are asked of the export API by id through the process's
 * one arXiv client (so arXiv's terms hold: one connection, 3 s apart, Retry-After). A paper it
 * returns takes its full record (dates, comments, versions), keeping its listing day; one it does
 * not return, or every one while arXiv is unavailable, is asked for again later, twice as late each
 * time (15 minutes, then 30, ... at most a day apart), and after MAX_ATTEMPTS no more. Its page
 * says meanwhile that it shows what the announcement gave.
 */
import { MAX_API_PAGE } from '../sources/arxiv-api.js';
import { feedOnlyDue, postponeFeedOnly, unmarkFeedOnly } from '../store/feed-only-papers.js';
import { upsertPapers } from '../store/papers.js';
import { FIRST_RETRY_MS, fullRecords, type AnnouncementDeps } from './announcements.js';
import { Ingest } from './ingest.js';

/** Attempts after which a paper is left with the feed's data: about four days of asking. */
export const MAX_ATTEMPTS = 10;
const MAX_RETRY_MS = 24 * 60 * 60_000;

export interface FeedOnlyReport {
  /** Papers whose full record this run stored. */
  completed: string[];
  /** Papers asked for and not returned, to be asked again later. */
  postponed: string[];
}

/** Asks the export API for the papers whose attempt is due; returns what it filled in and what it put off. */
export async function completeFeedOnlyPapers(deps: AnnouncementDeps, now: Date, signal?: AbortSignal): Promise<FeedOnlyReport> {
  const due = await feedOnlyDue(deps.db, now.toISOString(), MAX_API_PAGE, MAX_ATTEMPTS);
  if (due.length === 0) return { completed: [], postponed: [] };
  const records = await fullRecords(deps, due.map((d) => d.paperId), signal);
  const ingest = new Ingest(deps.db, { onRejection: (r) => deps.log.warn(r, `completing a paper listed from the feed: rejected ${r.where}: ${r.field}: ${r.reason}`) });
  const papers = ingest.normalizeAll([...records.values()].map((input) => ({ kind: 'record', input })));
  const completed = papers.map((p) => p.id);
  const done = new Set(completed);
  const missing = due.filter((d) => !done.has(d.paperId));
  await deps.db.transaction().execute(async (trx) => {
    await upsertPapers(trx, papers, undefined, done);
    await unmarkFeedOnly(trx, completed);
    // Papers due together were mostly listed and tried together: each group waits as its attempts say.
    for (const attempts of new Set(missing.map((d) => d.attempts))) {
      const wait = Math.min(FIRST_RETRY_MS * 2 ** (attempts + 1), MAX_RETRY_MS);
      await postponeFeedOnly(trx, missing.filter((d) => d.attempts === attempts).map((d) => d.paperId), new Date(now.getTime() + wait).toISOString());
    }
  });
  if (completed.length > 0) deps.log.info({ papers: completed.length }, `filled in the full records of ${completed.length} papers listed from the announcement feed alone`);
  if (missing.length > 0) deps.log.warn({ papers: missing.length }, `the export API did not return ${missing.length} papers listed from the announcement feed alone; asking again later`);
  return { completed, postponed: missing.map((d) => d.paperId) };
}
