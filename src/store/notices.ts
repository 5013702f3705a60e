import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Logger } from '../log.js';
import { locationOf } from './db.js';
import { storeKind } from './dialect.js';
import { openSession, type PostgresSession } from './postgres-session.js';
import type { Db } from './schema.js';

/** What one process tells the others: visitors' pages changed; vectors or the model changed. */
export type NoticeChannel = 'pages' | 'search';

const CHANNELS: Record<NoticeChannel, string> = { pages: 'paperboy_pages', search: 'paperboy_search' };

/**
 * Notices between the processes of one site (several `paperboy serve`, a `paperboy worker`), so
 * that what one of them keeps in memory (cached pages, the vector index) follows what another
 * wrote. On PostgreSQL: NOTIFY, and LISTEN on a connection of its own. On SQLite there is one
 * process, which knows its own writes: nothing to tell, nothing to hear.
 */
export interface Notices {
  /** Tells the other processes; resolves once they can hear it (its transaction committed). Never throws: a notice that could not be sent is logged. */
  publish(channel: NoticeChannel): Promise<void>;
  /**
   * Calls `handler` for each notice another process publishes on `channel`; and each time this
   * process starts listening again after a lost connection, as notices may have been missed.
   */
  subscribe(channel: NoticeChannel, handler: () => void): void;
  /**
   * Resolves true once every notice published (and resolved) anywhere before this call has been
   * handed to the subscribers here; false when that cannot be known (not listening just now).
   */
  caughtUp(): Promise<boolean>;
  close(): Promise<void>;
}

/** The notices of the processes on this database. */
export function openNotices(db: Db, log: Logger): Notices {
  if (storeKind(db) !== 'postgres') return oneProcess;
  const location = locationOf(db);
  return location.kind === 'postgres' ? new PostgresNotices(db, location.url, log) : oneProcess;
}

/**
 * Tells the processes listening on this database that `channel` changed, from a process that does
 * not listen itself (a command such as `paperboy embed`); nothing on SQLite.
 */
export async function notify(db: Db, channel: NoticeChannel, sender = 'command'): Promise<void> {
  if (storeKind(db) !== 'postgres') return;
  await sql`SELECT pg_notify(${CHANNELS[channel]}, ${sender})`.execute(db);
}

/** SQLite: one process, which needs no notices of its own writes. */
export const oneProcess: Notices = {
  publish: async () => undefined,
  subscribe: () => undefined,
  caughtUp: async () => true,
  close: async () => undefined,
};

class PostgresNotices implements Notices {
  /** Sent with each notice, so this process does not act again on what it did itself. */
  private readonly sender = randomUUID();
  private readonly handlers = new Map<string, Array<() => void>>();
  private readonly session: PostgresSession;
  private listening: pg.Client | null = null;
  private roundTrip: Promise<boolean> | null = null;
  private nextRoundTrip: Promise<boolean> | null = null;

  constructor(
    private readonly db: Db,
    url: string,
    private readonly log: Logger,
  ) {
    this.session = openSession(url, 'notices', log, {
      connected: async (client) => {
        client.on('notification', (notice) => {
          if (notice.payload !== this.sender) this.hand(notice.channel);
        });
        for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
        this.listening = client;
        // What was published while nothing listened is unknown: as if everything had changed.
        for (const channel of Object.values(CHANNELS)) this.hand(channel);
      },
      lost: () => {
        this.listening = null;
      },
    });
  }

  async publish(channel: NoticeChannel): Promise<void> {
    try {
      await notify(this.db, channel, this.sender);
    } catch (err) {
      this.log.warn({ err, channel }, `could not tell the other processes that ${channel} changed`);
    }
  }

  subscribe(channel: NoticeChannel, handler: () => void): void {
    const name = CHANNELS[channel];
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  /**
   * A round trip on the listening connection: PostgreSQL hands a session the notices committed
   * before it answers a query, ahead of that answer, so once `SELECT 1` comes back every notice
   * published before it was sent has been handled. Callers share round trips: one arriving while
   * a round trip is under way waits for the next one, which leaves after it did.
   */
  caughtUp(): Promise<boolean> {
    if (this.nextRoundTrip) return this.nextRoundTrip;
    if (!this.roundTrip) return this.startRoundTrip();
    this.nextRoundTrip = this.roundTrip.then(() => {
      this.nextRoundTrip = null;
      return this.startRoundTrip();
    });
    return this.nextRoundTrip;
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  private startRoundTrip(): Promise<boolean> {
    const client = this.listening;
    const trip = client
      ? client.query('SELECT 1').then(
          () => this.listening === client,
          () => false,
        )
      : Promise.resolve(false);
    const current: Promise<boolean> = trip.finally(() => {
      if (this.roundTrip === current) this.roundTrip = null;
    });
    this.roundTrip = current;
    return current;
  }

  private hand(channel: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler();
      } catch (err) {
        this.log.error({ err, channel }, 'a notice handler failed');
      }
    }
  }
}
