import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, testStore, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

// Another process (an import, a digest run) writing to the same file while the web server is in
// a transaction that reads and then writes.
// SQLite only: PostgreSQL has no database-wide write lock to take (rows are locked as they are
// written); the races this guards against are tested on both stores in races.test.ts.
describe('transactions and other writers (SQLite: BEGIN IMMEDIATE)', { skip: testStore !== 'sqlite' && 'PostgreSQL has no database-wide write lock' }, () => {
  let t: TempDb;
  let other: BetterSqlite3.Database;
  before(async () => {
    t = await tempDb();
    if (t.location.kind !== 'sqlite') throw new Error('SQLite only');
    other = new BetterSqlite3(t.location.file);
    other.pragma('busy_timeout = 0');
  });
  after(async () => {
    other.close();
    await t.cleanup();
  });

  it('a transaction holds the write lock from its start, so reading then writing cannot fail half-way', async () => {
    let otherWrite: unknown = null;
    await t.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(before.n), 0);
      // With a deferred BEGIN this write would commit, and the upsert below would fail with
      // SQLITE_BUSY_SNAPSHOT; with BEGIN IMMEDIATE the other writer waits (here: is told busy).
      try {
        other.prepare(`INSERT INTO harvest_checkpoints (key, state, updated_at) VALUES ('x', 'y', 'z')`).run();
      } catch (error) {
        otherWrite = error;
      }
      await upsertPapers(trx, [makePaper()]);
    });
    assert.equal((otherWrite as { code?: string } | null)?.code, 'SQLITE_BUSY');
    assert.deepEqual(other.prepare('SELECT id FROM papers').all(), [{ id: '2401.00001' }]);
    // Once the transaction is over, the other writer gets its turn.
    other.prepare(`INSERT INTO harvest_checkpoints (key, state, updated_at) VALUES ('x', 'y', 'z')`).run();
  });
});
