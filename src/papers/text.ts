/** Small text helpers: the normalizers' whitespace rules, and the excerpt pages and mails show. */

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

const EXCERPT_CHARS = 300;

/** The start of a text, cut at a word boundary when one is near, with an ellipsis when cut. */
export function excerpt(text: string, chars = EXCERPT_CHARS): string {
  if (text.length <= chars) return text;
  const cut = text.lastIndexOf(' ', chars);
  return `${text.slice(0, cut > chars / 2 ? cut : chars)}…`;
}

/** Words ending in a full stop that do not end a sentence. */
const ABBREVIATION = /(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|approx|resp|Fig|Figs|Eq|Eqs|Sec|Ref|Refs|Dr|Prof|No|Vol)|\b[A-Z])\.$/;

/**
 * The first sentence of a text (an abstract's opening, as a one-line summary), at most `chars`
 * long. A full stop ends a sentence when a space and a capital, digit or bracket follow it, unless
 * it closes an abbreviation (*e.g.*, *et al.*, an initial); what cannot be split is cut as `excerpt` cuts.
 */
export function firstSentence(text: string, chars = EXCERPT_CHARS): string {
  const folded = foldWhitespace(text);
  const ends = /[.!?](?=\s+["'([]?[A-Z0-9$\\])/g;
  for (let m = ends.exec(folded); m; m = ends.exec(folded)) {
    const candidate = folded.slice(0, m.index + 1);
    if (candidate.length > chars) break;
    if (!ABBREVIATION.test(candidate)) return candidate;
  }
  return excerpt(folded, chars);
}
