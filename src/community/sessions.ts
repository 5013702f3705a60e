import type { Db } from '../store/schema.js';
import { hashToken, looksLikeToken, newToken } from './tokens.js';
import { toUser, type User } from './users.js';
import { CommunityError } from './errors.js';

/** A session lasts this long after it was last used (sliding), then the member signs in again. */
export const SESSION_LIFETIME_MS = 30 * 24 * 3600_000;
/** `last_seen_at` (and the sliding expiry) is written at most this often, not on every request. */
export const SESSION_TOUCH_INTERVAL_MS = 5 * 60_000;

export interface NewSession {
  /** For the cookie; only its hash is stored. */
  token: string;
  expiresAt: string;
}

export async function createSession(db: Db, userId: number, now = new Date()): Promise<NewSession> {
  const user = await db.selectFrom('users').select('suspended_at').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new CommunityError('not_found', 'No such account.');
  if (user.suspended_at !== null) throw new CommunityError('suspended', 'This account is suspended.');
  const { token, hash } = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString();
  await db
    .insertInto('sessions')
    .values({ token_hash: hash, user_id: userId, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

/** The member a session token belongs to, or null (unknown, expired, or the member is suspended). */
export async function sessionUser(db: Db, token: string, now = new Date()): Promise<User | null> {
  if (!looksLikeToken(token)) return null;
  const hash = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.last_seen_at', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || row.expires_at <= now.toISOString() || row.suspended_at !== null) return null;
  if (now.getTime() - Date.parse(row.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString() })
      .where('token_hash', '=', hash)
      .execute();
  }
  return toUser(row);
}

export async function endSession(db: Db, token: string): Promise<void> {
  if (!looksLikeToken(token)) return;
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

/** Signs the member out everywhere (after a password reset, a suspension, or on request). */
export async function endAllSessions(db: Db, userId: number): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Expired sessions and used or expired email tokens, for a periodic clean-up. */
export async function purgeExpired(db: Db, now = new Date()): Promise<{ sessions: number; tokens: number }> {
  const at = now.toISOString();
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', at).executeTakeFirst();
  const tokens = await db
    .deleteFrom('auth_tokens')
    .where((eb) => eb.or([eb('expires_at', '<=', at), eb('used_at', 'is not', null)]))
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), tokens: Number(tokens.numDeletedRows) };
}
