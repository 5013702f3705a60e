import os from 'node:os';
import pg from 'pg';
import type { Logger } from '../log.js';

/** The first wait before connecting again after a lost connection; it doubles up to the longest. */
const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30_000;

export interface SessionHandlers {
  /**
   * Runs on each new connection, for what must live as long as the session (LISTEN, a session
   * advisory lock); it may take as long as it likes. Throwing drops the connection, to try again.
   */
  connected(client: pg.Client): Promise<void>;
  /** A connection that `connected` was called for is gone (not called at close). */
  lost(): void;
}

export interface PostgresSession {
  close(): Promise<void>;
}

/**
 * A connection of its own to PostgreSQL, outside the pool: a pooled connection is lent out and
 * taken back, so it cannot hold what belongs to a session. When the connection is lost (a server
 * restart, a network failure, an administrator ending it) it connects again after a wait that
 * grows, and `connected` runs again: what the session held (its LISTENs, its locks) went with it.
 */
export function openSession(url: string, purpose: string, log: Logger, handlers: SessionHandlers): PostgresSession {
  let closed = false;
  let client: pg.Client | null = null;
  let retryMs = FIRST_RETRY_MS;
  let timer: NodeJS.Timeout | null = null;

  const connect = async () => {
    timer = null;
    if (closed) return;
    const candidate = new pg.Client({ connectionString: url, application_name: applicationName(purpose), keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    let up = false;
    let dropped = false;
    const drop = (err: Error) => {
      if (dropped) return;
      dropped = true;
      if (client === candidate) client = null;
      candidate.end().catch(() => undefined);
      if (closed) return;
      log.warn({ err, purpose }, `PostgreSQL connection for ${purpose} lost (${err.message}); connecting again in ${retryMs / 1000} s`);
      if (up) handlers.lost();
      timer = setTimeout(() => void connect(), retryMs);
      timer.unref();
      retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    };
    candidate.on('error', drop);
    candidate.on('end', () => drop(new Error('the connection ended')));
    try {
      await candidate.connect();
    } catch (error) {
      drop(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (closed) {
      await candidate.end().catch(() => undefined);
      return;
    }
    client = candidate;
    up = true;
    retryMs = FIRST_RETRY_MS;
    try {
      await handlers.connected(candidate);
    } catch (error) {
      drop(error instanceof Error ? error : new Error(String(error)));
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}

/**
 * What pg_stat_activity shows for the session: what it is for, and which process of which machine
 * holds it (PostgreSQL keeps 63 bytes of it).
 */
export function applicationName(purpose: string): string {
  return `paperboy ${purpose} ${process.pid}@${os.hostname()}`.slice(0, 63);
}
