/**
 * What a person types into the search box, parsed into our own small structure. Nothing typed is
 * ever passed to a query language as it is: the keyword index gets an expression we build from
 * this structure (see fts-query.ts), so quotes, brackets, `AND`, `NEAR(` or `*` are just text.
 *
 * Syntax: words; `"a phrase"` (must appear); `word*` (prefix); `-word` or `-"a phrase"` (must not
 * appear); filters `cat:cs.CL` (or `category:`), `author:"Yann LeCun"`, `after:2025-01-01` and
 * `before:2025-06-30` (also `2025` or `2025-06`; both ends included).
 */
import { stemmer } from 'stemmer';
import { foldName } from '../papers/authors.js';
import { daysInMonth } from '../papers/dates.js';
import { canonicalCategory } from '../papers/taxonomy.js';
import { STOPWORDS } from './stopwords.js';

export interface Filters {
  /** Canonical categories (`cs.CL`) or whole archives (`cs.*`, old records filed under bare `cs` included): a paper in any of them passes. */
  categories: string[];
  /** Names as typed; a paper must have every one of them among its authors. */
  authors: string[];
  /** First and last listing day included, YYYY-MM-DD. */
  after: string | null;
  before: string | null;
}

export type Term =
  | { kind: 'word'; text: string }
  | { kind: 'prefix'; text: string }
  | { kind: 'phrase'; text: string }
  | { kind: 'exclude'; text: string };

export interface ParsedQuery {
  terms: Term[];
  filters: Filters;
  /** The words and phrases, without operators or filters: what the semantic side embeds. */
  text: string;
  /** Things a person should know: a filter that was not understood, words left out. */
  notes: string[];
}

/** Longer queries are cut here (a title or an abstract pasted in is fine; a book is not). */
export const MAX_QUERY_CHARS = 1000;
/** More words than this add little to ranking and make keyword search slow. */
export const MAX_TERMS = 64;

export function emptyFilters(): Filters {
  return { categories: [], authors: [], after: null, before: null };
}

export function parseQuery(input: string): ParsedQuery {
  const notes: string[] = [];
  // Control characters (NUL above all, which ends a string for SQLite's C side) are never meant.
  // eslint-disable-next-line no-control-regex
  let source = input.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, ' ');
  if (source.length > MAX_QUERY_CHARS) {
    source = source.slice(0, MAX_QUERY_CHARS);
    notes.push(`The query was cut to its first ${MAX_QUERY_CHARS} characters.`);
  }
  const filters = emptyFilters();
  const terms: Term[] = [];
  const text: string[] = [];
  const seenWords = new Set<string>();

  for (const token of splitTokens(source)) {
    const filter = /^([A-Za-z]+):(.*)$/s.exec(token.raw);
    if (filter && !token.quotedWhole) {
      const key = filter[1]!.toLowerCase();
      const value = unquote(filter[2]!).trim();
      if (key in FILTERS) {
        if (value === '') notes.push(`"${key}:" needs a value, for example ${FILTERS[key]!.example}.`);
        else {
          const problem = FILTERS[key]!.apply(filters, value);
          if (problem) notes.push(problem);
        }
        continue;
      }
    }
    const { typed, found } = toTerms(token);
    if (typed !== null) text.push(typed);
    for (const term of found) {
      // "Model" and "models" ask for the same thing; counted twice they would outweigh the other words.
      if (term.kind === 'word') {
        const key = wordKey(term.text);
        if (seenWords.has(key)) continue;
        seenWords.add(key);
      }
      if (terms.length >= MAX_TERMS) {
        if (!notes.some((n) => n.startsWith('Only the first'))) notes.push(`Only the first ${MAX_TERMS} words were used.`);
        continue;
      }
      terms.push(term);
    }
  }
  return { terms, filters, text: text.join(' '), notes };
}

interface RawToken {
  raw: string;
  /** The whole token was one quoted phrase: `"cat:cs"` is text, not a filter. */
  quotedWhole: boolean;
}

