import { perStatement } from './chunks.js';
import type { Db } from './schema.js';

export interface PapersFound {
  /** The ids asked for that are in the catalog. */
  ids: Set<string>;
  /** Paper id by DOI key. */
  byDoi: Map<string, string>;
  /** Paper ids by title key; more than one when several papers share a title. */
  byTitle: Map<string, string[]>;
}

/** Finds papers by arXiv id, DOI key and title key (papers/match-keys.ts), a statement per kind and chunk. */
export async function findPapers(db: Db, wanted: { ids: readonly string[]; dois: readonly string[]; titles: readonly string[] }): Promise<PapersFound> {
  const found: PapersFound = { ids: new Set(), byDoi: new Map(), byTitle: new Map() };
  for (const chunk of perStatement([...new Set(wanted.ids)])) {
    for (const row of await db.selectFrom('papers').select('id').where('id', 'in', chunk).execute()) found.ids.add(row.id);
  }
  for (const chunk of perStatement([...new Set(wanted.dois)])) {
    const rows = await db.selectFrom('papers').select(['id', 'doi_key']).where('doi_key', 'in', chunk).orderBy('id').execute();
    for (const row of rows) if (row.doi_key !== null && !found.byDoi.has(row.doi_key)) found.byDoi.set(row.doi_key, row.id);
  }
  for (const chunk of perStatement([...new Set(wanted.titles)])) {
    const rows = await db.selectFrom('papers').select(['id', 'title_key']).where('title_key', 'in', chunk).orderBy('id').execute();
    for (const row of rows) if (row.title_key !== null) found.byTitle.set(row.title_key, [...(found.byTitle.get(row.title_key) ?? []), row.id]);
  }
  return found;
}
