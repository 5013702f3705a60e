import { signUp, verifyEmail } from '../../src/community/accounts.js';
import { promote } from '../../src/community/moderation.js';
import type { User } from '../../src/community/users.js';
import type { Db } from '../../src/store/db.js';

let counter = 0;

/** A member with a confirmed address, signed up the real way (real Argon2id hashing). */
export async function makeMember(db: Db, name = `Member ${++counter}`, opts: { verified?: boolean } = {}): Promise<User> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${++counter}@example.org`;
  const { user, verificationToken } = await signUp(db, { email, password: 'correct horse battery', displayName: name });
  if (opts.verified === false) return user;
  return verifyEmail(db, verificationToken);
}

export async function makeAdmin(db: Db, name = `Admin ${++counter}`): Promise<User> {
  const member = await makeMember(db, name);
  return promote(db, member.email);
}

/** Asserts that `promise` rejects with a CommunityError of this code. */
export function rejectsWith(code: string, field?: string): (error: unknown) => boolean {
  return (error: unknown) => {
    const e = error as { name?: string; code?: string; field?: string; message?: string };
    if (e.name !== 'CommunityError' || e.code !== code) throw new Error(`expected CommunityError ${code}, got ${e.name} ${e.code}: ${e.message}`);
    if (field !== undefined && e.field !== field) throw new Error(`expected field ${field}, got ${e.field}`);
    return true;
  };
}
