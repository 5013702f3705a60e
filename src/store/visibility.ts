/**
 * The one rule every list of papers follows: a paper a moderator has hidden is left out. A query
 * that lists papers adds `.where(listed('papers.id'))`; a list put together in memory (search hits,
 * recommendations) drops what `hiddenAmong` names. Only the paper's own page (and the API's answer
 * for one paper) still shows a hidden paper, marked as hidden.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { perStatement } from './chunks.js';
import type { Db } from './schema.js';
import type { SearchDb } from './search-docs.js';

/** The condition "this paper is not hidden", for a query's `where`; `paperId` names the column holding the paper's id. */
export function listed(paperId: `${string}.${string}`): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(paperId)} not in (select ${sql.ref('hidden_papers.paper_id')} from ${sql.table('hidden_papers')})`;
}

/** Which of these papers a moderator has hidden. */
export async function hiddenAmong(db: Db | SearchDb, paperIds: readonly string[]): Promise<Set<string>> {
  const hidden = new Set<string>();
  for (const chunk of perStatement([...new Set(paperIds)])) {
    const rows = await (db as Db).selectFrom('hidden_papers').select('paper_id').where('paper_id', 'in', chunk).execute();
    for (const r of rows) hidden.add(r.paper_id);
  }
  return hidden;
}
