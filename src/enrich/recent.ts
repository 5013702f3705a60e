import type { Db } from '../store/schema.js';

/**
 * Papers are enriched while they are news: those of the catalog's latest listing days, and those
 * featured in them, within RECENT_CALENDAR_DAYS of the newest (a catalog harvested now and then
 * has few listing days far apart). Measured from the catalog's newest day rather than the clock,
 * so the demo catalog is enriched too.
 */
export const RECENT_LISTING_DAYS = 14;
export const RECENT_CALENDAR_DAYS = 21;

/** The first of the catalog's recent listing days, or null for an empty catalog. */
export async function recentSince(db: Db): Promise<string | null> {
  const days = await db.selectFrom('papers').select('day').distinct().orderBy('day', 'desc').limit(RECENT_LISTING_DAYS).execute();
  if (days.length === 0) return null;
  const floor = new Date(Date.parse(`${days[0]!.day}T00:00:00Z`) - RECENT_CALENDAR_DAYS * 86_400_000).toISOString().slice(0, 10);
  const oldest = days[days.length - 1]!.day;
  return oldest > floor ? oldest : floor;
}

/**
 * Ids of the recent papers that `pending` keeps, featured ones first, then newest first; hidden
 * papers left out. `pending` narrows the query to those a job still has to do.
 */
export async function recentPapers(
  db: Db,
  since: string,
  limit: number,
  pending: (q: ReturnType<typeof recentQuery>) => ReturnType<typeof recentQuery>,
): Promise<string[]> {
  const featured = await pending(recentQuery(db))
    .where((eb) => eb.or([eb('submissions.day', '>=', since), eb('featured_picks.day', '>=', since)]))
    .orderBy('papers.id', 'desc')
    .limit(limit)
    .execute();
  const listed = featured.length >= limit ? [] : await pending(recentQuery(db)).where('papers.day', '>=', since).orderBy('papers.day', 'desc').orderBy('papers.id', 'desc').limit(limit).execute();
  return [...new Set([...featured, ...listed].map((r) => r.id))].slice(0, limit);
}

function recentQuery(db: Db) {
  return db
    .selectFrom('papers')
    .leftJoin('submissions', 'submissions.paper_id', 'papers.id')
    .leftJoin('featured_picks', 'featured_picks.paper_id', 'papers.id')
    .select('papers.id')
    .where('papers.id', 'not in', db.selectFrom('hidden_papers').select('paper_id'));
}
