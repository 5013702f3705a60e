/**
 * Portable queries over the search tables: the doc number of every paper, its vector (a BLOB of
 * little-endian float32), and the embedding models. SQLite-only search SQL is in search/sqlite-search.ts.
 */
import { sql, type Kysely } from 'kysely';
import type { Paper } from '../papers/paper.js';
import { storeKind } from './dialect.js';
import { fromRow } from './papers.js';
import type { Database, Db } from './schema.js';

export interface SearchDocsTable {
  doc: number;
  paper_id: string;
  model: string | null;
  vector: Uint8Array | null;
}

export interface EmbeddingModelsTable {
  id: string;
  kind: string;
  dimensions: number;
  /** How many papers the catalog held when the model was trained (to know when to retrain). */
  trained_on: number;
  created_at: string;
  active: number;
  /** What the embedder needs to embed new text (vocabulary, projection), or null if it keeps none. */
  state: Uint8Array | null;
}

export interface SearchDatabase extends Database {
  search_docs: SearchDocsTable;
  embedding_models: EmbeddingModelsTable;
}

export type SearchDb = Kysely<SearchDatabase>;

/** The catalog database seen with the search tables too. */
export function searchDb(db: Db | SearchDb): SearchDb {
  return db as unknown as SearchDb;
}

export interface DocText {
  doc: number;
  paperId: string;
  /** The paper's version, which changes with its text. */
  version: number;
  title: string;
  abstract: string;
}

/** Title and abstract of docs in doc order, a page at a time (for training and embedding). */
export async function docTexts(db: SearchDb, opts: { afterDoc: number; limit: number; missingVectorFor?: string }): Promise<DocText[]> {
  let query = db
    .selectFrom('search_docs as d')
    .innerJoin('papers as p', 'p.id', 'd.paper_id')
    .select(['d.doc', 'd.paper_id', 'p.version', 'p.title', 'p.abstract'])
    .where('d.doc', '>', opts.afterDoc);
  if (opts.missingVectorFor !== undefined) {
    const model = opts.missingVectorFor;
    query = query.where((eb) => eb.or([eb('d.model', 'is', null), eb('d.model', '!=', model)]));
  }
  const rows = await query.orderBy('d.doc').limit(opts.limit).execute();
  return rows.map((r) => ({ doc: r.doc, paperId: r.paper_id, version: r.version, title: r.title, abstract: r.abstract }));
}

