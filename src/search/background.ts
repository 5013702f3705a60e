/**
 * Keeping search current while Paperboy runs, in two halves. In the one process that runs the
 * scheduled work (jobs/), `searchUpkeep`: new papers get vectors from the model in use; the catalog
 * model is retrained in a worker thread once the catalog has grown enough (or first trained, once
 * there are enough papers to learn from); and when another ONNX model is configured, every paper is
 * embedded with it. Either way searches answer with the old vectors until the new model has a
 * vector for every paper, and then change over in one step (SearchService.swapTo); the other
 * processes are told. In every process that answers searches, `followSearchChanges`: its vector
 * index takes in what another process embedded, and it changes to the model another process put in
 * use.
 */
import { Worker } from 'node:worker_threads';
import type { DatabaseLocation, SearchSettings } from '../config.js';
import type { Logger } from '../log.js';
import { locationOf } from '../store/db.js';
import { promoteNextVectors } from '../store/next-vectors.js';
import type { Notices } from '../store/notices.js';
import type { Db } from '../store/schema.js';
import { activeModel, activeModelId, countDocs, searchDb, type SearchDb } from '../store/search-docs.js';
import type { Embedder } from './embedder.js';
import { loadEmbedder, needsRetraining, nextVectorPages, preparedEmbedder, prepareModel, storedEmbedder, vectorPages } from './maintain.js';
import type { OnnxEmbedder } from './onnx-embedder.js';
import type { SearchService } from './service.js';

/** Fewer papers than this teach a model little; keyword search serves them well. */
const MIN_PAPERS_TO_TRAIN = 1000;
/** After a failed training or model load, wait this long before trying again (not every tick). */
const RETRY_AFTER_MS = 60 * 60 * 1000;
/** How often a long switch to an ONNX model says how far it is. */
const LOG_EVERY_MS = 60_000;
/** How often a process looks for vectors and models of other processes without being told (notices can be missed). */
export const FOLLOW_EVERY_MS = 60_000;

/** Embeds the papers that have no vector for the model in use, and tells the other processes when it did; returns how many. */
export async function embedNewPapers(service: SearchService, log: Logger, notices: Notices): Promise<number> {
  const added = await service.indexNewPapers();
  if (added > 0) {
    log.info({ added }, `embedded ${added} new papers`);
    await notices.publish('search');
  }
  return added;
}

/** One round of upkeep, for the scheduler: embeds what has no vector, retrains or switches models when due, and tells the other processes. */
export function searchUpkeep(service: SearchService, db: Db, log: Logger, settings: SearchSettings, notices: Notices): () => Promise<void> {
  const sdb = searchDb(db);
  let failedAt = 0;
  return async () => {
    // A model another command put in use (paperboy embed) is taken, not embedded for again with the old one.
    await adoptModelInUse(service, sdb, log);
    await embedNewPapers(service, log, notices);
    if (Date.now() - failedAt < RETRY_AFTER_MS) return;
    try {
      if (settings.embedder === 'onnx') await switchToOnnx(service, sdb, log, settings, notices);
      else await retrainIfDue(service, sdb, locationOf(db), log, notices);
    } catch (err) {
      failedAt = Date.now();
      throw err;
    }
  };
}

/**
 * Keeps this process's search in step with the others: when told (a notice), and every
 * FOLLOW_EVERY_MS in case a notice was missed, it changes to the model another process put in
 * use, or else takes in the vectors stored since it last looked. Returns a function that stops it.
 */
export function followSearchChanges(service: SearchService, db: Db, log: Logger, notices: Notices, everyMs = FOLLOW_EVERY_MS): () => void {
  const sdb = searchDb(db);
  let running: Promise<void> | null = null;
  let again = false;
  const look = async () => {
    if (!(await adoptModelInUse(service, sdb, log))) await service.takeInVectors();
  };
  // One look at a time; a notice during one asks for another after it.
  const refresh = () => {
    if (running) {
      again = true;
      return;
    }
    running = look()
      .catch((err: unknown) => log.error({ err }, 'could not take in the vectors of other processes'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  notices.subscribe('search', refresh);
  const timer = setInterval(refresh, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Embeds every paper with the configured ONNX model, unless searches use it already, then changes over. */
async function switchToOnnx(service: SearchService, db: SearchDb, log: Logger, settings: SearchSettings, notices: Notices): Promise<void> {
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
  await changeOver(service, db, target, log, notices);
}

/** Retrains the catalog model in a worker when it is due (or when the model in use is not a catalog one), then changes over. */
async function retrainIfDue(service: SearchService, db: SearchDb, location: DatabaseLocation, log: Logger, notices: Notices): Promise<void> {
  const [papers, model] = await Promise.all([countDocs(db), activeModel(db)]);
  const due = model?.kind === 'catalog' ? needsRetraining(papers, model.trainedOn) : papers >= MIN_PAPERS_TO_TRAIN;
  if (!due) return;
  log.info({ papers, trainedOn: model?.trainedOn ?? 0 }, 'training the catalog embedding model in the background');
  const trained = await preparedEmbedder(db, await retrainInWorker(location));
  if (!trained) throw new Error('the training worker recorded no model');
  await changeOver(service, db, trained, log, notices);
}

/**
 * Another process (`paperboy embed`, the one running the scheduled work) may have put a model in
 * use: search with it, rather than embed every paper again with the old one. Reads only the model's
 * id unless it changed (its state is megabytes). True when it changed.
 */
async function adoptModelInUse(service: SearchService, db: SearchDb, log: Logger): Promise<boolean> {
  const id = await activeModelId(db);
  if (id === null || id === service.model?.id) return false;
  const active = await activeModel(db);
  const embedder = active ? await storedEmbedder(active) : null;
  if (!active || !embedder) return false;
  await service.swapTo(embedder, vectorPages(db, active.id), async () => {});
  log.info({ model: active.id }, 'semantic search now uses the model another process put in use');
  return true;
}

/** Changes searches over to a model whose vectors are all made, and tells the other processes. */
async function changeOver(service: SearchService, db: SearchDb, embedder: Embedder, log: Logger, notices: Notices): Promise<void> {
  await service.swapTo(embedder, nextVectorPages(db, embedder.id), () => promoteNextVectors(db, embedder.id));
  log.info({ model: embedder.id }, 'semantic search now uses the new model');
  await notices.publish('search');
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
