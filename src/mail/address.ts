/**
 * Which email addresses Paperboy accepts, for sign-up and for every mail it sends.
 *
 * The rule is the WHATWG HTML "valid email address" (what browsers check for
 * `<input type="email">`: an unquoted local part of atext and dots, a domain of LDH labels),
 * narrowed by RFC 5321's limits (254 characters in all, 64 in the local part, 63 per label) and
 * by a few more checks: no leading, trailing or doubled dot in the local part, and a domain with
 * at least one dot (no `user@localhost`). ASCII only: internationalized domains are accepted in
 * their punycode form. What this rule admits contains no space, quote, comma, angle bracket,
 * CR or LF, so an accepted address cannot inject a header or a second recipient.
 */
const WHATWG_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART = 64;

/** Why `raw` is not an address we accept, or null when it is. */
export function emailProblem(raw: string): string | null {
  if (typeof raw !== 'string' || raw === '') return 'is empty';
  if (/[\r\n]/.test(raw)) return 'contains a line break';
  if (raw.length > MAX_EMAIL_LENGTH) return `is longer than ${MAX_EMAIL_LENGTH} characters`;
  const at = raw.lastIndexOf('@');
  if (at < 0) return 'has no @';
  if (!WHATWG_EMAIL.test(raw)) return 'is not a valid address (letters, digits and .!#$%&\'*+/=?^_`{|}~- before the @, a domain after it)';
  const local = raw.slice(0, at);
  const domain = raw.slice(at + 1);
  if (local.length > MAX_LOCAL_PART) return `has more than ${MAX_LOCAL_PART} characters before the @`;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'has a misplaced dot before the @';
  if (!domain.includes('.')) return 'has no dot in its domain';
  return null;
}

/**
 * The form an address is stored and compared in: surrounding spaces removed, lower case.
 * (Local parts are case-sensitive in theory; no mail service treats them so, and people type them
 * both ways.) Null when the address is not accepted; `emailProblem` says why.
 */
export function normalizeEmail(raw: string): string | null {
  if (typeof raw !== 'string' || /[\r\n]/.test(raw)) return null;
  const email = raw.trim().toLowerCase();
  return emailProblem(email) === null ? email : null;
}
