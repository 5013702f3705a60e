import type { AuthTokenPurpose, Db } from '../store/schema.js';
import { emailProblem, normalizeEmail } from '../mail/address.js';
import { CommunityError, invalid } from './errors.js';
import { burnPasswordCheck, checkPassword, hashPassword, verifyPassword } from './passwords.js';
import { endAllSessions } from './sessions.js';
import { hashToken, looksLikeToken, newToken } from './tokens.js';
import { cleanDisplayName, cleanUsername, usernameCandidates } from './usernames.js';
import { getUser, toUser, userByEmail, type User } from './users.js';

export const VERIFY_TOKEN_LIFETIME_MS = 48 * 3600_000;
export const RESET_TOKEN_LIFETIME_MS = 3600_000;
/** More emailed links than this per hour for one account are not sent: nobody gets mail-bombed through us. */
export const MAX_TOKENS_PER_HOUR = 3;

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  /** Chosen handle for `/u/<username>`; made from the display name when absent. */
  username?: string;
}

/**
 * Creates an unverified member and a token for the confirmation link. The caller mails the link
 * (`verificationMail` in account-mails.ts). An address already registered is refused with
 * `email_taken`: sign-up pages tell that anyway, by offering to sign in instead.
 */
export async function signUp(db: Db, input: SignUpInput, now = new Date()): Promise<{ user: User; verificationToken: string }> {
  const email = cleanEmail(input.email);
  const displayName = cleanDisplayName(input.displayName);
  const chosen = input.username === undefined || input.username.trim() === '' ? null : cleanUsername(input.username);
  checkPassword(input.password);
  if (await userByEmail(db, email)) throw emailTaken();
  const passwordHash = await hashPassword(input.password);

  return db.transaction().execute(async (trx) => {
    const candidates = chosen ? [chosen] : usernameCandidates(displayName);
    for (const username of candidates) {
      // DO NOTHING on either unique column, then look at which one it was: no dialect's error codes to parse.
      const inserted = await trx
        .insertInto('users')
        .values({ email, username, display_name: displayName, password_hash: passwordHash, role: 'member', created_at: now.toISOString() })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) {
        const verificationToken = await issueToken(trx, inserted.id, 'verify_email', now);
        return { user: toUser(inserted), verificationToken };
      }
      if (await userByEmail(trx, email)) throw emailTaken();
      if (chosen) throw new CommunityError('username_taken', `The username "${chosen}" is taken.`, { field: 'username' });
    }
    throw new Error('unreachable: username candidates are endless');
  });
}

/** Marks the address confirmed. The token works once, within 48 hours. */
export async function verifyEmail(db: Db, token: string, now = new Date()): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const userId = await useToken(trx, token, 'verify_email', now);
    if (userId === null) throw new CommunityError('bad_token', 'This confirmation link is invalid, already used or expired. Sign in to get a new one.');
    await trx.updateTable('users').set({ email_verified_at: now.toISOString() }).where('id', '=', userId).where('email_verified_at', 'is', null).execute();
    return (await getUser(trx, userId))!;
  });
}

/** A new confirmation token for a signed-in, unverified member. */
export async function resendVerification(db: Db, userId: number, now = new Date()): Promise<string> {
  const user = await getUser(db, userId);
  if (!user) throw new CommunityError('not_found', 'No such account.');
  if (user.emailVerified) throw new CommunityError('invalid', 'This email address is already confirmed.');
  if (await recentTokens(db, userId, 'verify_email', now) >= MAX_TOKENS_PER_HOUR) {
    throw new CommunityError('rate_limited', 'We sent several confirmation mails in the last hour; please look for them, or try again later.');
  }
  return issueToken(db, userId, 'verify_email', now);
}

/**
 * The member with this email and password. Unverified members may sign in (`emailVerified` is
 * false, and the page should say how to confirm); writes refuse them with `unverified`.
 * Wrong email and wrong password are one error, and take the same time.
 */
