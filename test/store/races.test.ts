import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getPaper, upsertPapers } from '../../src/store/papers.js';
import { racing } from '../support/concurrency.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

// Two writers of the catalog at once: a harvest and a member's submission, or two processes.
// PostgreSQL does not serialize transactions as SQLite does, so what is written must not depend
// on what was read before the other writer committed.
describe('catalog writers at the same time', () => {
  let t: TempDb;
  before(async () => (t = await tempDb()));
  after(() => t.cleanup());

  it('an older version stored meanwhile never replaces a newer one', async () => {
    const v2 = makePaper({ id: '2402.00001', version: 2, title: 'Second version', categories: ['cs.LG'], primaryCategory: 'cs.LG' });
    const v1 = makePaper({ id: '2402.00001', version: 1, title: 'First version', categories: ['cs.CL'], primaryCategory: 'cs.CL' });
    // The newer version is written, not yet committed, while the older one is read and written.
    const [older] = await racing(t, (trx) => upsertPapers(trx, [v2]), () => [t.db.transaction().execute((trx) => upsertPapers(trx, [v1]))], 1);
    assert.equal(older!.status, 'fulfilled', String((older as PromiseRejectedResult).reason));
    assert.deepEqual((older as PromiseFulfilledResult<unknown>).value, { inserted: [], updated: [], unchanged: ['2402.00001'] });
    const stored = await getPaper(t.db, '2402.00001');
    assert.equal(stored?.version, 2);
    assert.equal(stored?.title, 'Second version');
    const categories = await t.db.selectFrom('paper_categories').select('category').where('paper_id', '=', '2402.00001').execute();
    assert.deepEqual(categories.map((c) => c.category), ['cs.LG']);
  });

  it('a paper stored twice at once is stored once, and the second writer is told it was unchanged', async () => {
    const paper = makePaper({ id: '2402.00002' });
    const [second] = await racing(t, (trx) => upsertPapers(trx, [paper]), () => [t.db.transaction().execute((trx) => upsertPapers(trx, [paper]))], 1);
    assert.equal(second!.status, 'fulfilled', String((second as PromiseRejectedResult).reason));
    assert.deepEqual((second as PromiseFulfilledResult<unknown>).value, { inserted: [], updated: [], unchanged: ['2402.00002'] });
    const categories = await t.db.selectFrom('paper_categories').select('category').where('paper_id', '=', '2402.00002').orderBy('category').execute();
    assert.deepEqual(categories.map((c) => c.category), ['cs.CL', 'cs.LG']);
  });
});
