import type { Kysely } from 'kysely';
import { doiKey, titleKey } from '../../papers/match-keys.js';

/**
 * The keys a library imported from a reference manager finds papers by when an entry has no arXiv
 * id: the paper's DOI and title, each in one comparable form (papers/match-keys.ts), indexed.
 * `upsertPapers` writes them with every paper from now on; the papers already stored get theirs
 * here. The rule is imported rather than copied so that there is one; should it change, a new
 * migration recomputes the keys.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('papers').addColumn('title_key', 'text').execute();
  await db.schema.alterTable('papers').addColumn('doi_key', 'text').execute();
  await db.schema.createIndex('papers_title_key').on('papers').column('title_key').execute();
  await db.schema.createIndex('papers_doi_key').on('papers').column('doi_key').execute();

  const PAGE = 1000;
  let after = '';
  for (;;) {
    const rows: { id: string; title: string; doi: string | null }[] = await db
      .selectFrom('papers')
      .select(['id', 'title', 'doi'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      await db.updateTable('papers').set({ title_key: titleKey(row.title), doi_key: doiKey(row.doi) }).where('id', '=', row.id).execute();
    }
    after = rows[rows.length - 1]!.id;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('papers_doi_key').execute();
  await db.schema.dropIndex('papers_title_key').execute();
  await db.schema.alterTable('papers').dropColumn('doi_key').execute();
  await db.schema.alterTable('papers').dropColumn('title_key').execute();
}