export async function signIn(db: Db, email: string, password: string): Promise<User> {
  const normalized = normalizeEmail(email);
  const row = normalized === null ? undefined : await db.selectFrom('users').selectAll().where('email', '=', normalized).executeTakeFirst();
  if (!row) {
    await burnPasswordCheck(password);
    throw badCredentials();
  }
  // Demo accounts hold no password at all; refused the same way as a wrong one.
  if (row.is_demo === 1 || !(await verifyPassword(row.password_hash, password))) throw badCredentials();
  // Only after the right password, so this does not reveal which accounts are suspended.
  if (row.suspended_at !== null) throw new CommunityError('suspended', 'This account is suspended.');
  return toUser(row);
}

/**
 * A reset token for the account with this email, or null when there is none (or it is suspended,
 * or has had enough links this hour). The page says the same thing either way ("if an account
 * exists, we sent a link"), so the form does not tell who has an account.
 */
export async function requestPasswordReset(db: Db, email: string, now = new Date()): Promise<{ token: string; user: User } | null> {
  const normalized = normalizeEmail(email);
  const user = normalized === null ? null : await userByEmail(db, normalized);
  if (!user || user.suspended || user.demo) return null;
  if (await recentTokens(db, user.id, 'reset_password', now) >= MAX_TOKENS_PER_HOUR) return null;
  return { token: await issueToken(db, user.id, 'reset_password', now), user };
}

/**
 * Sets a new password from a reset link (once, within an hour), signs the member out everywhere,
 * and voids the account's other reset links. Following the link proves the address, so it also
 * confirms it. The password is checked before the token is spent, so a too-short one can be retried.
 */
export async function resetPassword(db: Db, token: string, newPassword: string, now = new Date()): Promise<User> {
  checkPassword(newPassword);
  const passwordHash = await hashPassword(newPassword);
  return db.transaction().execute(async (trx) => {
    const userId = await useToken(trx, token, 'reset_password', now);
    if (userId === null) throw new CommunityError('bad_token', 'This reset link is invalid, already used or expired. Ask for a new one.');
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    await trx.updateTable('users').set({ email_verified_at: now.toISOString() }).where('id', '=', userId).where('email_verified_at', 'is', null).execute();
    await trx
      .updateTable('auth_tokens')
      .set({ used_at: now.toISOString() })
      .where('user_id', '=', userId)
      .where('purpose', '=', 'reset_password')
      .where('used_at', 'is', null)
      .execute();
    await endAllSessions(trx, userId);
    return (await getUser(trx, userId))!;
  });
}

function cleanEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (email !== null) return email;
  const problem = typeof raw !== 'string' ? 'is empty' : /[\r\n]/.test(raw) ? 'contains a line break' : emailProblem(raw.trim().toLowerCase());
  throw invalid('email', `This email address ${problem}.`);
}

async function issueToken(db: Db, userId: number, purpose: AuthTokenPurpose, now: Date): Promise<string> {
  const lifetime = purpose === 'verify_email' ? VERIFY_TOKEN_LIFETIME_MS : RESET_TOKEN_LIFETIME_MS;
  const { token, hash } = newToken();
  await db
    .insertInto('auth_tokens')
    .values({
      token_hash: hash,
      user_id: userId,
      purpose,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + lifetime).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/**
 * Spends a token: one UPDATE that matches only an unused, unexpired token of this purpose, so two
 * requests racing with the same link cannot both succeed. Returns its user, or null.
 */
async function useToken(db: Db, token: string, purpose: AuthTokenPurpose, now: Date): Promise<number | null> {
  if (!looksLikeToken(token)) return null;
  const hash = hashToken(token);
  const spent = await db
    .updateTable('auth_tokens')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .returning('user_id')
    .executeTakeFirst();
  return spent?.user_id ?? null;
}

async function recentTokens(db: Db, userId: number, purpose: AuthTokenPurpose, now: Date): Promise<number> {
  const row = await db
    .selectFrom('auth_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>', new Date(now.getTime() - 3600_000).toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function emailTaken(): CommunityError {
  return new CommunityError('email_taken', 'An account with this email address already exists. Sign in, or reset your password.', { field: 'email' });
}

function badCredentials(): CommunityError {
  return new CommunityError('bad_credentials', 'Wrong email address or password.');
}
