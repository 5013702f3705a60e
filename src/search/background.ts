/**
 * Keeps search current while a server runs: new papers get vectors from the model in use, and
 * the catalog model is retrained in a worker thread once the catalog has grown enough (or first
 * trained, once there are enough papers to learn from).
 */
import { Worker } from 'node:worker_threads';
import type { DatabaseLocation, SearchSettings } from '../config.js';
import type { Logger } from '../log.js';
import { locationOf } from '../store/db.js';
import type { Db } from '../store/schema.js';
import { activeModel, countDocs, searchDb } from '../store/search-docs.js';
import { loadEmbedder, needsRetraining } from './maintain.js';
import type { SearchService } from './service.js';

/** Fewer papers than this teach a model little; keyword search serves them well. */
const MIN_PAPERS_TO_TRAIN = 1000;
/** After a failed training, wait this long before trying again (not every tick). */
const RETRY_TRAINING_AFTER_MS = 60 * 60 * 1000;

export function startMaintenance(service: SearchService, db: Db, log: Logger, settings: SearchSettings, intervalMs: number): () => void {
  let running = false;
  let trainingFailedAt = 0;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const added = await service.indexNewPapers();
      if (added > 0) log.info({ added }, `embedded ${added} new papers`);
      if (service.model?.kind === 'onnx') return;
      const sdb = searchDb(db);
      const [papers, model] = await Promise.all([countDocs(sdb), activeModel(sdb)]);
      const due = model ? needsRetraining(papers, model.trainedOn) : papers >= MIN_PAPERS_TO_TRAIN;
      if (!due || Date.now() - trainingFailedAt < RETRY_TRAINING_AFTER_MS) return;
      log.info({ papers, trainedOn: model?.trainedOn ?? 0 }, 'training the catalog embedding model in the background');
      const trained = await retrainInWorker(locationOf(db)).catch((err: unknown) => {
        trainingFailedAt = Date.now();
        throw err;
      });
      await service.useEmbedder(await loadEmbedder(sdb, settings));
      log.info({ model: trained }, 'semantic search now uses the new model');
    } catch (err) {
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

function retrainInWorker(location: DatabaseLocation): Promise<string> {
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
  const worker = new Worker(bootstrap, { eval: true, workerData: { location, entry, loader } });
  return new Promise((resolve, reject) => {
    let model: string | null = null;
    worker.on('message', (m: { model: string }) => (model = m.model));
    worker.on('error', reject);
    worker.on('exit', (code) => (model ? resolve(model) : reject(new Error(`training worker exited with code ${code}`))));
  });
}
