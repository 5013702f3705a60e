/**
 * Keyword search as the rest of search sees it: one interface, two implementations, chosen here
 * by the database the catalog is in. SQLite has FTS5 (sqlite-search.ts); PostgreSQL its own
 * full-text search (postgres-search.ts). Both take the query as our own structure (query.ts),
 * never as text in a query language, and both rank by BM25 with field weights.
 */
import { storeKind } from '../store/dialect.js';
import type { SearchDb } from '../store/search-docs.js';
import type { KeywordTier } from './keyword-plan.js';
import { PostgresKeywordIndex } from './postgres-search.js';
import type { ExpressionParts, Filters, Term } from './query.js';
import { SqliteKeywordIndex } from './sqlite-search.js';

/** BM25 weights of the fields: title above authors above abstract. */
export interface FieldWeights {
  title: number;
  authors: number;
  abstract: number;
}

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = { title: 2, authors: 1.5, abstract: 1 };

export interface KeywordHit {
  doc: number;
  paperId: string;
  /** BM25, negated as FTS5 gives it: lower is better. */
  score: number;
}

/**
 * What a keyword plan weighs (and BM25 takes the IDF of): a word, prefix or phrase anywhere in a
 * paper (or only in its title), or a name among its authors.
 */
export type Countable = { kind: 'term'; term: Term; field?: 'title' } | { kind: 'author'; name: string };

/** One keyword tier (keyword-plan.ts) of a query to run. */
export interface TierSearch {
  parts: ExpressionParts;
  tier: KeywordTier;
  filters: Filters;
  limit: number;
  weights: FieldWeights;
  /** How many papers each item matches, remembered between searches (term-stats.ts). */
  counts(items: Countable[]): Promise<number[]>;
}

export interface KeywordIndex {
  /** How many papers each item matches (the document frequencies a keyword plan weighs). */
  counts(items: Countable[]): Promise<number[]>;
  /** The best matches of one tier of a query (keyword-plan.ts) that pass the filters, best first. */
  search(query: TierSearch): Promise<KeywordHit[]>;
  /** The docs that pass the filters, among `among` when given (else among all papers). */
  docsPassing(filters: Filters, among?: number[]): Promise<Set<number>>;
  /** The newest papers (by listing day) that pass the filters: a search of filters alone. */
  newestPassing(filters: Filters, limit: number): Promise<number[]>;
  /** Which of the given docs contain any of these words or phrases (to apply exclusions to semantic results). */
  docsContaining(terms: Term[], among: number[]): Promise<Set<number>>;
  /** Tidies the index after a large import (merges FTS5's segments; PostgreSQL's VACUUM ANALYZE). */
  optimize(): Promise<void>;
}

/** The keyword index of the database the catalog is in. */
export function keywordIndexFor(db: SearchDb): KeywordIndex {
  return storeKind(db) === 'postgres' ? new PostgresKeywordIndex(db) : new SqliteKeywordIndex(db);
}
