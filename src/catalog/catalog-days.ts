/**
 * When `serve` reads no announcements (PAPERBOY_ARXIV_CATEGORIES=none: a catalog fed by `paperboy
 * import`, `harvest` or `fetch`, or the bundled demo), the catalog's own listing days stand in for
 * arXiv's. A day with papers is recorded in `announcement_days` (source `catalog`) once no paper of
 * it has been stored for SETTLE_MS, so that the embedding and the digests wait for it as they wait
 * for an announcement, and an import or harvest still storing a day never has its digest sent
 * half-way. Days are recorded in order after the newest day recorded (on the first run, only the
 * newest day with papers: older news is not sent), up to today (UTC, where an announcement's day
 * already is), each once; a day still being stored holds back the later ones.
 */
import type { Logger } from '../log.js';
import { latestRecordedDay, recordDay } from '../store/announcement-days.js';
import { storedDays } from '../store/papers.js';
import type { Db } from '../store/schema.js';

/** How long a day's papers must have stopped arriving before the day counts as stored. */
export const SETTLE_MS = 10 * 60_000;

/** Records the catalog's days that are stored and not recorded yet; returns them, oldest first. */
export async function recordCatalogDays(db: Db, log: Logger, now: Date): Promise<string[]> {
  const recorded: string[] = [];
  for (const { day, papers, lastStoredAt } of await storedDays(db, await latestRecordedDay(db), now.toISOString().slice(0, 10))) {
    if (Date.parse(lastStoredAt) > now.getTime() - SETTLE_MS) break;
    if (await recordDay(db, { day, status: 'listed', source: 'catalog', listed: papers, replaced: 0, read_at: now.toISOString() })) recorded.push(day);
  }
  if (recorded.length > 0) log.info({ days: recorded }, `the catalog's papers of ${recorded.join(', ')} are stored`);
  return recorded;
}
