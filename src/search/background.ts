/**
 * Keeps search current while a server runs: new papers get vectors from the model in use; the
 * catalog model is retrained in a worker thread once the catalog has grown enough (or first
 * trained, once there are enough papers to learn from); and when another ONNX model is configured,
 * every paper is embedded with it. Either way searches answer with the old vectors until the new
 * model has a vector for every paper, and then change over in one step (SearchService.swapTo).
 */
import { Worker } from 'node:worker_threads';
import type { SearchSettings } from '../config.js';
import type { Logger } from '../log.js';
import { promoteNextVectors } from '../store/next-vectors.js';
import type { Db } from '../store/schema.js';
import { activeModel, countDocs, searchDb, type SearchDb } from '../store/search-docs.js';
import type { Embedder } from './embedder.js';
import { loadEmbedder, needsRetraining, nextVectorPages, preparedEmbedder, prepareModel, storedEmbedder, vectorPages } from './maintain.js';
import type { OnnxEmbedder } from './onnx-embedder.js';
import type { SearchService } from './service.js';
import { databaseFile } from './sqlite-search.js';

/** Fewer papers than this teach a model little; keyword search serves them well. */
const MIN_PAPERS_TO_TRAIN = 1000;
/** After a failed training or model load, wait this long before trying again (not every tick). */
const RETRY_AFTER_MS = 60 * 60 * 1000;
/** How often a long switch to an ONNX model says how far it is. */
const LOG_EVERY_MS = 60_000;

export function startMaintenance(service: SearchService, db: Db, log: Logger, settings: SearchSettings, intervalMs: number): () => void {
  const sdb = searchDb(db);
  let running = false;
  let failedAt = 0;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await adoptModelInUse(service, sdb, log);
      const added = await service.indexNewPapers();
      if (added > 0) log.info({ added }, `embedded ${added} new papers`);
      if (Date.now() - failedAt < RETRY_AFTER_MS) return;
      if (settings.embedder === 'onnx') await switchToOnnx(service, sdb, log, settings);
      else await retrainIfDue(service, sdb, log);
    } catch (err) {
      failedAt = Date.now();
      log.error({ err }, 'search maintenance failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}

/** Embeds every paper with the configured ONNX model, unless searches use it already, then changes over. */
async function switchToOnnx(service: SearchService, db: SearchDb, log: Logger, settings: SearchSettings): Promise<void> {
  const target = (await loadEmbedder(db, settings)) as OnnxEmbedder;
  if (service.model?.id === target.id) return;
  const total = await countDocs(db);
  log.info({ from: service.model?.id ?? null, to: target.id, papers: total }, 'embedding every paper with the configured model; searches use the old vectors until it is done');
  let lastLog = Date.now();
  await prepareModel(db, target, target.state, total, {
    onProgress(done) {
      if (Date.now() - lastLog < LOG_EVERY_MS) return;
      lastLog = Date.now();
      log.info({ done, total, model: target.id }, `embedded ${done} of ${total} papers with the new model`);
    },
  });
  await changeOver(service, db, target, log);
}

/** Retrains the catalog model in a worker when it is due (or when the model in use is not a catalog one), then changes over. */
async function retrainIfDue(service: SearchService, db: SearchDb, log: Logger): Promise<void> {
  const [papers, model] = await Promise.all([countDocs(db), activeModel(db)]);
  const due = model?.kind === 'catalog' ? needsRetraining(papers, model.trainedOn) : papers >= MIN_PAPERS_TO_TRAIN;
  if (!due) return;
  log.info({ papers, trainedOn: model?.trainedOn ?? 0 }, 'training the catalog embedding model in the background');
  const trained = await preparedEmbedder(db, await retrainInWorker(await databaseFile(db)));
  if (!trained) throw new Error('the training worker recorded no model');
  await changeOver(service, db, trained, log);
}

/**
 * Another command (`paperboy embed`) may have put a model in use: search with it, rather than
 * embed every paper again with the old one.
 */
async function adoptModelInUse(service: SearchService, db: SearchDb, log: Logger): Promise<void> {
  const active = await activeModel(db);
  if (!active || active.id === service.model?.id) return;
  const embedder = await storedEmbedder(active);
  if (!embedder) return;
  await service.swapTo(embedder, vectorPages(db, active.id), async () => {});
  log.info({ model: active.id }, 'semantic search now uses the model put in use by another command');
}

async function changeOver(service: SearchService, db: SearchDb, embedder: Embedder, log: Logger): Promise<void> {
  await service.swapTo(embedder, nextVectorPages(db, embedder.id), () => promoteNextVectors(db, embedder.id));
  log.info({ model: embedder.id }, 'semantic search now uses the new model');
}

function retrainInWorker(file: string): Promise<string> {
  // Built, the worker is a .js file beside this one. Run from the sources it is .ts, and the worker
  // must first register tsx's loader, which is not handed on to worker threads.
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./train-worker${fromSources ? '.ts' : '.js'}`, import.meta.url).href;
  const loader = fromSources ? import.meta.resolve('tsx/esm/api') : null;
  const bootstrap = `const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.loader) (await import(workerData.loader)).register();
  await import(workerData.entry);
})().catch((err) => { console.error(err); process.exit(1); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { databaseFile: file, entry, loader } });
  return new Promise((resolve, reject) => {
    let model: string | null = null;
    worker.on('message', (m: { model: string }) => (model = m.model));
    worker.on('error', reject);
    worker.on('exit', (code) => (model ? resolve(model) : reject(new Error(`training worker exited with code ${code}`))));
  });
}
