import type { Selectable } from 'kysely';
import type { Db, UsersTable } from '../store/schema.js';
import { CommunityError } from './errors.js';

export type Role = 'member' | 'admin';

export interface User {
  id: number;
  email: string;
  username: string;
  displayName: string;
  role: Role;
  /** Unverified members may sign in and read, but not vote, comment, submit, report or collect. */
  emailVerified: boolean;
  suspended: boolean;
  /** Shows the papers they upvoted on their profile. */
  upvotesPublic: boolean;
  /** An account that stands for the demo catalog's activity; it cannot sign in or reset a password. */
  demo: boolean;
  createdAt: string;
}

/** What anyone may see of a member. */
export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
}

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    emailVerified: row.email_verified_at !== null,
    suspended: row.suspended_at !== null,
    upvotesPublic: row.upvotes_public === 1,
    demo: row.is_demo === 1,
    createdAt: row.created_at,
  };
}

export async function getUser(db: Db, id: number): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function userByEmail(db: Db, normalizedEmail: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', normalizedEmail).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** For profile pages: `/u/<username>`. */
export async function userByUsername(db: Db, username: string): Promise<PublicUser | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name'])
    .where('username', '=', username.toLowerCase())
    .executeTakeFirst();
  return row ? { id: row.id, username: row.username, displayName: row.display_name } : null;
}

/**
 * The acting member, checked: exists, not suspended, and (for anything others will see) has a
 * verified email. Every write goes through this, so the rules live in one place.
 */
export async function requireMember(db: Db, userId: number, opts: { verified?: boolean } = { verified: true }): Promise<User> {
  const user = await getUser(db, userId);
  if (!user) throw new CommunityError('not_found', 'No such account.');
  if (user.suspended) throw new CommunityError('suspended', 'This account is suspended.');
  if ((opts.verified ?? true) && !user.emailVerified) {
    throw new CommunityError('unverified', 'Please confirm your email address first: follow the link we sent you.');
  }
  return user;
}

/** Moderation is for admins only, checked here rather than trusted from the caller. */
export async function requireAdmin(db: Db, userId: number): Promise<User> {
  const user = await getUser(db, userId);
  if (!user || user.suspended || user.role !== 'admin') throw new CommunityError('forbidden', 'Only admins can do this.');
  return user;
}
