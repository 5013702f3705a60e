import type { Db } from '../store/schema.js';

/** Papers are enriched while they are news: those of the catalog's latest listing days, and those featured in them. */
export const RECENT_LISTING_DAYS = 14;

/** The first of the catalog's latest listing days, or null for an empty catalog. */
export async function recentSince(db: Db): Promise<string | null> {
  const days = await db.selectFrom('papers').select('day').distinct().orderBy('day', 'desc').limit(RECENT_LISTING_DAYS).execute();
  return days.length === 0 ? null : days[days.length - 1]!.day;
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
