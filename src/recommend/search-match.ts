/**
 * Saved searches answered in memory, for alerts: a digest run checks thousands of readers' saved
 * searches against the few thousand papers of a period, so each paper is tokenized once
 * (`prepare`, cached per paper object) and each query is compiled once (`compileSavedSearch`).
 *
 * The syntax is the search box's (search/query.ts), with the meaning an alert wants: every word
 * must appear (the search box ranks by any of them), `"phrases"` as consecutive words, `prefix*`,
 * `-exclusions`, and the `cat:`, `author:`, `after:` and `before:` filters. Words are folded and
 * Porter-stemmed the way the keyword index does it (unicode61 with diacritics removed, then porter),
 * and, as there, a word may be found in the title, the author names or the abstract; a phrase must
 * lie within one of them. Common words (the, of, ...) are left out of the required words, as the
 * search box leaves them out, but count inside phrases.
 */
import { stemmer } from 'stemmer';
import { categoryPasses, matchesAuthors, parseQuery, type Filters } from '../search/query.js';
import { STOPWORDS } from '../search/stopwords.js';

/** What a saved search looks at; a catalog `Paper` is one. */
export interface MatchablePaper {
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  /** Listing day, YYYY-MM-DD. */
  day: string;
}

/** One token as the keyword index sees it: the folded word and its stem. */
interface Token {
  word: string;
  stem: string;
}

/** A paper tokenized once; every compiled query reads it without tokenizing again. */
export class PreparedPaper {
  /** Stems of each field (title, authors, abstract), in order, for phrases. */
  readonly fields: readonly string[][];
  /** Every stem of every field, for words. */
  readonly stems: ReadonlySet<string>;
  /** Every distinct folded word, sorted, for prefixes (binary search). */
  readonly words: readonly string[];

  constructor(readonly paper: MatchablePaper) {
    const fields = [paper.title, paper.authors.join(', '), paper.abstract].map(tokens);
    this.fields = fields.map((f) => f.map((t) => t.stem));
    this.stems = new Set(this.fields.flat());
    this.words = [...new Set(fields.flat().map((t) => t.word))].sort();
  }

  hasStem(stem: string): boolean {
    return this.stems.has(stem);
  }

