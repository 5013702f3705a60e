import { lockRows } from '../store/dialect.js';
import type { Db } from '../store/schema.js';
import { CommunityError } from './errors.js';
import { bumpCounter } from './paper-stats.js';
import { requireMember } from './users.js';

/**
 * Every vote goes through here: the vote row and the paper's counter change in one transaction,
 * so the count shown is always the number of vote rows.
 */
export async function toggleVote(db: Db, userId: number, paperId: string, now = new Date()): Promise<{ voted: boolean; upvotes: number }> {
  await requireMember(db, userId);
  return db.transaction().execute(async (trx) => {
    // One toggle of a member's at a time: a double click adds the vote and takes it back, as on
    // SQLite, instead of both clicks finding no vote and both adding it.
    await lockRows(trx, trx.selectFrom('users').select('id').where('id', '=', userId)).execute();
    const paper = await trx.selectFrom('papers').select('id').where('id', '=', paperId).executeTakeFirst();
    if (!paper) throw new CommunityError('not_found', `No paper ${paperId} in the catalog.`);
    const removed = await trx.deleteFrom('votes').where('user_id', '=', userId).where('paper_id', '=', paperId).executeTakeFirst();
    if (Number(removed.numDeletedRows) > 0) {
      return { voted: false, upvotes: await bumpCounter(trx, paperId, 'upvotes', -1) };
    }
    const added = await trx
      .insertInto('votes')
      .values({ user_id: userId, paper_id: paperId, created_at: now.toISOString() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0n) > 0) {
      return { voted: true, upvotes: await bumpCounter(trx, paperId, 'upvotes', 1) };
    }
    // Inserted meanwhile (the member's lock makes this unreachable, but never count twice): it is counted already.
    const stats = await trx.selectFrom('paper_stats').select('upvotes').where('paper_id', '=', paperId).executeTakeFirst();
    return { voted: true, upvotes: Number(stats?.upvotes ?? 0) };
  });
}

/** Which of these papers the member has upvoted, to draw the vote buttons of a page. */
export async function votesOf(db: Db, userId: number, paperIds: readonly string[]): Promise<Set<string>> {
  if (paperIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('votes')
    .select('paper_id')
    .where('user_id', '=', userId)
    .where('paper_id', 'in', [...new Set(paperIds)])
    .execute();
  return new Set(rows.map((r) => r.paper_id));
}
