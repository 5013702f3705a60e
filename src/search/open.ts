import type { SearchSettings } from '../config.js';
import type { Logger } from '../log.js';
import { notify } from '../store/notices.js';
import type { Db } from '../store/schema.js';
import { activeModel, countDocs, searchDb } from '../store/search-docs.js';
import { embedMissing, needsRetraining, servingEmbedder } from './maintain.js';
import { SearchService, type SearchOptions } from './service.js';

/**
 * A search service over the catalog with the model in use (the configured one, unless a switch to
 * it is under way: see background.ts). A model that cannot be loaded (a broken ONNX directory) is
 * logged and searches go on with keywords alone.
 */
export async function openSearch(db: Db, log: Logger, settings: SearchSettings, options: SearchOptions = {}): Promise<SearchService> {
  let embedder = null;
  try {
    embedder = await servingEmbedder(searchDb(db), settings);
  } catch (error) {
    log.error({ err: error }, `semantic search is off: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new SearchService(db, embedder, options);
}

/**
 * After an import: new papers get vectors from the model in use, if there is one. Training a
 * first model, or retraining, is left to `paperboy embed` or to a running server.
 */
export async function embedImported(db: Db, log: Logger, settings: SearchSettings): Promise<void> {
  const sdb = searchDb(db);
  const model = await activeModel(sdb);
  if (!model) return;
  const embedder = await servingEmbedder(sdb, settings);
  if (!embedder) return;
  const added = await embedMissing(sdb, embedder);
  if (added > 0) {
    log.info({ added, model: embedder.id }, `embedded ${added} new papers for semantic search`);
    // Serving processes take them in now rather than at their next look.
    await notify(db, 'search');
  }
  const papers = await countDocs(sdb);
  if (needsRetraining(papers, model.trainedOn)) {
    log.info({ papers, trainedOn: model.trainedOn }, 'the catalog has grown: run `paperboy embed` to retrain (a running server does it by itself)');
  }
}
