/**
 * Retrains the catalog model off the main thread, so a server keeps answering while the SVD
 * runs: it opens its own connection, trains, and makes every paper's new vector apart from the ones
 * in use; the server then puts the model in use (background.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { searchDb } from '../store/search-docs.js';
import { prepareCatalogModel } from './maintain.js';

const { databaseFile } = workerData as { databaseFile: string };
const db = await openDatabase(databaseFile);
try {
  const embedder = await prepareCatalogModel(searchDb(db));
  parentPort?.postMessage({ model: embedder.id });
} finally {
  await db.destroy();
}
