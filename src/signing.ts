import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures for links that carry their own proof (digest links, group invitations, calendar and
 * feed addresses): HMAC-SHA256, base64url, over the link's fields, with a key derived from the
 * server secret for one use only (`use`), so a tag made for one kind of link, or a cookie
 * signature, never passes for another.
 */
const keys = new Map<string, Buffer>();

/** HMAC(server secret, use): remembered, since a digest run signs thousands of links with one secret. */
function keyFor(secret: string, use: string): Buffer {
  const id = `${use}\n${secret}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size > 32) keys.clear();
    key = createHmac('sha256', secret).update(use).digest();
    keys.set(id, key);
  }
  return key;
}

/** The tag (43 base64url characters) of these fields, for this use. */
export function signature(secret: string, use: string, fields: ReadonlyArray<string | number>): string {
  return createHmac('sha256', keyFor(secret, use)).update(fields.join('\n')).digest('base64url');
}

/**
 * Whether `given` is the tag of these fields. Compared as text in constant time, not decoded:
 * base64url decoding ignores the last character's spare bits.
 */
export function signatureMatches(secret: string, use: string, fields: ReadonlyArray<string | number>, given: string): boolean {
  const expected = Buffer.from(signature(secret, use, fields));
  const offered = Buffer.from(given);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}
