/**
 * Papers listed with the announcement feed's data alone (`feed_only_papers`): marked by the daily
 * read in the transaction that lists them, asked of arXiv's export API again later, unmarked once
 * their full record is stored (catalog/feed-only.ts). The paper page says what is missing meanwhile.
 */
import { perStatement } from './chunks.js';
import type { Db } from './schema.js';

/** Marks papers just listed from the feed alone; the first new attempt is due at `firstAttemptAt`. */
export async function markFeedOnly(db: Db, ids: readonly string[], listedAt: string, firstAttemptAt: string): Promise<void> {
  for (const chunk of perStatement(ids.map((paper_id) => ({ paper_id, listed_at: listedAt, attempts: 0, next_attempt_at: firstAttemptAt })))) {
    await db.insertInto('feed_only_papers').values(chunk).onConflict((oc) => oc.column('paper_id').doNothing()).execute();
  }
}

/** Papers whose next attempt is due at `now`, oldest due first, with fewer than `maxAttempts` so far; at most `limit`. */
export async function feedOnlyDue(db: Db, now: string, limit: number, maxAttempts: number): Promise<{ paperId: string; attempts: number }[]> {
  const rows = await db
    .selectFrom('feed_only_papers')
    .select(['paper_id', 'attempts'])
    .where('next_attempt_at', '<=', now)
    .where('attempts', '<', maxAttempts)
    .orderBy('next_attempt_at')
    .orderBy('paper_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ paperId: r.paper_id, attempts: Number(r.attempts) }));
}

/** One more attempt failed for these papers; the next is due at `nextAttemptAt`. */
export async function postponeFeedOnly(db: Db, ids: readonly string[], nextAttemptAt: string): Promise<void> {
  for (const chunk of perStatement(ids)) {
    await db
      .updateTable('feed_only_papers')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt }))
      .where('paper_id', 'in', chunk)
      .execute();
  }
}

/** Their full records are stored. */
export async function unmarkFeedOnly(db: Db, ids: readonly string[]): Promise<void> {
  for (const chunk of perStatement(ids)) await db.deleteFrom('feed_only_papers').where('paper_id', 'in', chunk).execute();
}

export async function isFeedOnly(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('feed_only_papers').select('paper_id').where('paper_id', '=', id).executeTakeFirst()) !== undefined;
}
