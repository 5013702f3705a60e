import { createHash, randomBytes } from 'node:crypto';

/**
 * Secrets handed to a browser or put in an emailed link: 32 random bytes, base64url. Only their
 * SHA-256 is stored, so a leaked database copy holds no usable session or reset link. (A fast
 * hash is enough: the input has 256 bits of entropy, nothing to guess.)
 */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a string could be one of our tokens at all (saves a lookup for junk). */
export function looksLikeToken(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}
