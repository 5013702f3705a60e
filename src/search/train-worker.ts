/**
 * Retrains the catalog model off the main thread, so a server keeps answering while the SVD
 * runs: it opens its own connection, trains, embeds every paper and activates the new model.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DatabaseLocation } from '../config.js';
import { openDatabase } from '../store/db.js';
import { searchDb } from '../store/search-docs.js';
import { trainCatalogModel } from './maintain.js';

const { location } = workerData as { location: DatabaseLocation };
const db = await openDatabase(location);
try {
  const embedder = await trainCatalogModel(searchDb(db));
  parentPort?.postMessage({ model: embedder.id });
} finally {
  await db.destroy();
}
