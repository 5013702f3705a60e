/**
 * Retrains the catalog model off the main thread, so a server keeps answering while the SVD
 * runs: it opens its own connection, trains, and makes every paper's new vector apart from the ones
 * in use; the server then puts the model in use (background.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DatabaseLocation } from '../config.js';
import { openDatabase } from '../store/db.js';
import { searchDb } from '../store/search-docs.js';
import { prepareCatalogModel } from './maintain.js';

const { location } = workerData as { location: DatabaseLocation };
const db = await openDatabase(location);
try {
  const embedder = await prepareCatalogModel(searchDb(db));
  parentPort?.postMessage({ model: embedder.id });
} finally {
  await db.destroy();
}
