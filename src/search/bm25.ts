/**
 * BM25 as SQLite's FTS5 computes it (its bm25() function, fts5_aux.c), for the PostgreSQL keyword
 * index, whose own ranking functions know nothing of how rare a word is: for each phrase of the
 * query, its IDF times a saturated, length-normalised count of its occurrences in the paper, each
 * occurrence counted by the weight of its field. Computed over the positions PostgreSQL keeps in
 * each paper's tsvector, so a phrase counts where its words stand side by side in one field.
 */
import type { FieldWeights } from './keyword-index.js';

const K1 = 1.2;
const B = 0.75;

export type DocField = 'title' | 'authors' | 'abstract';

/** Where one stemmed word stands in a paper. */
export interface Occurrence {
  position: number;
  field: DocField;
}

export interface DocPostings {
  doc: number;
  /** Words in the paper, all fields. */
  length: number;
  /** The occurrences of the query's stemmed words (and of words its prefixes start), by word. */
  words: Map<string, Occurrence[]>;
}

/** One phrase of the query, as FTS5 counts phrases: its stemmed words, the last maybe a prefix, maybe held to one field. */
export interface ScoredPhrase {
  lexemes: string[];
  prefix: boolean;
  field: DocField | null;
  /** Papers that have the phrase (in its field). */
  papers: number;
}

export interface Corpus {
  papers: number;
  /** Average words per paper. */
  averageLength: number;
}

/** FTS5's IDF: rare phrases weigh most; one in half the papers or more weighs almost nothing, never less. */
export function idf(papersWithPhrase: number, corpus: Corpus): number {
  const value = Math.log((0.5 + corpus.papers - papersWithPhrase) / (0.5 + papersWithPhrase));
  return value <= 0 ? 1e-6 : value;
}

/** The BM25 of a paper for the query's phrases (higher is better; FTS5 returns it negated). */
export function bm25(doc: DocPostings, phrases: ScoredPhrase[], corpus: Corpus, weights: FieldWeights): number {
  const norm = K1 * (1 - B + (B * doc.length) / Math.max(corpus.averageLength, 1e-9));
  let score = 0;
  for (const phrase of phrases) {
    let frequency = 0;
    for (const at of occurrences(doc, phrase)) frequency += weights[at];
    if (frequency > 0) score += idf(phrase.papers, corpus) * ((frequency * (K1 + 1)) / (frequency + norm));
  }
  return score;
}

/** The field of each place the phrase starts at: its words at consecutive positions, all in one field. */
function occurrences(doc: DocPostings, phrase: ScoredPhrase): DocField[] {
  const last = phrase.lexemes.length - 1;
  const at = phrase.lexemes.map((lexeme, i) => positionsOf(doc, lexeme, phrase.prefix && i === last));
  const found: DocField[] = [];
  for (const [position, field] of at[0] ?? []) {
    if (phrase.field !== null && field !== phrase.field) continue;
    let whole = true;
    for (let k = 1; k <= last && whole; k++) whole = at[k]!.get(position + k) === field;
    if (whole) found.push(field);
  }
  return found;
}

/** Positions of a word (or of every word a prefix starts) with their fields. */
function positionsOf(doc: DocPostings, lexeme: string, prefix: boolean): Map<number, DocField> {
  const out = new Map<number, DocField>();
  for (const [word, list] of doc.words) {
    if (prefix ? !word.startsWith(lexeme) : word !== lexeme) continue;
    for (const o of list) out.set(o.position, o.field);
  }
  return out;
}
