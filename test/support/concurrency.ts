import { sql } from 'kysely';
import { setImmediate as tick } from 'node:timers/promises';
import { openDatabase, type Db } from '../../src/store/db.js';
import type { TempDb } from './db.js';

/**
 * Makes writers meet: a transaction of the test's own locks some rows (`lock`), the writers start
 * (`writers`, on the same database: other connections of the pool on PostgreSQL), and once
 * `waiters` of them are queued behind that lock the transaction commits, so that they all read
 * before any of them writes, in every run. On PostgreSQL it waits until the server shows them
 * waiting for a lock; on SQLite, where the writers queue behind the transaction on the one
 * connection, a few turns of the event loop let them all start.
 */
export async function racing<T>(t: TempDb, lock: (trx: Db) => Promise<unknown>, writers: () => Promise<T>[], waiters: number): Promise<PromiseSettledResult<T>[]> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const holding = new Promise<void>((resolve) => (locked = resolve));
  const holder = t.db.transaction().execute(async (trx) => {
    await lock(trx);
    locked();
    await released;
  });
  await holding;
  const running = Promise.allSettled(writers());
  if (t.location.kind === 'postgres') await waitForLockWaiters(t, waiters);
  else for (let i = 0; i < 20; i++) await tick();
  release();
  await holder;
  return running;
}

/** Until `n` sessions of this database wait for a lock (pg_stat_activity), however long that takes. */
async function waitForLockWaiters(t: TempDb, n: number): Promise<void> {
  const monitor = await openDatabase(t.location);
  try {
    for (;;) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(monitor);
      if (Number(rows[0]?.n) >= n) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await monitor.destroy();
  }
}
