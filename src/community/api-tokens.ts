import type { Selectable } from 'kysely';
import type { ApiTokensTable, Db } from '../store/schema.js';
import { CommunityError, FORBIDDEN_IN_LINE, invalid } from './errors.js';
import { hashToken, newToken } from './tokens.js';
import { requireMember, toUser, type User } from './users.js';

/** Tokens start with this, so a leaked one is recognisable (and secret scanners can look for it). */
export const API_TOKEN_PREFIX = 'pb_';
export const MAX_TOKEN_NAME_LENGTH = 100;
/** Live (unrevoked) tokens one member may hold: one per script or machine is plenty. */
export const MAX_LIVE_TOKENS = 20;
/** `last_used_at` is written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ApiToken {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewApiToken extends ApiToken {
  /** Shown to the member once; only its SHA-256 is stored. */
  token: string;
}

/** A member makes a personal token (for `POST /api/papers/index`); the secret is returned this once. */
export async function createApiToken(db: Db, userId: number, rawName: string, now = new Date()): Promise<NewApiToken> {
  await requireMember(db, userId);
  const name = typeof rawName === 'string' ? rawName.trim() : '';
  if (name === '') throw invalid('name', 'Give the token a name, such as "laptop" or "nightly script".');
  if (name.length > MAX_TOKEN_NAME_LENGTH) throw invalid('name', `A token name can be at most ${MAX_TOKEN_NAME_LENGTH} characters.`);
  if (FORBIDDEN_IN_LINE.test(name)) throw invalid('name', 'A token name cannot contain control characters.');
  const live = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(live.n) >= MAX_LIVE_TOKENS) throw invalid('name', `You have ${MAX_LIVE_TOKENS} tokens; revoke one you no longer use first.`);

  const secret = newToken();
  const token = `${API_TOKEN_PREFIX}${secret.token}`;
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name, token_hash: hashToken(token), created_at: now.toISOString(), last_used_at: null, revoked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...present(row), token };
}

/** A member's tokens, newest first, revoked ones included (marked). */
export async function listApiTokens(db: Db, userId: number): Promise<ApiToken[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(present);
}

/** Revokes one of the member's own tokens; revoking one already revoked changes nothing. */
export async function revokeApiToken(db: Db, userId: number, tokenId: number, now = new Date()): Promise<void> {
  await requireMember(db, userId, { verified: false });
  const row = await db.selectFrom('api_tokens').select(['user_id', 'revoked_at']).where('id', '=', tokenId).executeTakeFirst();
  // Someone else's token is "not found", which says nothing about whether it exists.
  if (!row || row.user_id !== userId) throw new CommunityError('not_found', 'No such token.');
  if (row.revoked_at !== null) return;
  await db.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('id', '=', tokenId).execute();
}

/**
 * The member a token belongs to, or null when the token is unknown or revoked. A suspended
 * member's tokens still identify them, so the caller can say "suspended" (the community rules
 * refuse their writes). Records when the token was last used.
 */
export async function apiTokenUser(db: Db, token: unknown, now = new Date()): Promise<User | null> {
  if (!looksLikeApiToken(token)) return null;
  const hash = hashToken(token);
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at', 'api_tokens.revoked_at'])
    .where('api_tokens.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= TOUCH_INTERVAL_MS) {
    await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.token_id).execute();
  }
  return toUser(row);
}

export function looksLikeApiToken(token: unknown): token is string {
  return typeof token === 'string' && /^pb_[A-Za-z0-9_-]{43}$/.test(token);
}

function present(row: Selectable<ApiTokensTable>): ApiToken {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at };
}
