/**
 * Making and keeping vectors: train the catalog model, embed papers that have no vector for the
 * model in use, tell when the catalog has grown enough to retrain, and switch to another model
 * (retrained, or another ONNX model) without a gap: the new model's vectors are made apart from
 * the ones searches use (`next_vectors`) and moved in one transaction once every paper has one.
 */
import type { SearchSettings } from '../config.js';
import { countNextVectors, docsWithoutNextVector, promoteNextVectors, readNextVectors, saveNextVectors } from '../store/next-vectors.js';
import { activeModel, countDocs, docTexts, modelById, readVectors, saveModel, saveVectors, type DocText, type SearchDb, type StoredModel } from '../store/search-docs.js';
import { CatalogEmbedder, type CatalogTrainingOptions } from './catalog-embedder.js';
import type { Embedder } from './embedder.js';
import { OnnxEmbedder } from './onnx-embedder.js';

const EMBED_BATCH = 256;

export interface EmbedProgress {
  onProgress?: (done: number) => void;
  /** Called with each stored batch (the service adds them to its index). */
  onBatch?: (items: { doc: number; vector: Float32Array }[]) => Promise<void>;
}

/** Embeds every paper whose vector is missing or from another model; returns how many. */
export async function embedMissing(db: SearchDb, embedder: Embedder, progress: EmbedProgress = {}): Promise<number> {
  let done = 0;
  let afterDoc = 0;
  for (;;) {
    const page = await docTexts(db, { afterDoc, limit: EMBED_BATCH, missingVectorFor: embedder.id });
    if (page.length === 0) break;
    const vectors = await embedder.embedDocuments(page);
    const items = page.map((d, i) => ({ doc: d.doc, vector: vectors[i]! }));
    await db.transaction().execute((trx) => saveVectors(trx, embedder.id, items));
    await progress.onBatch?.(items);
    done += page.length;
    afterDoc = page[page.length - 1]!.doc;
    progress.onProgress?.(done);
    // Let a server answer requests between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done;
}

/** Every paper's title and abstract, in doc order, read a page at a time. */
async function* allTexts(db: SearchDb): AsyncIterable<DocText> {
  let afterDoc = 0;
  for (;;) {
    const page = await docTexts(db, { afterDoc, limit: 5000 });
    if (page.length === 0) return;
    yield* page;
    afterDoc = page[page.length - 1]!.doc;
  }
}

export interface TrainProgress extends EmbedProgress {
  onTrainingProgress?: (read: number, total: number) => void;
  onPhase?: (phase: 'training' | 'embedding', total: number) => void;
}

/**
 * Trains a new catalog model on the papers stored now and makes every paper's vector with it,
 * apart from the vectors searches use (see `prepareModel`); the model is not in use yet.
 */
export async function prepareCatalogModel(db: SearchDb, options: CatalogTrainingOptions = {}, progress: TrainProgress = {}): Promise<CatalogEmbedder> {
  const total = await countDocs(db);
  progress.onPhase?.('training', total);
  const embedder = await CatalogEmbedder.train(allTexts(db), total, {
    ...options,
    onProgress: (read) => progress.onTrainingProgress?.(read, total),
  });
  await prepareModel(db, embedder, embedder.serialize(), total, progress);
  return embedder;
}

/** Trains a new catalog model, embeds every paper with it, and only then makes it the model in use. */
export async function trainCatalogModel(db: SearchDb, options: CatalogTrainingOptions = {}, progress: TrainProgress = {}): Promise<CatalogEmbedder> {
  const embedder = await prepareCatalogModel(db, options, progress);
  await promoteNextVectors(db, embedder.id);
  return embedder;
}

/** Embeds every paper with an ONNX model and makes it the model in use. */
export async function embedWithOnnx(db: SearchDb, embedder: OnnxEmbedder, progress: TrainProgress = {}): Promise<void> {
  await prepareModel(db, embedder, embedder.state, await countDocs(db), progress);
  await promoteNextVectors(db, embedder.id);
}

/**
 * Records a model (not in use) and makes its vector for every paper into `next_vectors`, taking
 * up where a stopped run left off; `promoteNextVectors` then puts them in use in one step.
 */
export async function prepareModel(db: SearchDb, embedder: Embedder, state: Uint8Array, catalogSize: number, progress: TrainProgress = {}): Promise<void> {
  await saveModel(db, { id: embedder.id, kind: embedder.kind, dimensions: embedder.dimensions, trainedOn: catalogSize, createdAt: new Date().toISOString(), state });
  progress.onPhase?.('embedding', catalogSize);
  let done = await countNextVectors(db, embedder.id);
  let afterDoc = 0;
  for (;;) {
    const page = await docsWithoutNextVector(db, embedder.id, { afterDoc, limit: EMBED_BATCH });
    if (page.length === 0) break;
    const vectors = await embedder.embedDocuments(page);
    await db.transaction().execute((trx) => saveNextVectors(trx, embedder.id, page.map((d, i) => ({ doc: d.doc, version: d.version, vector: vectors[i]! }))));
    done += page.length;
    afterDoc = page[page.length - 1]!.doc;
    progress.onProgress?.(done);
    // Let a server answer requests between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A model's next vectors, a page at a time, for building its index before it is put in use. */
export function nextVectorPages(db: SearchDb, model: string): AsyncIterable<{ doc: number; vector: Float32Array }[]> {
  return pages((afterDoc) => readNextVectors(db, model, { afterDoc, limit: 5000 }));
}

/** The vectors of the model in use, a page at a time. */
export function vectorPages(db: SearchDb, model: string): AsyncIterable<{ doc: number; vector: Float32Array }[]> {
  return pages((afterDoc) => readVectors(db, model, { afterDoc, limit: 5000 }));
}

async function* pages(read: (afterDoc: number) => Promise<{ doc: number; vector: Float32Array }[]>): AsyncIterable<{ doc: number; vector: Float32Array }[]> {
  let afterDoc = 0;
  for (;;) {
    const page = await read(afterDoc);
    if (page.length === 0) return;
    yield page;
    afterDoc = page[page.length - 1]!.doc;
  }
}

/** Retrain once the catalog is a quarter bigger than the one the model learned from. */
export function needsRetraining(catalogSize: number, trainedOn: number): boolean {
  return catalogSize - trainedOn >= Math.max(500, trainedOn * 0.25);
}

/**
 * The configured embedder: the ONNX model set, or the stored catalog model (null when the catalog
 * model has not been trained yet, or the model in use is an ONNX one).
 */
export async function loadEmbedder(db: SearchDb, settings: SearchSettings): Promise<Embedder | null> {
  if (settings.embedder === 'onnx') {
    return OnnxEmbedder.load(settings.onnxModelDir!, { pooling: settings.onnxPooling, queryPrefix: settings.onnxQueryPrefix });
  }
  const stored = await activeModel(db);
  if (!stored || stored.kind !== 'catalog' || !stored.state) return null;
  return CatalogEmbedder.deserialize(stored.state);
}

/**
 * The embedder whose vectors searches use: the model in use (`embedding_models`), loaded from
 * what was stored with it, which is the configured one unless a switch is under way. Null when no
 * model is in use yet.
 */
export async function servingEmbedder(db: SearchDb, settings: SearchSettings): Promise<Embedder | null> {
  const active = await activeModel(db);
  if (!active) return null;
  if (active.state) return storedEmbedder(active);
  // An ONNX model stored before models kept where they are: only the configured one can be it.
  const configured = await loadEmbedder(db, settings);
  return configured?.id === active.id ? configured : null;
}

/** A stored model's embedder, or null when it cannot be made again (an ONNX model stored without where it was). */
export async function storedEmbedder(model: StoredModel): Promise<Embedder | null> {
  if (!model.state) return null;
  return model.kind === 'catalog' ? CatalogEmbedder.deserialize(model.state) : OnnxEmbedder.fromState(model.state);
}

/** A model recorded by `prepareModel`, by its id. */
export async function preparedEmbedder(db: SearchDb, id: string): Promise<Embedder | null> {
  const model = await modelById(db, id);
  return model ? storedEmbedder(model) : null;
}