/** Splits on whitespace outside double quotes; an unclosed quote runs to the end. */
function splitTokens(s: string): RawToken[] {
  const tokens: RawToken[] = [];
  let current = '';
  let inQuote = false;
  let startedQuoted = false;
  for (const ch of s) {
    if (ch === '"') {
      if (current === '' && !inQuote) startedQuoted = true;
      inQuote = !inQuote;
      current += ch;
    } else if (/\s/.test(ch) && !inQuote) {
      if (current !== '') tokens.push({ raw: current, quotedWhole: startedQuoted });
      current = '';
      startedQuoted = false;
    } else {
      current += ch;
    }
  }
  if (current !== '') tokens.push({ raw: current, quotedWhole: startedQuoted });
  return tokens;
}

function unquote(s: string): string {
  return s.replace(/"/g, ' ').replace(/\s+/g, ' ').trim();
}

/** A piece of text the keyword index can match: it must hold a letter or a digit. */
export function hasWordCharacters(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}

/**
 * The terms of one token, and its text as typed (for the semantic side; null for an exclusion).
 * Punctuation around a word is not part of it: "(transformers)," is "transformers" and "of," the
 * stop word "of". A word with punctuation inside is looked for whole, as FTS5 reads it ("off-policy"
 * matches the two words side by side, not "on-policy"), and its parts are looked for too, so that a
 * paper writing "TNF alpha" or only "alpha" for "TNF-alpha" still scores; a paper with the whole
 * word has every part as well, so requiring every word changes nothing. Quotes keep a phrase whole.
 */
function toTerms(token: RawToken): { typed: string | null; found: Term[] } {
  let raw = token.raw;
  let exclude = false;
  if (raw.startsWith('-') && raw.length > 1) {
    exclude = true;
    raw = raw.slice(1);
  }
  const quoted = raw.includes('"');
  if (!quoted) raw = raw.replace(/^[^\p{L}\p{N}]+/u, '').replace(/[^\p{L}\p{N}*]+$/u, '');
  const prefix = !quoted && /\w\*+$/u.test(raw);
  const text = unquote(raw).replace(/\*+$/u, '');
  if (!hasWordCharacters(text)) return { typed: null, found: [] };
  if (exclude) return { typed: null, found: [{ kind: 'exclude', text }] };
  if (quoted) return { typed: text, found: [{ kind: 'phrase', text }] };
  if (prefix) return { typed: text, found: [{ kind: 'prefix', text }] };
  const parts = text.split(/[^\p{L}\p{N}]+/u).filter((part) => part !== '');
  const words = parts.length > 1 ? [text, ...parts] : parts;
  return { typed: text, found: words.map((word) => ({ kind: 'word', text: word })) };
}

/**
 * Words that ask for the same thing share a key: case, accents and endings ignored. A stop word
 * only repeats itself: "being" must not take the place of "beings".
 */
function wordKey(text: string): string {
  const folded = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return STOPWORDS.has(folded) ? `stop word ${folded}` : stemmer(folded);
}

interface FilterSpec {
  example: string;
  /** Adds the value to the filters, or says what is wrong with it. */
  apply(filters: Filters, value: string): string | null;
}

const categoryFilter: FilterSpec = {
  example: 'cat:cs.CL',
  apply(filters, value) {
    const category = parseCategory(value);
    if (!category) return `"${value}" is not an arXiv category (for example cs.CL or cs); the category filter was left out.`;
    if (!filters.categories.includes(category)) filters.categories.push(category);
    return null;
  },
};

const FILTERS: Record<string, FilterSpec> = {
  cat: categoryFilter,
  category: categoryFilter,
  author: {
    example: 'author:"Yann LeCun"',
    apply(filters, value) {
      if (!hasWordCharacters(value)) return `"${value}" is not a name; the author filter was left out.`;
      filters.authors.push(value.slice(0, 200));
      return null;
    },
  },
  after: {
    example: 'after:2025-01-01',
    apply(filters, value) {
      const day = parseDay(value, 'start');
      if (!day) return `"${value}" is not a date such as 2025-01-01; the after: filter was left out.`;
      filters.after = day;
      return null;
    },
  },
  before: {
    example: 'before:2025-06-30',
    apply(filters, value) {
      const day = parseDay(value, 'end');
      if (!day) return `"${value}" is not a date such as 2025-06-30; the before: filter was left out.`;
      filters.before = day;
      return null;
    },
  },
};

/**
 * A whole archive such as `cs`, written `cs.*`, or else a known category in its canonical spelling.
 * The archive comes first: old records use the bare archive as a category, and `cat:cs` asks for all of cs.
 */
export function parseCategory(value: string): string | null {
  const archive = value.trim().toLowerCase();
  return ARCHIVES.has(archive) ? `${archive}.*` : canonicalCategory(value);
}

/** Whether a paper's category passes one category filter of `Filters`. */
export function categoryPasses(filter: string, category: string): boolean {
  if (!filter.endsWith('.*')) return category === filter;
  const archive = filter.slice(0, -2);
  return category === archive || category.startsWith(`${archive}.`);
}

/** Archives whose categories are named `archive.SUBJECT`, so `cat:cs` can mean all of cs.*. */
const ARCHIVES = new Set(['cs', 'math', 'physics', 'stat', 'eess', 'econ', 'q-bio', 'q-fin', 'astro-ph', 'cond-mat', 'nlin']);

/** `2025`, `2025-06` or `2025-06-30` as the first or last day it covers; null when not a real date. */
export function parseDay(value: string, end: 'start' | 'end'): string | null {
  const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(value.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? (end === 'start' ? 1 : 12) : Number(m[2]);
  if (month < 1 || month > 12) return null;
  const lastDay = daysInMonth(year, month);
  const day = m[3] === undefined ? (end === 'start' ? 1 : lastDay) : Number(m[3]);
  if (day < 1 || day > lastDay) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Filters given as separate parameters (API, CLI) merged into those typed in the query. */
export function mergeFilters(a: Filters, b: Partial<Filters>): Filters {
  return {
    categories: [...new Set([...a.categories, ...(b.categories ?? [])])],
    authors: [...a.authors, ...(b.authors ?? [])],
    after: laterOf(a.after, b.after ?? null),
    before: earlierOf(a.before, b.before ?? null),
  };
}

function laterOf(x: string | null, y: string | null): string | null {
  if (x === null) return y;
  if (y === null) return x;
  return x > y ? x : y;
}

function earlierOf(x: string | null, y: string | null): string | null {
  if (x === null) return y;
  if (y === null) return x;
  return x < y ? x : y;
}

export function hasFilters(f: Filters): boolean {
  return f.categories.length > 0 || f.authors.length > 0 || f.after !== null || f.before !== null;
}

/**
 * Whether a paper's authors include every name asked for: `author:LeCun` and `author:"Yann LeCun"`
 * both match "Yann LeCun" (the words, whole and in order, within one author's name).
 */
export function matchesAuthors(authors: string[], wanted: string[]): boolean {
  const folded = authors.map((a) => ` ${foldName(a)} `);
  return wanted.every((name) => {
    const key = ` ${foldName(name)} `;
    return key.trim() === '' || folded.some((a) => a.includes(key));
  });
}

/** A keyword query taken apart: what must appear, the words looked for, what must not appear. */
export interface ExpressionParts {
  phrases: Term[];
  words: Term[];
  excluded: Term[];
  authors: string[];
}

/**
 * The parts of a typed query. Stop words are left out of the words (they still count inside
 * phrases), unless the query has nothing else: a query of stopwords only ("the who") still
 * searches for them.
 */
export function expressionParts(terms: Term[], authors: string[] = []): ExpressionParts {
  const words = terms.filter((t) => t.kind === 'word' || t.kind === 'prefix');
  const meaningful = words.filter((t) => t.kind === 'prefix' || !STOPWORDS.has(t.text.toLowerCase()));
  return {
    phrases: terms.filter((t) => t.kind === 'phrase'),
    words: meaningful.length > 0 ? meaningful : words,
    excluded: terms.filter((t) => t.kind === 'exclude'),
    authors,
  };
}
