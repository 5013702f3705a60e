/**
 * Keeping search current while Paperboy runs, in two halves. In the one process that runs the
 * scheduled work (jobs/), `searchUpkeep`: new papers get vectors from the model in use, and the
 * catalog model is retrained in a worker thread once the catalog has grown enough (or first
 * trained, once there are enough papers to learn from); the other processes are told. In every
 * process that answers searches, `followSearchChanges`: its vector index takes in what another
 * process embedded, and it changes to the model another process trained.
 */
import { Worker } from 'node:worker_threads';
import type { DatabaseLocation, SearchSettings } from '../config.js';
import type { Logger } from '../log.js';
import { locationOf } from '../store/db.js';
import type { Notices } from '../store/notices.js';
import type { Db } from '../store/schema.js';
import { activeModel, activeModelId, countDocs, searchDb } from '../store/search-docs.js';
import { loadEmbedder, needsRetraining } from './maintain.js';
import type { SearchService } from './service.js';

/** Fewer papers than this teach a model little; keyword search serves them well. */
const MIN_PAPERS_TO_TRAIN = 1000;
/** After a failed training, wait this long before trying again (not every tick). */
const RETRY_TRAINING_AFTER_MS = 60 * 60 * 1000;
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

/** One round of upkeep, for the scheduler: embeds what has no vector, retrains when due, and tells the other processes. */
export function searchUpkeep(service: SearchService, db: Db, log: Logger, settings: SearchSettings, notices: Notices): () => Promise<void> {
  let trainingFailedAt = 0;
  return async () => {
    // A model another process made the one in use (paperboy embed) is taken, not embedded for again with the old one.
    await takeInModel(service, db, settings, log);
    await embedNewPapers(service, log, notices);
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
    await notices.publish('search');
    log.info({ model: trained }, 'semantic search now uses the new model');
  };
}

/**
 * Keeps this process's search in step with the others: when told (a notice), and every
 * FOLLOW_EVERY_MS in case a notice was missed, it changes to the catalog model another process
 * made the one in use, or else takes in the vectors stored since it last looked. Returns a
 * function that stops it.
 */
export function followSearchChanges(service: SearchService, db: Db, log: Logger, settings: SearchSettings, notices: Notices, everyMs = FOLLOW_EVERY_MS): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  const look = async () => {
    if (!(await takeInModel(service, db, settings, log))) await service.takeInVectors();
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

/** Changes to the catalog model another process made the one in use, if it did (its vectors with it); true when it changed. */
async function takeInModel(service: SearchService, db: Db, settings: SearchSettings, log: Logger): Promise<boolean> {
  if (settings.embedder !== 'catalog') return false;
  const sdb = searchDb(db);
  const model = await activeModelId(sdb);
  if (model === null || model === service.model?.id) return false;
  await service.useEmbedder(await loadEmbedder(sdb, settings));
  log.info({ model }, 'semantic search now uses the model another process trained');
  return true;
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
