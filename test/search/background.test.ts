import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { searchUpkeep } from '../../src/search/background.js';
import { SearchService } from '../../src/search/service.js';
import { oneProcess } from '../../src/store/notices.js';
import { activeModel, countDocs, searchDb } from '../../src/store/search-docs.js';
import { tempDb, type TempDb } from '../support/db.js';
import { importSample } from './sample.js';

describe('search upkeep, a job of the scheduled work', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
    await importSample(t.db, 0, 1200);
  });
  after(async () => t.cleanup());

  it('trains a first model in a worker thread, then embeds papers imported later', async () => {
    const service = new SearchService(t.db, null);
    const upkeep = searchUpkeep(service, t.db, createLogger('silent'), loadConfig({}).search, oneProcess);
    await upkeep();
    assert.ok(service.semanticReady, 'a model trained and loaded');
    const model = (await activeModel(searchDb(t.db)))!;
    assert.equal(model.trainedOn, 1200);
    assert.equal(await countDocs(searchDb(t.db), model.id), 1200);

    await importSample(t.db, 1200, 1300);
    await upkeep();
    assert.equal(await countDocs(searchDb(t.db), model.id), 1300, 'the new papers embedded');
    // 100 more papers are not enough to retrain: the model stays.
    assert.equal((await activeModel(searchDb(t.db)))!.id, model.id);
    const newest = await t.db.selectFrom('papers').select(['id', 'abstract']).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    assert.equal((await service.search({ query: newest.abstract.slice(0, 600), mode: 'semantic', limit: 1 })).hits[0]?.paper.id, newest.id, 'the new paper found by meaning');
  });

});
