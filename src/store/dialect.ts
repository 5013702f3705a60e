import type { Kysely } from 'kysely';
import { isPostgres } from './migrations/dialect.js';

export type StoreKind = 'sqlite' | 'postgres';

/** Which database an open Kysely talks to, for the few queries that must be written twice. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function storeKind(db: Kysely<any>): StoreKind {
  return isPostgres(db) ? 'postgres' : 'sqlite';
}

/**
 * Locks the rows a query reads until the transaction ends, on PostgreSQL (FOR NO KEY UPDATE:
 * rows that reference them may still be inserted). SQLite needs no lock, because every
 * transaction there takes the write lock at BEGIN (sqlite.ts), and has no FOR UPDATE.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lockRows<Q extends { forNoKeyUpdate(): Q }>(db: Kysely<any>, query: Q): Q {
  return isPostgres(db) ? query.forNoKeyUpdate() : query;
}