export async function countDocs(db: SearchDb, model?: string): Promise<number> {
  let query = db.selectFrom('search_docs').select((eb) => eb.fn.countAll<number>().as('n'));
  if (model !== undefined) query = query.where('model', '=', model);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Stores vectors of one model. On PostgreSQL a whole batch is one statement (a round trip per
 * paper would cost more than the embedding); SQLite, in the process, takes them a row at a time.
 */
export async function saveVectors(db: SearchDb, model: string, vectors: { doc: number; vector: Float32Array }[]): Promise<void> {
  if (storeKind(db) === 'postgres') {
    for (let i = 0; i < vectors.length; i += VECTORS_PER_STATEMENT) {
      const part = vectors.slice(i, i + VECTORS_PER_STATEMENT);
      await sql`UPDATE search_docs AS d SET model = ${model}, vector = v.vector
        FROM unnest(${part.map((v) => v.doc)}::int[], ${part.map((v) => encodeVector(v.vector))}::bytea[]) AS v(doc, vector)
        WHERE d.doc = v.doc`.execute(db);
    }
    return;
  }
  for (const { doc, vector } of vectors) {
    await db.updateTable('search_docs').set({ model, vector: encodeVector(vector) }).where('doc', '=', doc).execute();
  }
}

/** Two array parameters, whatever their length; this keeps one statement to a few megabytes. */
const VECTORS_PER_STATEMENT = 1000;

/** Vectors of one model in doc order, a page at a time. */
export async function readVectors(
  db: SearchDb,
  model: string,
  opts: { afterDoc: number; limit: number; docs?: number[] },
): Promise<{ doc: number; vector: Float32Array }[]> {
  let query = db.selectFrom('search_docs').select(['doc', 'vector']).where('model', '=', model).where('doc', '>', opts.afterDoc);
  if (opts.docs) query = query.where('doc', 'in', opts.docs);
  const rows = await query.orderBy('doc').limit(opts.limit).execute();
  return rows.filter((r) => r.vector !== null).map((r) => ({ doc: r.doc, vector: decodeVector(r.vector!) }));
}

/**
 * A point in the history of the vectors, to read what changed after it: on PostgreSQL the oldest
 * transaction still running (every older one has committed or rolled back), on SQLite none (it
 * keeps no history, and everything is read each time).
 */
export type VectorHorizon = string | null;

export async function vectorHorizon(db: SearchDb): Promise<VectorHorizon> {
  if (storeKind(db) !== 'postgres') return null;
  const { rows } = await sql<{ horizon: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`.execute(db);
  return rows[0]!.horizon;
}

export interface VectorChanges {
  /** Docs with a vector of this model; when `everything` is false, only those written since the horizon. */
  current: number[];
  /** Docs without one (new, changed or of another model), likewise. */
  missing: number[];
  /** Whether every doc was read (SQLite, or no horizon yet), rather than only the changed ones. */
  everything: boolean;
  /** Where to read from next time. */
  horizon: VectorHorizon;
}

/**
 * The docs whose vector changed since `horizon`, by state. PostgreSQL knows the transaction that
 * last wrote each row's vector (search_docs.changed_tx), so another process's embedding is read
 * as a few rows, not as the whole table; SQLite reads the state of every doc.
 */
export async function vectorChangesSince(db: SearchDb, model: string, horizon: VectorHorizon): Promise<VectorChanges> {
  const next = await vectorHorizon(db);
  let query = db.selectFrom('search_docs').select(['doc', (eb) => eb('model', '=', model).as('current')]);
  if (horizon !== null && next !== null) query = query.where(sql<boolean>`changed_tx >= ${horizon}::xid8`);
  const rows = await query.execute();
  const current: number[] = [];
  const missing: number[] = [];
  for (const row of rows) (row.current ? current : missing).push(row.doc);
  return { current, missing, everything: horizon === null || next === null, horizon: next };
}

export async function vectorOfPaper(db: SearchDb, model: string, paperId: string): Promise<{ doc: number; vector: Float32Array } | null> {
  const row = await db
    .selectFrom('search_docs')
    .select(['doc', 'vector'])
    .where('paper_id', '=', paperId)
    .where('model', '=', model)
    .executeTakeFirst();
  return row?.vector ? { doc: row.doc, vector: decodeVector(row.vector) } : null;
}

export async function docOfPaper(db: SearchDb, paperId: string): Promise<number | null> {
  const row = await db.selectFrom('search_docs').select('doc').where('paper_id', '=', paperId).executeTakeFirst();
  return row?.doc ?? null;
}

/** Papers for a list of doc numbers, in the order given (missing ones are skipped). */
export async function papersForDocs(db: SearchDb, docs: number[]): Promise<Map<number, Paper>> {
  const found = new Map<number, Paper>();
  if (docs.length === 0) return found;
  const rows = await db
    .selectFrom('search_docs as d')
    .innerJoin('papers as p', 'p.id', 'd.paper_id')
    .selectAll('p')
    .select('d.doc')
    .where('d.doc', 'in', docs)
    .execute();
  for (const { doc, ...row } of rows) found.set(doc, fromRow(row));
  return found;
}

export interface StoredModel {
  id: string;
  kind: string;
  dimensions: number;
  trainedOn: number;
  createdAt: string;
  state: Uint8Array | null;
}

/** The id of the model in use, without its state (which may be tens of megabytes). */
export async function activeModelId(db: SearchDb): Promise<string | null> {
  const row = await db.selectFrom('embedding_models').select('id').where('active', '=', 1).executeTakeFirst();
  return row?.id ?? null;
}

export async function activeModel(db: SearchDb): Promise<StoredModel | null> {
  const row = await db.selectFrom('embedding_models').selectAll().where('active', '=', 1).executeTakeFirst();
  return row ? storedModel(row) : null;
}

/** A model by its id, in use or being switched to. */
export async function modelById(db: SearchDb, id: string): Promise<StoredModel | null> {
  const row = await db.selectFrom('embedding_models').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? storedModel(row) : null;
}

function storedModel(row: EmbeddingModelsTable): StoredModel {
  return { id: row.id, kind: row.kind, dimensions: row.dimensions, trainedOn: row.trained_on, createdAt: row.created_at, state: row.state };
}

export async function saveModel(db: SearchDb, model: StoredModel): Promise<void> {
  await db
    .insertInto('embedding_models')
    .values({
      id: model.id,
      kind: model.kind,
      dimensions: model.dimensions,
      trained_on: model.trainedOn,
      created_at: model.createdAt,
      active: 0,
      state: model.state,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Makes a model the one searches use and forgets the others (their vectors are replaced as papers are re-embedded). */
export async function activateModel(db: SearchDb, id: string): Promise<void> {
  await db.transaction().execute((trx) => activateWithin(trx, id));
}

/** `activateModel` inside a transaction the caller holds (with the vectors that go with the model). */
export async function activateWithin(trx: SearchDb, id: string): Promise<void> {
  await trx.updateTable('embedding_models').set({ active: 0 }).where('id', '!=', id).execute();
  await trx.updateTable('embedding_models').set({ active: 1 }).where('id', '=', id).execute();
  await trx.deleteFrom('embedding_models').where('id', '!=', id).execute();
}

export function encodeVector(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

export function decodeVector(bytes: Uint8Array): Float32Array {
  // Copy: the driver's buffer may not be aligned for a Float32Array view.
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}
