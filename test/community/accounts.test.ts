import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signIn,
  signUp,
  verifyEmail,
  MAX_TOKENS_PER_HOUR,
} from '../../src/community/accounts.js';
import { hashPassword, verifyPassword } from '../../src/community/passwords.js';
import { createSession, endAllSessions, endSession, sessionUser, SESSION_LIFETIME_MS } from '../../src/community/sessions.js';
import { hashToken } from '../../src/community/tokens.js';
import { toggleVote } from '../../src/community/votes.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { rejectsWith } from '../support/community.js';

const HOUR = 3600_000;
const PASSWORD = 'correct horse battery';

/** `a@bbb….ccc….ddd….eee….org`, exactly `n` characters long (n around 250), with labels of at most 63. */
function addressOfLength(n: number): string {
  const email = `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(n - 198)}.org`;
  assert.equal(email.length, n);
  return email;
}

describe('accounts', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => t.cleanup());

  it('hashes with Argon2id and verifies; rejects passwords under 10 or over 200 characters', async () => {
    const hash = await hashPassword('tr0ub4dor&3xyz');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(hash, 'tr0ub4dor&3xyz'), true);
    assert.equal(await verifyPassword(hash, 'tr0ub4dor&3xyZ'), false);
    assert.equal(await verifyPassword('not a hash', 'tr0ub4dor&3xyz'), false);
    await assert.rejects(hashPassword('123456789'), rejectsWith('invalid', 'password'));
    await assert.rejects(hashPassword('x'.repeat(201)), rejectsWith('invalid', 'password'));
    await hashPassword('x'.repeat(200));
    // Composed and decomposed accents are the same password (NFKC).
    const accented = await hashPassword('caf\u00e9 au lait!');
    assert.equal(await verifyPassword(accented, 'cafe\u0301 au lait!'), true);
  });

  it('signs up, confirms the address once, and signs in with either case of the email', async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const { user, verificationToken } = await signUp(t.db, { email: '  Ada.Lovelace@Example.ORG ', password: PASSWORD, displayName: ' Ada  Lovelace ' }, now);
    assert.equal(user.email, 'ada.lovelace@example.org');
    assert.equal(user.displayName, 'Ada Lovelace');
    assert.equal(user.username, 'ada-lovelace');
    assert.equal(user.role, 'member');
    assert.equal(user.emailVerified, false);
    assert.match(verificationToken, /^[A-Za-z0-9_-]{43}$/);

    // Only the token's hash is stored.
    const stored = await t.db.selectFrom('auth_tokens').selectAll().where('user_id', '=', user.id).execute();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.token_hash, hashToken(verificationToken));
    assert.notEqual(stored[0]!.token_hash, verificationToken);
    const row = await t.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$/);

    // Unverified members may sign in; the user says so.
    const early = await signIn(t.db, 'ada.lovelace@example.org', PASSWORD);
    assert.equal(early.emailVerified, false);

    const verified = await verifyEmail(t.db, verificationToken, new Date(now.getTime() + HOUR));
    assert.equal(verified.emailVerified, true);
    await assert.rejects(verifyEmail(t.db, verificationToken, new Date(now.getTime() + 2 * HOUR)), rejectsWith('bad_token'));

    const signedIn = await signIn(t.db, 'ADA.LOVELACE@EXAMPLE.ORG', PASSWORD);
    assert.equal(signedIn.id, user.id);
    assert.equal(signedIn.emailVerified, true);
  });

  it('refuses a taken email (any case), a taken chosen username, and numbers derived usernames', async () => {
    await assert.rejects(
      signUp(t.db, { email: 'ADA.lovelace@example.org', password: PASSWORD, displayName: 'Other Ada' }),
      rejectsWith('email_taken', 'email'),
    );
    await assert.rejects(
      signUp(t.db, { email: 'ada2@example.org', password: PASSWORD, displayName: 'Ada', username: 'Ada-Lovelace' }),
      rejectsWith('username_taken', 'username'),
    );
    const second = await signUp(t.db, { email: 'ada3@example.org', password: PASSWORD, displayName: 'Ada Lovelace' });
    assert.equal(second.user.username, 'ada-lovelace-2');
    const chosen = await signUp(t.db, { email: 'grace@example.org', password: PASSWORD, displayName: 'Grace', username: 'Grace_H' });
    assert.equal(chosen.user.username, 'grace_h');
    const short = await signUp(t.db, { email: 'x@example.org', password: PASSWORD, displayName: '李' });
    assert.equal(short.user.username, 'reader');
    await assert.rejects(signUp(t.db, { email: 'y@example.org', password: PASSWORD, displayName: 'Y', username: 'admin' }), rejectsWith('invalid', 'username'));
    await assert.rejects(signUp(t.db, { email: 'y@example.org', password: PASSWORD, displayName: 'Y', username: 'a b' }), rejectsWith('invalid', 'username'));
  });

  it('refuses malformed and header-injecting email addresses', async () => {
    const bad = [
      'victim@example.org\r\nBcc: everyone@example.org',
      'victim@example.org\nBcc: everyone@example.org',
      'victim@example.org%0d%0aBcc:x@y.org',
      'victim@example.org, other@example.org',
      'Victim <victim@example.org>',
      '"quoted"@example.org',
      'no-at-sign.example.org',
      'two@@example.org',
      'user@localhost',
      '.dot@example.org',
      'do..t@example.org',
      'user@-example.org',
      'user@exa mple.org',
      `${'a'.repeat(65)}@example.org`,
      addressOfLength(255),
      '',
    ];
    for (const email of bad) {
      await assert.rejects(signUp(t.db, { email, password: PASSWORD, displayName: 'Mallory' }), rejectsWith('invalid', 'email'), JSON.stringify(email));
    }
    const users = await t.db.selectFrom('users').select('email').where('display_name', '=', 'Mallory').execute();
    assert.deepEqual(users, []);
    const longest = await signUp(t.db, { email: addressOfLength(254), password: PASSWORD, displayName: 'Long' });
    assert.equal(longest.user.email.length, 254);
  });

  it('refuses bad display names and passwords without creating the account', async () => {
    await assert.rejects(signUp(t.db, { email: 'n1@example.org', password: PASSWORD, displayName: '  ' }), rejectsWith('invalid', 'displayName'));
    await assert.rejects(signUp(t.db, { email: 'n1@example.org', password: PASSWORD, displayName: 'Evil\u202Egnp.exe' }), rejectsWith('invalid', 'displayName'));
    await assert.rejects(signUp(t.db, { email: 'n1@example.org', password: PASSWORD, displayName: 'x'.repeat(61) }), rejectsWith('invalid', 'displayName'));
    await assert.rejects(signUp(t.db, { email: 'n1@example.org', password: 'short', displayName: 'N' }), rejectsWith('invalid', 'password'));
    assert.equal(await t.db.selectFrom('users').select('id').where('email', '=', 'n1@example.org').executeTakeFirst(), undefined);
  });

  it('says only "wrong email or password" for an unknown email or a wrong password', async () => {
    await assert.rejects(signIn(t.db, 'nobody@example.org', PASSWORD), rejectsWith('bad_credentials'));
    await assert.rejects(signIn(t.db, 'ada.lovelace@example.org', 'wrong password!'), rejectsWith('bad_credentials'));
    await assert.rejects(signIn(t.db, 'not an email', PASSWORD), rejectsWith('bad_credentials'));
  });

  it('refuses an expired confirmation link and sends a new one on request, a few per hour at most', async () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const { user, verificationToken } = await signUp(t.db, { email: 'late@example.org', password: PASSWORD, displayName: 'Late' }, now);
    await assert.rejects(verifyEmail(t.db, verificationToken, new Date(now.getTime() + 49 * HOUR)), rejectsWith('bad_token'));
    await assert.rejects(verifyEmail(t.db, 'x'.repeat(43)), rejectsWith('bad_token'));
    await assert.rejects(verifyEmail(t.db, 'junk'), rejectsWith('bad_token'));

    const later = new Date(now.getTime() + 50 * HOUR);
    const fresh = await resendVerification(t.db, user.id, later);
    for (let i = 1; i < MAX_TOKENS_PER_HOUR; i++) await resendVerification(t.db, user.id, later);
    await assert.rejects(resendVerification(t.db, user.id, later), rejectsWith('rate_limited'));
    assert.equal((await verifyEmail(t.db, fresh, later)).emailVerified, true);
    await assert.rejects(resendVerification(t.db, user.id, later), rejectsWith('invalid'));
  });

  it('resets a password once, voids the old password and every session, and does not tell who has an account', async () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const ada = await signIn(t.db, 'ada.lovelace@example.org', PASSWORD);
    const s1 = await createSession(t.db, ada.id, now);
    const s2 = await createSession(t.db, ada.id, now);
    assert.equal((await sessionUser(t.db, s1.token, now))?.id, ada.id);

    assert.equal(await requestPasswordReset(t.db, 'nobody@example.org', now), null);
    assert.equal(await requestPasswordReset(t.db, 'bad\r\naddress', now), null);
    const first = await requestPasswordReset(t.db, 'Ada.Lovelace@example.org', now);
    const second = await requestPasswordReset(t.db, 'ada.lovelace@example.org', now);
    assert.ok(first && second);
    assert.equal(first.user.id, ada.id);

    // A too-short new password does not spend the link.
    await assert.rejects(resetPassword(t.db, second.token, 'short', now), rejectsWith('invalid', 'password'));
    const after = await resetPassword(t.db, second.token, 'a brand new passphrase', new Date(now.getTime() + 10 * 60_000));
    assert.equal(after.id, ada.id);

    await assert.rejects(resetPassword(t.db, second.token, 'yet another passphrase', now), rejectsWith('bad_token'));
    // The other outstanding link died with it.
    await assert.rejects(resetPassword(t.db, first.token, 'yet another passphrase', now), rejectsWith('bad_token'));
    assert.equal(await sessionUser(t.db, s1.token, now), null);
    assert.equal(await sessionUser(t.db, s2.token, now), null);
    await assert.rejects(signIn(t.db, 'ada.lovelace@example.org', PASSWORD), rejectsWith('bad_credentials'));
    assert.equal((await signIn(t.db, 'ada.lovelace@example.org', 'a brand new passphrase')).id, ada.id);
  });

  it('refuses an expired reset link, and stops issuing links after a few an hour', async () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const reset = await requestPasswordReset(t.db, 'grace@example.org', now);
    assert.ok(reset);
    await assert.rejects(resetPassword(t.db, reset.token, 'a brand new passphrase', new Date(now.getTime() + HOUR + 1)), rejectsWith('bad_token'));
    for (let i = 1; i < MAX_TOKENS_PER_HOUR; i++) assert.ok(await requestPasswordReset(t.db, 'grace@example.org', now));
    assert.equal(await requestPasswordReset(t.db, 'grace@example.org', now), null);
    assert.ok(await requestPasswordReset(t.db, 'grace@example.org', new Date(now.getTime() + HOUR + 1)));
  });

  it('confirms the address when a reset link is followed', async () => {
    const { user } = await signUp(t.db, { email: 'forgetful@example.org', password: PASSWORD, displayName: 'Forgetful' });
    const reset = await requestPasswordReset(t.db, 'forgetful@example.org');
    assert.ok(reset);
    assert.equal((await resetPassword(t.db, reset.token, 'remembered this time')).emailVerified, true);
    assert.equal(user.emailVerified, false);
  });

  it('keeps unverified members from writing', async () => {
    await upsertPapers(t.db, [makePaper()]);
    const { user } = await signUp(t.db, { email: 'unverified@example.org', password: PASSWORD, displayName: 'Unverified' });
    await assert.rejects(toggleVote(t.db, user.id, '2401.00001'), rejectsWith('unverified'));
  });
});

