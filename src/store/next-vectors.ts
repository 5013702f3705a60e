/**
 * The vectors of the model searches are being switched to, kept in `next_vectors` until every
 * paper has one, then moved into `search_docs` in one transaction with the model's activation
 * (`promoteNextVectors`). Until then `search_docs` keeps the vectors searches use.
 */
import { activateWithin, decodeVector, encodeVector, searchDb, type DocText, type SearchDatabase, type SearchDb } from './search-docs.js';
import { perStatement } from './chunks.js';
import type { Db } from './schema.js';
import type { Kysely } from 'kysely';

export interface NextVectorsTable {
  doc: number;
  model: string;
  /** The paper's version when the vector was made: a newer one means its text changed since. */
  version: number;
  vector: Uint8Array;
}

interface NextDatabase extends SearchDatabase {
  next_vectors: NextVectorsTable;
}

type NextDb = Kysely<NextDatabase>;

function nextDb(db: Db | SearchDb): NextDb {
  return searchDb(db) as unknown as NextDb;
}

/** Papers, in doc order from `afterDoc`, that have no next vector of this model for their current version. */
export async function docsWithoutNextVector(db: SearchDb, model: string, opts: { afterDoc: number; limit: number }): Promise<DocText[]> {
  const rows = await nextDb(db)
    .selectFrom('search_docs as d')
    .innerJoin('papers as p', 'p.id', 'd.paper_id')
    .leftJoin('next_vectors as n', (join) => join.onRef('n.doc', '=', 'd.doc').on('n.model', '=', model).onRef('n.version', '=', 'p.version'))
    .select(['d.doc', 'd.paper_id', 'p.version', 'p.title', 'p.abstract'])
    .where('d.doc', '>', opts.afterDoc)
    .where('n.doc', 'is', null)
    .orderBy('d.doc')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({ doc: r.doc, paperId: r.paper_id, version: r.version, title: r.title, abstract: r.abstract }));
}

/** Rows of a batch go in one statement: on PostgreSQL a round trip per paper would cost more than embedding it. */
export async function saveNextVectors(db: SearchDb, model: string, items: { doc: number; version: number; vector: Float32Array }[]): Promise<void> {
  for (const rows of perStatement(items.map(({ doc, version, vector }) => ({ doc, model, version, vector: encodeVector(vector) })))) {
    await nextDb(db)
      .insertInto('next_vectors')
      .values(rows)
      .onConflict((oc) =>
        oc.column('doc').doUpdateSet((eb) => ({ model: eb.ref('excluded.model'), version: eb.ref('excluded.version'), vector: eb.ref('excluded.vector') })),
      )
      .execute();
  }
}

export async function countNextVectors(db: SearchDb, model: string): Promise<number> {
  const row = await nextDb(db).selectFrom('next_vectors').select((eb) => eb.fn.countAll<number>().as('n')).where('model', '=', model).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A model's next vectors in doc order, a page at a time. */
export async function readNextVectors(db: SearchDb, model: string, opts: { afterDoc: number; limit: number }): Promise<{ doc: number; vector: Float32Array }[]> {
  const rows = await nextDb(db)
    .selectFrom('next_vectors')
    .select(['doc', 'vector'])
    .where('model', '=', model)
    .where('doc', '>', opts.afterDoc)
    .orderBy('doc')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({ doc: r.doc, vector: decodeVector(r.vector) }));
}

/**
 * In one transaction: every paper's next vector of this model (made from its current version)
 * becomes its vector, the model becomes the one in use, and the next vectors are cleared. A paper
 * whose text changed since keeps its old vector, as one of another model, and is embedded again.
 */
export async function promoteNextVectors(db: SearchDb, model: string): Promise<void> {
  await nextDb(db)
    .transaction()
    .execute(async (trx) => {
      const current = trx
        .selectFrom('next_vectors as n')
        .innerJoin('search_docs as d', 'd.doc', 'n.doc')
        .innerJoin('papers as p', 'p.id', 'd.paper_id')
        .select('n.doc')
        .where('n.model', '=', model)
        .whereRef('n.version', '=', 'p.version');
      await trx
        .updateTable('search_docs')
        .set((eb) => ({
          model,
          vector: eb.selectFrom('next_vectors as n').select('n.vector').whereRef('n.doc', '=', 'search_docs.doc'),
        }))
        .where('doc', 'in', current)
        .execute();
      await trx.deleteFrom('next_vectors').execute();
      await activateWithin(trx as unknown as SearchDb, model);
    });
}
