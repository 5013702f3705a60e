import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { catalogStats, getPaper, latestDay, neighbouringDays, papersOnDay, upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

describe('paper store', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => t.cleanup());

  it('inserts new papers and reads them back whole', async () => {
    const paper = makePaper({
      links: [{ kind: 'code', url: 'https://github.com/a/b' }],
      versions: [{ version: 1, date: '2024-01-01T10:00:00Z', size: '11kb' }],
    });
    const result = await upsertPapers(t.db, [paper]);
    assert.deepEqual(result, { inserted: ['2401.00001'], updated: [], unchanged: [] });
    assert.deepEqual(await getPaper(t.db, '2401.00001'), paper);
  });

  it('changes nothing for an equal or older version', async () => {
    const same = await upsertPapers(t.db, [makePaper({ title: 'Changed title, same version' })]);
    assert.deepEqual(same, { inserted: [], updated: [], unchanged: ['2401.00001'] });
    assert.equal((await getPaper(t.db, '2401.00001'))?.title, 'A Test Paper');
  });

  it('updates on a newer version, keeps the version history and the listing day', async () => {
    const v2 = makePaper({
      version: 2,
      title: 'A Better Test Paper',
      authors: ['Ada Lovelace'],
      updated: '2024-02-01T09:00:00Z',
      // The replacement's own announcement day: it does not list the paper again.
      day: '2024-02-02',
      versions: [{ version: 2, date: '2024-02-01T09:00:00Z', size: '12kb' }],
    });
    assert.deepEqual(await upsertPapers(t.db, [v2]), { inserted: [], updated: ['2401.00001'], unchanged: [] });
    const stored = await getPaper(t.db, '2401.00001');
    assert.equal(stored?.title, 'A Better Test Paper');
    assert.equal(stored?.day, '2024-01-02', 'listed on the day it was first stored with');
    assert.deepEqual(stored?.authors, ['Ada Lovelace']);
    assert.deepEqual(
      stored?.versions.map((v) => [v.version, v.size]),
      [
        [1, '11kb'],
        [2, '12kb'],
      ],
    );
    const older = await upsertPapers(t.db, [makePaper({ version: 1, title: 'Old' })]);
    assert.deepEqual(older.unchanged, ['2401.00001']);
    assert.equal((await getPaper(t.db, '2401.00001'))?.title, 'A Better Test Paper');
  });

  it('keeps the newest copy when a batch holds one id twice', async () => {
    const result = await upsertPapers(t.db, [
      makePaper({ id: 'hep-th/9901001', version: 3, title: 'v3', day: '2024-01-05' }),
      makePaper({ id: 'hep-th/9901001', version: 2, title: 'v2', day: '2024-01-05' }),
    ]);
    assert.deepEqual(result.inserted, ['hep-th/9901001']);
    assert.equal((await getPaper(t.db, 'hep-th/9901001'))?.title, 'v3');
  });

  it('lists days, their neighbours and counts', async () => {
    await upsertPapers(t.db, [makePaper({ id: '2401.00002', day: '2024-01-03' }), makePaper({ id: '2401.00003', day: '2024-01-03' })]);
    assert.equal(await latestDay(t.db), '2024-01-05');
    assert.deepEqual(
      (await papersOnDay(t.db, '2024-01-03')).map((p) => p.id),
      ['2401.00003', '2401.00002'],
    );
    assert.deepEqual(await neighbouringDays(t.db, '2024-01-03'), { previous: '2024-01-02', next: '2024-01-05' });
    assert.deepEqual(await neighbouringDays(t.db, '2024-01-02'), { previous: null, next: '2024-01-03' });
    const stats = await catalogStats(t.db);
    assert.equal(stats.papers, 4);
    assert.equal(stats.firstDay, '2024-01-02');
    assert.deepEqual(stats.categories[0], { category: 'cs.CL', papers: 4 });
  });
});
