import { sql } from 'kysely';
import type { Logger } from '../log.js';
import { locationOf } from './db.js';
import { storeKind } from './dialect.js';
import { openSession, type PostgresSession } from './postgres-session.js';
import type { Db } from './schema.js';

/**
 * Work that one process of a site does at a time, through PostgreSQL's session advisory locks:
 * a lock belongs to a connection, so a process that dies (even by kill -9) loses it with its
 * connection, and a process waiting for it gets it. Every lock is the pair (PAPERBOY, key): an
 * operator sees who holds one with
 *
 *   SELECT a.application_name, a.client_addr FROM pg_locks l JOIN pg_stat_activity a USING (pid)
 *   WHERE l.locktype = 'advisory' AND l.classid = 1885499257 AND l.granted;
 *
 * On SQLite a site is one process, which is always the one.
 */
const PAPERBOY = 1885499257; // 'pboy'
const LOCKS = {
  /** The scheduler's jobs: reading arXiv, embedding, digests, mail, enrichment, chat. */
  scheduledWork: 1,
  /** Loading the demo catalog into an empty database. */
  demo: 2,
} as const;
export type LockName = keyof typeof LOCKS;
const LABELS: Record<LockName, string> = { scheduledWork: 'scheduled work', demo: 'demo catalog' };

/** How often the leader makes sure its connection (and so its lock) is still there. */
const CHECK_EVERY_MS = 15_000;
const CHECK_TIMEOUT_MS = 10_000;

export interface Leadership {
  /** Steps down if leading (after `stepDown` finished) and stops waiting to lead. */
  stop(): Promise<void>;
}

export interface LeaderRole {
  /** This process now holds the lock: start the work. */
  lead(): void;
  /** It no longer does (its connection was lost): stop the work; resolve once it stopped. */
  stepDown(): Promise<void>;
}

/**
 * Waits to be the one process that holds `name`, then calls `lead`; if the connection holding it
 * is lost, calls `stepDown` and waits again. On SQLite, leads at once.
 */
export function seekLeadership(db: Db, name: LockName, log: Logger, role: LeaderRole): Leadership {
  const location = storeKind(db) === 'postgres' ? locationOf(db) : null;
  let transitions: Promise<void> = Promise.resolve();
  let leading = false;
  let stopped = false;
  // One after the other: stepping down finishes before leading again.
  const then = (step: () => void | Promise<void>) => {
    transitions = transitions.then(step).catch((err: unknown) => log.error({ err }, `could not change who runs the ${LABELS[name]}`));
    return transitions;
  };
  const lead = () =>
    then(() => {
      // The lock may come while the process is stopping: it is let go with the session.
      if (stopped) return;
      leading = true;
      if (location) log.info(`this process now runs the ${LABELS[name]} (it holds its lock in PostgreSQL)`);
      role.lead();
    });
  const stepDown = () =>
    then(async () => {
      if (!leading) return;
      leading = false;
      await role.stepDown();
    });

  if (location?.kind !== 'postgres') {
    void lead();
    return {
      stop() {
        stopped = true;
        return stepDown();
      },
    };
  }

  let checker: NodeJS.Timeout | null = null;
  const session: PostgresSession = openSession(location.url, LABELS[name], log, {
    connected: async (client) => {
      // Waits as long as another process holds it.
      await client.query('SELECT pg_advisory_lock($1, $2)', [PAPERBOY, LOCKS[name]]);
      // A connection the network lost may look alive here while the server gave its lock away:
      // look at it now and then, and end it when it does not answer.
      checker = setInterval(() => {
        const timeout = setTimeout(() => void client.end().catch(() => undefined), CHECK_TIMEOUT_MS);
        client.query('SELECT 1').then(
          () => clearTimeout(timeout),
          () => clearTimeout(timeout),
        );
      }, CHECK_EVERY_MS);
      checker.unref();
      await lead();
    },
    lost: () => {
      if (checker) clearInterval(checker);
      log.warn(`this process no longer runs the ${LABELS[name]}: its lock went with the connection that held it`);
      void stepDown();
    },
  });
  return {
    async stop() {
      stopped = true;
      if (checker) clearInterval(checker);
      await stepDown();
      // Ending the session releases the lock for the next process.
      await session.close();
    },
  };
}

/**
 * Runs `work` while holding `name`, waiting first for any other process that holds it: for short
 * work that must not run twice at once (loading the demo catalog into an empty database). The
 * lock is on a connection of the pool, held for the whole of `work`.
 */
export async function oneAtATime<T>(db: Db, name: LockName, work: () => Promise<T>): Promise<T> {
  if (storeKind(db) !== 'postgres') return work();
  return db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${PAPERBOY}, ${LOCKS[name]})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`SELECT pg_advisory_unlock(${PAPERBOY}, ${LOCKS[name]})`.execute(connection);
    }
  });
}