describe('sessions', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => t.cleanup());

  it('stores only the token hash, touches last-seen at most every few minutes, slides and expires', async () => {
    const { user } = await signUp(t.db, { email: 's@example.org', password: PASSWORD, displayName: 'S' });
    const t0 = new Date('2026-11-27T10:00:00Z');
    const { token, expiresAt } = await createSession(t.db, user.id, t0);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(expiresAt, new Date(t0.getTime() + SESSION_LIFETIME_MS).toISOString());
    const rows = await t.db.selectFrom('sessions').selectAll().execute();
    assert.deepEqual(rows.map((r) => r.token_hash), [hashToken(token)]);

    const lastSeen = async () => (await t.db.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at;
    assert.equal((await sessionUser(t.db, token, new Date(t0.getTime() + 60_000)))?.id, user.id);
    assert.equal(await lastSeen(), t0.toISOString());
    const t1 = new Date(t0.getTime() + 6 * 60_000);
    await sessionUser(t.db, token, t1);
    assert.equal(await lastSeen(), t1.toISOString());

    // Sliding: still valid 30 days after t0 because it was used at t1, not 30 days after t1.
    assert.ok(await sessionUser(t.db, token, new Date(t0.getTime() + SESSION_LIFETIME_MS + 60_000)));
    assert.equal(await sessionUser(t.db, token, new Date(t0.getTime() + 2 * SESSION_LIFETIME_MS + 10 * 60_000)), null);

    assert.equal(await sessionUser(t.db, 'junk'), null);
    assert.equal(await sessionUser(t.db, 'A'.repeat(43)), null);
  });

  it('ends one session, or all of a member', async () => {
    const { user } = await signUp(t.db, { email: 's2@example.org', password: PASSWORD, displayName: 'S2' });
    const a = await createSession(t.db, user.id);
    const b = await createSession(t.db, user.id);
    const c = await createSession(t.db, user.id);
    await endSession(t.db, a.token);
    assert.equal(await sessionUser(t.db, a.token), null);
    assert.ok(await sessionUser(t.db, b.token));
    assert.equal(await endAllSessions(t.db, user.id), 2);
    assert.equal(await sessionUser(t.db, b.token), null);
    assert.equal(await sessionUser(t.db, c.token), null);
  });
});
