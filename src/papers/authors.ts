/**
 * Author lists from the three shapes sources give them in:
 *
 * - one string, as in `.abs` files: `A. Smith, B. Jones and C. Wu`, `A, B, and C`, `A & B`;
 * - a list of names (the JSON dumps, the Atom API);
 * - parsed parts `[keyname, forenames, suffix]` (OAI-PMH `arXiv` format) → `forenames keyname suffix`.
 *
 * Rules, each from real records:
 * - Splitting happens only outside brackets, so affiliations such as `(1 and 2)` or
 *   `(Chicago, KICP)` never split a name; bracketed affiliations are then removed from names.
 * - A suffix split off by a comma (`Robert W. Heath, Jr.`, `M. Finger,\, Jr.`) is joined back:
 *   `Robert W. Heath Jr.`. The comma form of a single name is written the same way.
 * - Names are whitespace-folded; stray `and` left by a bad split (`'Haoshen Qin and'`), LaTeX line
 *   breaks `\\` and trailing separators are trimmed; entries with no letter or digit (`:`, `.`)
 *   are dropped. LaTeX accents are kept as written (`Ren{\'e}`).
 * - In a list, an entry is one name; only `;` splits it (one record lists five names that way).
 * - `Last, First` strings are not recognised: arXiv writes `First Last`.
 */

import { foldWhitespace } from './text.js';

const SUFFIX = /^(?:Jr|Sr|Jnr|Snr)\.?$|^(?:II|III|IV)$/i;
/** `Heath, Jr.`, also with LaTeX spacing between: `Finger,\, Jr.`. */
const COMMA_SUFFIX = /,(?:\s|\\,|~)*((?:Jr|Sr|Jnr|Snr)\.?|II|III|IV)$/i;
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export function normalizeAuthors(input: unknown): string[] {
  if (typeof input === 'string') return joinSuffixes(splitAuthorString(input).map(cleanName));
  if (!Array.isArray(input)) return [];
  const names: string[] = [];
  for (const entry of input) {
    if (Array.isArray(entry)) names.push(cleanName(fromParts(entry)));
    else if (typeof entry === 'string') names.push(...entry.split(';').map(cleanName));
  }
  return names.filter((name) => name !== '');
}

/** `['Smith', 'John', 'Jr.']` → `John Smith Jr.`; missing parts are skipped. */
function fromParts(parts: unknown[]): string {
  const [keyname, forenames, suffix] = parts;
  return [forenames, keyname, suffix].filter((p): p is string => typeof p === 'string').join(' ');
}

/**
 * Splits `A, B and C` at top-level `,` `;` `&` and the word `and`; text inside (), [] and {} is
 * never split. A backslash escapes the next character, so LaTeX `\,` and `\&` do not split.
 */
function splitAuthorString(s: string): string[] {
  const pieces: string[] = [];
  const closers: string[] = [];
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\') {
      current += ch + (s[i + 1] ?? '');
      i++;
    } else if (ch in OPENERS) {
      closers.push(OPENERS[ch] ?? '');
      current += ch;
    } else if (ch === closers[closers.length - 1]) {
      closers.pop();
      current += ch;
    } else if (closers.length === 0 && (ch === ',' || ch === ';' || ch === '&')) {
      pieces.push(current);
      current = '';
    } else if (closers.length === 0 && /^\sand\s/.test(s.slice(i, i + 5))) {
      pieces.push(current);
      current = '';
      i += 3; // skip " and"; the following whitespace is folded away later
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return pieces;
}

/** One name, tidied; '' when nothing name-like is left. */
function cleanName(raw: string): string {
  let name = foldWhitespace(raw.includes('(') || raw.includes('[') ? removeBracketed(raw) : raw);
  // Leftovers of splitting and typesetting at the edges: `\\` line breaks, `\,` spaces, a dangling `and`.
  name = name.replace(/^(?:\\\\|\\,|~|and\s|\s)+/, '').replace(/(?:\\\\|\sand|[,;\s])+$/, '');
  name = name.replace(COMMA_SUFFIX, ' $1');
  return /[\p{L}\p{N}]/u.test(name) ? name : '';
}

/** Removes `(...)` and `[...]` groups, nested ones included: they hold affiliations, not names. */
function removeBracketed(s: string): string {
  let out = '';
  let depth = 0;
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    else if ((ch === ')' || ch === ']') && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/** Appends a lone suffix piece (`Jr.`) to the name before it and drops empty pieces. */
function joinSuffixes(names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (name === '') continue;
    const previous = out[out.length - 1];
    if (SUFFIX.test(name) && previous !== undefined) out[out.length - 1] = `${previous} ${name}`;
    else out.push(name);
  }
  return out;
}

/**
 * A name folded for comparing names: case and accents ignored, punctuation as spaces, hyphens kept
 * ("Yu-Yang" is not "Yang"). Search filters, followed authors and digest alerts all compare this
 * way, so "Jose Garcia" follows "José García" everywhere.
 */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}-]+/gu, ' ')
    .trim();
}

/** Words that make a name a group's rather than a person's: `The ATLAS Collaboration`. */
const GROUP_NAME = /\b(?:collaboration|consortium|team|group|project|initiative|committee|network|alliance|organi[sz]ation|institute|university|laboratory)\b/i;
/** Lower-case words that belong to the family name: `Ludwig van Beethoven`, `Pierre de Fermat`. */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'ten', 'ter', 'zu', 'bin', 'ibn']);

export type NameParts = { given: string; family: string; suffix?: string } | { literal: string };

/**
 * A name as arXiv writes it (`First Last`, see above) split for citation formats: the family name
 * is the last word, with the lower-case particles before it (`van Beethoven`) and without a suffix
 * (`Jr.`, kept apart); a one-word name is a family name; a group (`The ATLAS Collaboration`) stays
 * whole. Two-word family names written without a particle (`Vaezi Joze`) cannot be told apart from
 * middle names and come out as the last word, as every reference manager does with them.
 */
export function nameParts(name: string): NameParts {
  if (GROUP_NAME.test(name)) return { literal: name };
  const words = name.split(' ').filter((w) => w !== '');
  const suffix = words.length > 2 && SUFFIX.test(words[words.length - 1] ?? '') ? words.pop() : undefined;
  let start = words.length - 1;
  while (start > 1 && PARTICLES.has(words[start - 1] ?? '')) start--;
  const parts = { given: words.slice(0, start).join(' '), family: words.slice(start).join(' ') };
  return suffix === undefined ? parts : { ...parts, suffix };
}
