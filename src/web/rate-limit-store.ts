import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Logger } from '../log.js';
import { countHit, forgetEndedWindows, readHits } from '../store/rate-limits.js';
import type { Db } from '../store/schema.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Counts whose window ended are deleted at most this often by each process. */
const FORGET_EVERY_MS = 60_000;

/**
 * @fastify/rate-limit's store on PostgreSQL, kept in the database (store/rate-limits.ts) instead of
 * the plugin's memory: a visitor's attempts count the same whichever process of the site gets
 * them, so ten failed sign-ins are ten across all of them. A route's limit counts under the route
 * (method and path) as the plugin's own store does, one store per route; limits made with
 * createRateLimit count under their keys alone, which name what they count (security.ts).
 * Neither continueExceeding nor exponentialBackoff is kept: Paperboy sets neither.
 */
export function databaseRateLimitStore(db: Db, log: Logger): FastifyRateLimitStoreCtor {
  let forgottenAt = 0;
  const forgetOld = (now: number) => {
    if (now - forgottenAt < FORGET_EVERY_MS) return;
    forgottenAt = now;
    forgetEndedWindows(db, now).catch((err: unknown) => log.warn({ err }, 'could not delete ended rate-limit windows'));
  };

  class DatabaseStore {
    constructor(private readonly scope = '') {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = Date.now();
      forgetOld(now);
      countHit(db, this.scope + key, timeWindow, now).then(
        (count) => callback(null, { current: count.hits, ttl: Math.max(0, count.resetsAt - now) }),
        (err: Error) => callback(err),
      );
    }

    /** The plugin's `{ increment: false }`: the count as it is. */
    read(key: string, callback: Callback): void {
      const now = Date.now();
      readHits(db, this.scope + key, now).then(
        (count) => callback(null, count ? { current: count.hits, ttl: count.resetsAt - now } : { current: 0, ttl: 0 }),
        (err: Error) => callback(err),
      );
    }

    child(options: { routeInfo?: { method?: string | string[]; url?: string } }): DatabaseStore {
      const route = options.routeInfo;
      return new DatabaseStore(route?.url ? `${[route.method].flat().join(',')} ${route.url} ` : '');
    }
  }
  return DatabaseStore as unknown as FastifyRateLimitStoreCtor;
}
