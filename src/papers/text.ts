/** Small text helpers shared by the normalizers. */

/** Folds every run of whitespace (newlines included) into one space and trims. */
export function foldWhitespace(s: string): string {
  // Most abstracts need no folding, and checking first is several times faster than always
  // replacing. Only two plain spaces or some other whitespace character can need it.
  const needsFolding = s.includes('  ') || OTHER_WHITESPACE.test(s);
  return needsFolding ? s.replace(/\s+/g, ' ').trim() : s.trim();
}

/** Any whitespace character but the plain space. */
const OTHER_WHITESPACE = /[^\S ]/;

/**
 * The folded text of an optional field, or null when it is missing, not a string, or blank.
 * Sources hand us `null`, `''` and `'  \n'` for "no comment"; all of them mean the same thing.
 */
export function optionalText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const folded = foldWhitespace(value);
  return folded === '' ? null : folded;
}
