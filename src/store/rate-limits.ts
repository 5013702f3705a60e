import type { Db } from './schema.js';

/** How many hits a key has had in its window, and when (ms since 1970) the window ends. */
export interface HitCount {
  hits: number;
  resetsAt: number;
}

/**
 * Counts one hit of `key`, in one statement: the first hit, or the first after its window ended,
 * starts a window of `windowMs` at 1; any other adds 1. Every process of a site counts in the same
 * row, and two hits at once are two (the row is locked by the upsert on PostgreSQL; SQLite
 * writes one at a time).
 */
export async function countHit(db: Db, key: string, windowMs: number, now: number): Promise<HitCount> {
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, resets_at: now + windowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const over = eb('rate_limits.resets_at', '<=', now);
        return {
          hits: eb.case().when(over).then(1).else(eb('rate_limits.hits', '+', 1)).end(),
          resets_at: eb.case().when(over).then(now + windowMs).else(eb.ref('rate_limits.resets_at')).end(),
        };
      }),
    )
    .returning(['hits', 'resets_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), resetsAt: Number(row.resets_at) };
}

/** The count of `key` without adding to it; none once its window has ended. */
export async function readHits(db: Db, key: string, now: number): Promise<HitCount | null> {
  const row = await db.selectFrom('rate_limits').select(['hits', 'resets_at']).where('key', '=', key).where('resets_at', '>', now).executeTakeFirst();
  return row ? { hits: Number(row.hits), resetsAt: Number(row.resets_at) } : null;
}

/** Forgets the counts whose window has ended (they would start again from 1 anyway). */
export async function forgetEndedWindows(db: Db, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('resets_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
