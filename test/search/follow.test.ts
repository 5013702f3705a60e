import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { followSearchChanges, searchUpkeep } from '../../src/search/background.js';
import { SearchService } from '../../src/search/service.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { openNotices, type Notices } from '../../src/store/notices.js';
import { activeModel, searchDb } from '../../src/store/search-docs.js';
import { tempDb, testStore, type TempDb } from '../support/db.js';
import { eventually } from '../support/eventually.js';
import { importSample } from './sample.js';

/**
 * A process that answers searches while another one runs the scheduled work: it changes to the
 * model the other trained, and finds the papers the other embedded, without a restart. On
 * PostgreSQL it is told (NOTIFY; it never looks by itself during the test); on SQLite, one
 * machine, it looks every so often, which is all there is.
 */
describe('search in one process follows what another embeds and trains', () => {
  let t: TempDb;
  let serving: Db;
  const notices: Notices[] = [];
  let stopFollowing = () => {};
  before(async () => {
    t = await tempDb();
    await importSample(t.db, 0, 1200);
    // The serving process's own connections.
    serving = await openDatabase(t.location);
  });
  after(async () => {
    stopFollowing();
    for (const n of notices) await n.close();
    await serving?.destroy();
    await t?.cleanup();
  });

  it('changes to the model the other process trained, then finds the papers it embedded later', async () => {
    const log = createLogger('silent');
    const settings = loadConfig({}).search;
    const working = new SearchService(t.db, null, { vectorIndex: false });
    const workingNotices = openNotices(t.db, log);
    const answering = new SearchService(serving, null);
    const answeringNotices = openNotices(serving, log);
    notices.push(workingNotices, answeringNotices);
    stopFollowing = followSearchChanges(answering, serving, log, answeringNotices, testStore === 'postgres' ? 3_600_000 : 100);
    await answering.load();
    assert.equal(answering.semanticReady, false);

    const upkeep = searchUpkeep(working, t.db, log, settings, workingNotices);
    await upkeep();
    const model = (await activeModel(searchDb(t.db)))!;
    assert.equal(model.trainedOn, 1200);
    await eventually(async () => answering.semanticReady && answering.model?.id === model.id, 'the serving process using the new model');

    await importSample(t.db, 1200, 1300);
    await upkeep();
    const newest = await t.db.selectFrom('papers').select(['id', 'abstract']).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    await eventually(
      async () => (await answering.search({ query: newest.abstract.slice(0, 600), mode: 'semantic', limit: 1 })).hits[0]?.paper.id === newest.id,
      'the newest paper found by meaning in the serving process',
    );
  });
});
