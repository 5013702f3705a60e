import { Algorithm, hash, verify } from '@node-rs/argon2';
import { invalid } from './errors.js';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/**
 * Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 30 ms here, on the
 * libuv thread pool so the server keeps serving while it hashes. The parameters are written into
 * each hash, so raising them later leaves old hashes verifiable.
 */
const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * NFKC, as NIST SP 800-63B asks, so the same password typed on two keyboards (composed or
 * decomposed accents, full-width digits) is the same password. Length counts code points.
 */
function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Throws `invalid` (field `password`) for a password that is too short or too long. */
export function checkPassword(password: string): void {
  if (typeof password !== 'string') throw invalid('password', 'Password is missing.');
  const length = [...normalizePassword(password)].length;
  if (length < MIN_PASSWORD_LENGTH) throw invalid('password', `Password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  if (length > MAX_PASSWORD_LENGTH) throw invalid('password', `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
}

export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  return hash(normalizePassword(password), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH * 4) return false;
  try {
    return await verify(passwordHash, normalizePassword(password));
  } catch {
    return false; // a malformed stored hash is a failed sign-in, not a crash
  }
}

/**
 * Checked against when the email is unknown, so that a sign-in for a missing account takes as
 * long as one with a wrong password and response time does not tell which accounts exist.
 */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hash('paperboy-no-such-account', ARGON2_OPTIONS);
  await verifyPassword(await dummyHash, password);
}