  hasWordStartingWith(prefix: string): boolean {
    const words = this.words;
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (words[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < words.length && words[lo]!.startsWith(prefix);
  }
}

const prepared = new WeakMap<MatchablePaper, PreparedPaper>();

/** The paper tokenized, once per paper object however many queries ask. */
export function prepare(paper: MatchablePaper | PreparedPaper): PreparedPaper {
  if (paper instanceof PreparedPaper) return paper;
  let p = prepared.get(paper);
  if (!p) {
    p = new PreparedPaper(paper);
    prepared.set(paper, p);
  }
  return p;
}

export type SavedSearchMatcher = (paper: MatchablePaper | PreparedPaper) => boolean;

const NOTHING: SavedSearchMatcher = () => false;

/**
 * Compiles a saved search into a test of one paper. A query with nothing to look for (empty,
 * punctuation, only exclusions) matches no paper: an alert for everything is not an alert.
 * Filters alone (`cat:cs.RO`) match every paper that passes them. Never throws.
 */
export function compileSavedSearch(query: string): SavedSearchMatcher {
  try {
    return compile(typeof query === 'string' ? query : '');
  } catch {
    return NOTHING;
  }
}

/** A sequence of stems that must appear consecutively; the last may be a prefix of a word. */
interface Sequence {
  stems: string[];
  /** The folded start of the last word, when the term was `word*`. */
  prefix: string | null;
}

function compile(query: string): SavedSearchMatcher {
  const parsed = parseQuery(query);
  const required: Sequence[] = [];
  const excluded: Sequence[] = [];
  const words = parsed.terms.filter((t) => t.kind === 'word');
  // As the search box: common words are left out, unless the query is nothing but common words.
  const meaningful = words.filter((t) => !STOPWORDS.has(t.text.toLowerCase()));
  for (const term of parsed.terms) {
    if (term.kind === 'word' && meaningful.length > 0 && !meaningful.includes(term)) continue;
    const sequence = toSequence(term.text, term.kind === 'prefix');
    if (!sequence) continue;
    (term.kind === 'exclude' ? excluded : required).push(sequence);
  }
  const filters = parsed.filters;
  const hasFilter = filters.categories.length > 0 || filters.authors.length > 0 || filters.after !== null || filters.before !== null;
  if (required.length === 0 && !hasFilter) return NOTHING;
  // Single words first: a set lookup, and the cheapest way to say no.
  required.sort((a, b) => cost(a) - cost(b));
  const passes = compileFilters(filters);

  return (paper) => {
    try {
      const raw = paper instanceof PreparedPaper ? paper.paper : paper;
      if (!passes(raw)) return false;
      const p = prepare(paper);
      for (const s of required) if (!contains(p, s)) return false;
      for (const s of excluded) if (contains(p, s)) return false;
      return true;
    } catch {
      return false;
    }
  };
}

function cost(s: Sequence): number {
  return s.prefix === null && s.stems.length === 1 ? 0 : 1;
}

function toSequence(text: string, isPrefix: boolean): Sequence | null {
  const found = tokens(text);
  if (found.length === 0) return null;
  if (!isPrefix) return { stems: found.map((t) => t.stem), prefix: null };
  return { stems: found.slice(0, -1).map((t) => t.stem), prefix: found[found.length - 1]!.word };
}

function contains(p: PreparedPaper, s: Sequence): boolean {
  if (s.stems.length === 0) return s.prefix !== null && p.hasWordStartingWith(s.prefix);
  if (s.stems.length === 1 && s.prefix === null) return p.hasStem(s.stems[0]!);
  for (const stem of s.stems) if (!p.hasStem(stem)) return false;
  if (s.prefix !== null && !p.hasWordStartingWith(s.prefix)) return false;
  // Every part is there somewhere: now look for them in a row, within one field.
  return p.fields.some((field, f) => inRow(field, s, p, f));
}

function inRow(field: string[], s: Sequence, p: PreparedPaper, f: number): boolean {
  const n = s.stems.length + (s.prefix === null ? 0 : 1);
  for (let i = 0; i + n <= field.length; i++) {
    let ok = true;
    for (let j = 0; j < s.stems.length; j++) {
      if (field[i + j] !== s.stems[j]) {
        ok = false;
        break;
      }
    }
    if (ok && s.prefix !== null) ok = wordsOf(p, f)[i + s.stems.length]!.startsWith(s.prefix);
    if (ok) return true;
  }
  return false;
}

/** The folded words of a field in order; only phrases that end in a prefix need them, so made on demand. */
const fieldWords = new WeakMap<PreparedPaper, string[][]>();
function wordsOf(p: PreparedPaper, f: number): string[] {
  let all = fieldWords.get(p);
  if (!all) {
    all = [p.paper.title, p.paper.authors.join(', '), p.paper.abstract].map((text) => tokens(text).map((t) => t.word));
    fieldWords.set(p, all);
  }
  return all[f]!;
}

function compileFilters(filters: Filters): (paper: MatchablePaper) => boolean {
  const anyCategory = filters.categories.length > 0;
  return (paper) => {
    if (filters.after !== null && paper.day < filters.after) return false;
    if (filters.before !== null && paper.day > filters.before) return false;
    if (anyCategory && !paper.categories.some((c) => filters.categories.some((f) => categoryPasses(f, c)))) return false;
    if (filters.authors.length > 0 && !matchesAuthors(paper.authors, filters.authors)) return false;
    return true;
  };
}

// ---- Tokens, as FTS5's `porter unicode61 remove_diacritics 2` makes them.

const WORD = /[\p{L}\p{N}]+/gu;
const stems = new Map<string, string>();

function tokens(text: string): Token[] {
  const out: Token[] = [];
  const folded = text.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase();
  for (const match of folded.matchAll(WORD)) {
    const word = match[0];
    let stem = stems.get(word);
    if (stem === undefined) {
      stem = word.length > 2 && word.length <= 64 ? stemmer(word) : word;
      // The common words are what repeat; the long tail would only fill memory.
      if (stems.size < 200_000) stems.set(word, stem);
    }
    out.push({ word, stem });
  }
  return out;
}
