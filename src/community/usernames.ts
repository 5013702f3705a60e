import { FORBIDDEN_IN_LINE, invalid } from './errors.js';

export const MAX_DISPLAY_NAME_LENGTH = 60;
const USERNAME = /^[a-z0-9](?:[a-z0-9_-]{1,28}[a-z0-9])$/;
/** Names that would read as the site speaking, or collide with page paths under `/u/`. */
const RESERVED = new Set(['admin', 'administrator', 'moderator', 'mod', 'paperboy', 'root', 'system', 'staff', 'support', 'api', 'me', 'new', 'settings', 'anonymous', 'deleted']);

/** Trimmed display name, or `invalid` (field `displayName`). */
export function cleanDisplayName(raw: string): string {
  if (typeof raw !== 'string') throw invalid('displayName', 'Name is missing.');
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '') throw invalid('displayName', 'Name is missing.');
  if (FORBIDDEN_IN_LINE.test(name)) throw invalid('displayName', 'Name contains control characters.');
  if ([...name].length > MAX_DISPLAY_NAME_LENGTH) throw invalid('displayName', `Name must be at most ${MAX_DISPLAY_NAME_LENGTH} characters.`);
  return name;
}

/** A chosen username, lower-cased, or `invalid` (field `username`). */
export function cleanUsername(raw: string): string {
  const name = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (!USERNAME.test(name)) {
    throw invalid('username', 'Username must be 3 to 30 characters: letters, digits, - and _, starting and ending with a letter or digit.');
  }
  if (RESERVED.has(name)) throw invalid('username', `The username "${name}" is reserved.`);
  return name;
}

/**
 * Usernames to try, in order, for someone who did not choose one: made from the display name
 * (never from the email, which would publish its local part), then numbered.
 */
export function* usernameCandidates(displayName: string): Generator<string> {
  let base = displayName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 22)
    .replace(/-+$/, '');
  if (base.length < 3 || RESERVED.has(base)) base = 'reader';
  yield base;
  for (let n = 2; n < 100; n++) yield `${base}-${n}`;
  for (;;) yield `${base}-${Math.floor(Math.random() * 1e6)}`;
}
