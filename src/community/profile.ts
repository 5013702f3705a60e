import type { Paper } from '../papers/paper.js';
import { fromRow } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import { requireMember } from './users.js';
import { listed } from '../store/visibility.js';

/** A member shows or hides the papers they upvoted on their profile. */
export async function setUpvotesPublic(db: Db, userId: number, isPublic: boolean): Promise<void> {
  await requireMember(db, userId, { verified: false });
  await db.updateTable('users').set({ upvotes_public: isPublic ? 1 : 0 }).where('id', '=', userId).execute();
}

/** The papers a member upvoted, newest vote first, when they made them public or it is their own profile; else null. */
export async function upvotedPapers(db: Db, userId: number, viewerId: number | null, limit = 50): Promise<Paper[] | null> {
  const user = await db.selectFrom('users').select('upvotes_public').where('id', '=', userId).executeTakeFirst();
  if (!user || (user.upvotes_public !== 1 && viewerId !== userId)) return null;
  const rows = await db
    .selectFrom('votes')
    .innerJoin('papers', 'papers.id', 'votes.paper_id')
    .selectAll('papers')
    .where('votes.user_id', '=', userId)
    .where(listed('papers.id'))
    .orderBy('votes.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}
