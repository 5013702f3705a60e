import type { Db } from '../store/schema.js';

export interface PaperStats {
  upvotes: number;
  comments: number;
}

export type Counter = 'upvotes' | 'comments';

/**
 * The one place counters change. Called inside the transaction of the write it counts, and
 * relative (`n = n + 1`), so concurrent writers never lose an update on either database.
 * Returns the counter's new value.
 */
export async function bumpCounter(trx: Db, paperId: string, counter: Counter, delta: 1 | -1): Promise<number> {
  if (delta === 1) {
    const row = await trx
      .insertInto('paper_stats')
      .values({ paper_id: paperId, upvotes: counter === 'upvotes' ? 1 : 0, comments: counter === 'comments' ? 1 : 0 })
      .onConflict((oc) => oc.column('paper_id').doUpdateSet((eb) => ({ [counter]: eb(`paper_stats.${counter}`, '+', 1) })))
      .returning(counter)
      .executeTakeFirstOrThrow();
    return Number(row[counter]);
  }
  const row = await trx
    .updateTable('paper_stats')
    .set((eb) => ({ [counter]: eb(counter, '-', 1) }))
    .where('paper_id', '=', paperId)
    .returning(counter)
    .executeTakeFirst();
  if (!row) throw new Error(`paper_stats: no row for ${paperId} to decrement`);
  return Number(row[counter]);
}

/** Counters for a page of papers; papers nobody voted on or commented are absent from the table and read as zero. */
export async function statsOf(db: Db, paperIds: readonly string[]): Promise<Map<string, PaperStats>> {
  const stats = new Map<string, PaperStats>(paperIds.map((id) => [id, { upvotes: 0, comments: 0 }]));
  if (paperIds.length === 0) return stats;
  const rows = await db.selectFrom('paper_stats').selectAll().where('paper_id', 'in', [...new Set(paperIds)]).execute();
  for (const row of rows) stats.set(row.paper_id, { upvotes: Number(row.upvotes), comments: Number(row.comments) });
  return stats;
}
