/**
 * Making and keeping vectors: train the catalog model, embed papers that have no vector for the
 * model in use, and tell when the catalog has grown enough to retrain.
 */
import type { SearchSettings } from '../config.js';
import { activateModel, activeModel, countDocs, docTexts, saveModel, saveVectors, type DocText, type SearchDb } from '../store/search-docs.js';
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
 * Trains a new catalog model on the papers stored now, embeds every paper with it, and only then
 * makes it the model in use, so searches keep working on the old vectors meanwhile.
 */
export async function trainCatalogModel(db: SearchDb, options: CatalogTrainingOptions = {}, progress: TrainProgress = {}): Promise<CatalogEmbedder> {
  const total = await countDocs(db);
  progress.onPhase?.('training', total);
  const embedder = await CatalogEmbedder.train(allTexts(db), total, {
    ...options,
    onProgress: (read) => progress.onTrainingProgress?.(read, total),
  });
  await saveModel(db, {
    id: embedder.id,
    kind: 'catalog',
    dimensions: embedder.dimensions,
    trainedOn: total,
    createdAt: new Date().toISOString(),
    state: embedder.serialize(),
  });
  progress.onPhase?.('embedding', total);
  await embedMissing(db, embedder, progress);
  await activateModel(db, embedder.id);
  return embedder;
}

/** Records an ONNX model as the one in use and embeds every paper with it. */
export async function embedWithOnnx(db: SearchDb, embedder: OnnxEmbedder, progress: TrainProgress = {}): Promise<void> {
  const total = await countDocs(db);
  await saveModel(db, { id: embedder.id, kind: 'onnx', dimensions: embedder.dimensions, trainedOn: total, createdAt: new Date().toISOString(), state: null });
  progress.onPhase?.('embedding', total);
  await embedMissing(db, embedder, progress);
  await activateModel(db, embedder.id);
}

/** Retrain once the catalog is a quarter bigger than the one the model learned from. */
export function needsRetraining(catalogSize: number, trainedOn: number): boolean {
  return catalogSize - trainedOn >= Math.max(500, trainedOn * 0.25);
}

/**
 * The embedder searches use: the configured ONNX model, or the stored catalog model; null
 * when the catalog model has not been trained yet. An ONNX model whose vectors were not made
 * yet is still returned: its missing vectors are made by `paperboy embed` or in the background.
 */
export async function loadEmbedder(db: SearchDb, settings: SearchSettings): Promise<Embedder | null> {
  if (settings.embedder === 'onnx') {
    return OnnxEmbedder.load(settings.onnxModelDir!, { pooling: settings.onnxPooling, queryPrefix: settings.onnxQueryPrefix });
  }
  const stored = await activeModel(db);
  if (!stored || stored.kind !== 'catalog' || !stored.state) return null;
  return CatalogEmbedder.deserialize(stored.state);
}
