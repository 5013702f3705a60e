import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countHit, forgetEndedWindows, readHits } from '../../src/store/rate-limits.js';
import { tempDb, type TempDb } from '../support/db.js';

/** The counts behind every rate limit, shared by the processes of a site (web/rate-limit-store.ts). */
describe('rate-limit counts in the database', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(() => t.cleanup());

  const start = Date.UTC(2026, 11, 3, 12);

  it('counts the hits of a window, and starts again at 1 once it ended', async () => {
    for (let i = 1; i <= 11; i++) assert.deepEqual(await countHit(t.db, 'signin:ip:10.0.0.1', 60_000, start + i), { hits: i, resetsAt: start + 1 + 60_000 });
    assert.deepEqual(await readHits(t.db, 'signin:ip:10.0.0.1', start + 20), { hits: 11, resetsAt: start + 60_001 });
    assert.equal(await readHits(t.db, 'signin:ip:10.0.0.1', start + 60_001), null, 'none once the window ended');
    assert.deepEqual(await countHit(t.db, 'signin:ip:10.0.0.1', 60_000, start + 60_001), { hits: 1, resetsAt: start + 120_001 });
    assert.deepEqual(await countHit(t.db, 'signin:ip:10.0.0.2', 60_000, start + 60_002), { hits: 1, resetsAt: start + 120_002 }, 'keys count apart');
  });

  it('counts every one of many hits at once', async () => {
    const counts = await Promise.all(Array.from({ length: 30 }, () => countHit(t.db, 'write:user:7', 60_000, start)));
    assert.deepEqual(
      counts.map((c) => c.hits).sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  });

  it('forgets only the windows that ended', async () => {
    await countHit(t.db, 'old', 1000, start);
    await countHit(t.db, 'current', 60_000, start);
    assert.ok((await forgetEndedWindows(t.db, start + 1000)) >= 1);
    assert.equal(await readHits(t.db, 'old', start), null);
    assert.deepEqual(await readHits(t.db, 'current', start + 1000), { hits: 1, resetsAt: start + 60_000 });
  });
});
