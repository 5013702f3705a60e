/**
 * The SQLite-only half of search: FTS5 expressions and the queries that read the FTS5 index.
 * A PostgreSQL mode would mirror this file with tsvector queries; everything else in search is
 * portable. No text a person typed reaches FTS5 as syntax: every word is sent as a quoted string.
 */
import { sql, type Kysely } from 'kysely';
import type { Filters, Term } from '../search/query.js';
import { STOPWORDS } from '../search/stopwords.js';
import type { SearchDatabase } from './search-docs.js';

/** BM25 weights of the FTS5 columns, in their order: title above authors above abstract. */
export interface FieldWeights {
  title: number;
  authors: number;
  abstract: number;
}

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = { title: 2, authors: 1.5, abstract: 1 };

export interface KeywordHit {
  doc: number;
  paperId: string;
  /** FTS5's bm25: lower is better (it is negative). */
  score: number;
}

/** An FTS5 string literal: the text in double quotes, inner quotes doubled, NULs (which end it early: "unterminated string") dropped. */
function quote(text: string): string {
  return `"${text.replace(/\0/g, '').replace(/"/g, '""')}"`;
}

/**
 * Builds the MATCH expression. `any`: any of the words (ranked by BM25), every phrase, none of the
 * excluded. `all`: every word too; null when there are fewer than two words, since it would be the
 * same as `any`. Null when nothing is left to look for (only exclusions, or only punctuation).
 */
export function ftsExpression(terms: Term[], authors: string[] = [], join: 'any' | 'all' = 'any'): string | null {
  const phrases = terms.filter((t) => t.kind === 'phrase').map((t) => quote(t.text));
  const words = terms.filter((t) => t.kind === 'word' || t.kind === 'prefix');
  const meaningful = words.filter((t) => t.kind === 'prefix' || !STOPWORDS.has(t.text.toLowerCase()));
  // A query of stopwords only ("the who") still searches for them.
  const optional = (meaningful.length > 0 ? meaningful : words).map((t) => (t.kind === 'prefix' ? `${quote(t.text)} *` : quote(t.text)));
  const excluded = terms.filter((t) => t.kind === 'exclude').map((t) => quote(t.text));
  const author = authors.map((name) => `{authors} : ${quote(name)}`);
  if (join === 'all' && optional.length < 2) return null;

  const parts: string[] = [...phrases];
  if (join === 'all') parts.push(...optional);
  // Phrases are required; the words are optional but still scored, so they are OR-ed with the
  // phrases rather than AND-ed (which would drop papers that have a phrase but none of the words).
  else if (optional.length > 0) parts.push(`(${[...phrases, ...optional].join(' OR ')})`);
  parts.push(...author);
  if (parts.length === 0) return null;
  const positive = parts.join(' AND ');
  return excluded.length > 0 ? `(${positive}) NOT (${excluded.join(' OR ')})` : positive;
}

function bm25(weights: FieldWeights): string {
  return `bm25(${weights.title}, ${weights.authors}, ${weights.abstract})`;
}

/** The best keyword matches that pass the filters, best first. */
export async function keywordSearch(
  db: Kysely<SearchDatabase>,
  expression: string,
  filters: Filters,
  limit: number,
  weights: FieldWeights = DEFAULT_FIELD_WEIGHTS,
): Promise<KeywordHit[]> {
  const needsPaper = filters.after !== null || filters.before !== null;
  const { rows } = await sql<{ doc: number; paper_id: string; score: number }>`
    SELECT f.rowid AS doc, d.paper_id, f.rank AS score
    FROM papers_fts f JOIN search_docs d ON d.doc = f.rowid
    ${needsPaper ? sql`JOIN papers p ON p.id = d.paper_id` : sql``}
    WHERE papers_fts MATCH ${expression} AND f.rank MATCH ${bm25(weights)}
    ${dayConditions(filters)} ${categoryCondition(filters)}
    ORDER BY f.rank LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ doc: r.doc, paperId: r.paper_id, score: r.score }));
}

/**
 * The docs that pass the filters, among `among` when given (else among all papers). Used by the
 * semantic side, whose vector index knows nothing of categories, authors or dates.
 */
export async function docsPassing(db: Kysely<SearchDatabase>, filters: Filters, among?: number[]): Promise<Set<number>> {
  const needsPaper = filters.after !== null || filters.before !== null;
  const authors = ftsExpression([], filters.authors);
  const { rows } = await sql<{ doc: number }>`
    SELECT d.doc FROM search_docs d
    ${needsPaper ? sql`JOIN papers p ON p.id = d.paper_id` : sql``}
    WHERE 1 = 1
    ${among ? sql`AND d.doc IN (SELECT value FROM json_each(${JSON.stringify(among)}))` : sql``}
    ${authors ? sql`AND d.doc IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ${authors})` : sql``}
    ${dayConditions(filters)} ${categoryCondition(filters)}`.execute(db);
  return new Set(rows.map((r) => r.doc));
}

function dayConditions(filters: Filters) {
  return sql`${filters.after ? sql`AND p.day >= ${filters.after}` : sql``} ${filters.before ? sql`AND p.day <= ${filters.before}` : sql``}`;
}

/** Any of the categories; `cs.*` stands for every category of the cs archive ('/' sorts just after '.'). */
function categoryCondition(filters: Filters) {
  if (filters.categories.length === 0) return sql``;
  const alternatives = filters.categories.map((c) =>
    c.endsWith('.*') ? sql`(c.category >= ${c.slice(0, -1)} AND c.category < ${`${c.slice(0, -2)}/`})` : sql`c.category = ${c}`,
  );
  return sql`AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = d.paper_id AND (${sql.join(alternatives, sql` OR `)}))`;
}

/** Merges the index's segments into one: worth doing after a bulk import, for faster queries. */
export async function optimizeKeywordIndex(db: Kysely<SearchDatabase>): Promise<void> {
  await sql`INSERT INTO papers_fts (papers_fts) VALUES ('optimize')`.execute(db);
}

/** The newest papers (by listing day) that pass the filters: a search of filters alone. */
export async function newestPassing(db: Kysely<SearchDatabase>, filters: Filters, limit: number): Promise<number[]> {
  const authors = ftsExpression([], filters.authors);
  const { rows } = await sql<{ doc: number }>`
    SELECT d.doc FROM papers p JOIN search_docs d ON d.paper_id = p.id
    WHERE 1 = 1
    ${authors ? sql`AND d.doc IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ${authors})` : sql``}
    ${dayConditions(filters)} ${categoryCondition(filters)}
    ORDER BY p.day DESC, p.id DESC LIMIT ${limit}`.execute(db);
  return rows.map((r) => r.doc);
}

/** Which of the given docs match an expression (to apply exclusions to semantic results). */
export async function docsMatching(db: Kysely<SearchDatabase>, expression: string, among: number[]): Promise<Set<number>> {
  const { rows } = await sql<{ doc: number }>`
    SELECT rowid AS doc FROM papers_fts
    WHERE papers_fts MATCH ${expression} AND rowid IN (SELECT value FROM json_each(${JSON.stringify(among)}))`.execute(db);
  return new Set(rows.map((r) => r.doc));
}

/** The file behind the connection, for a worker thread that opens its own. */
export async function databaseFile(db: Kysely<SearchDatabase>): Promise<string> {
  const { rows } = await sql<{ file: string }>`SELECT file FROM pragma_database_list WHERE name = 'main'`.execute(db);
  return rows[0]!.file;
}
