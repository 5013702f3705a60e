/**
 * The authors a member follows. Their new papers come first in the member's "For you" list and in
 * their digests. A name is kept as written on papers (`Yann LeCun`), so following is a private
 * choice of the member's: nothing here is shown to others.
 */
import type { Db } from '../store/schema.js';
import { FORBIDDEN_IN_LINE, invalid } from './errors.js';
import { requireMember } from './users.js';

export const MAX_AUTHOR_NAME_LENGTH = 200;
/** Enough for any reader; a bound so a script cannot grow one member's list without end. */
export const MAX_FOLLOWED_AUTHORS = 500;

/** A name as stored: trimmed, inner runs of spaces made one. Throws `invalid` (field `author`) when it is not a name. */
export function authorName(raw: unknown): string {
  if (typeof raw !== 'string') throw invalid('author', 'An author name is needed.');
  if (FORBIDDEN_IN_LINE.test(raw)) throw invalid('author', 'An author name cannot hold control characters.');
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '' || !/[\p{L}\p{N}]/u.test(name)) throw invalid('author', 'An author name is needed.');
  if (name.length > MAX_AUTHOR_NAME_LENGTH) throw invalid('author', `An author name is at most ${MAX_AUTHOR_NAME_LENGTH} characters.`);
  return name;
}

/** Follows an author; following one already followed changes nothing. */
export async function followAuthor(db: Db, userId: number, rawName: string, now = new Date()): Promise<{ author: string; followed: boolean }> {
  const author = authorName(rawName);
  await requireMember(db, userId, { verified: false });
  return db.transaction().execute(async (trx) => {
    const already = await trx.selectFrom('author_follows').select('author').where('user_id', '=', userId).where('author', '=', author).executeTakeFirst();
    if (already) return { author, followed: false };
    const count = await trx
      .selectFrom('author_follows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_FOLLOWED_AUTHORS) throw invalid('author', `You follow ${MAX_FOLLOWED_AUTHORS} authors already: unfollow some first.`);
    const added = await trx
      .insertInto('author_follows')
      .values({ user_id: userId, author, created_at: now.toISOString() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return { author, followed: Number(added.numInsertedOrUpdatedRows ?? 0n) > 0 };
  });
}

/** Stops following an author; unfollowing one not followed changes nothing. */
export async function unfollowAuthor(db: Db, userId: number, rawName: string): Promise<{ author: string; unfollowed: boolean }> {
  const author = authorName(rawName);
  await requireMember(db, userId, { verified: false });
  const removed = await db.deleteFrom('author_follows').where('user_id', '=', userId).where('author', '=', author).executeTakeFirst();
  return { author, unfollowed: Number(removed.numDeletedRows) > 0 };
}

/** The authors a member follows, by name. */
export async function followedAuthors(db: Db, userId: number): Promise<string[]> {
  const rows = await db.selectFrom('author_follows').select('author').where('user_id', '=', userId).orderBy('author').execute();
  return rows.map((r) => r.author);
}

export async function isFollowing(db: Db, userId: number, rawName: string): Promise<boolean> {
  let author: string;
  try {
    author = authorName(rawName);
  } catch {
    return false;
  }
  const row = await db.selectFrom('author_follows').select('author').where('user_id', '=', userId).where('author', '=', author).executeTakeFirst();
  return row !== undefined;
}
