/**
 * The SQLite half of keyword search: FTS5 expressions and the queries that read the FTS5 index
 * (postgres-search.ts is the PostgreSQL half). No text a person typed reaches FTS5 as syntax:
 * every word is sent as a quoted string.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SearchDatabase } from '../store/search-docs.js';
import type { Countable, FieldWeights, KeywordHit, KeywordIndex, TierSearch } from './keyword-index.js';
import { expressionParts, type ExpressionParts, type Filters, type Term } from './query.js';

/** FTS5 over the catalog: see KeywordIndex. */
export class SqliteKeywordIndex implements KeywordIndex {
  constructor(private readonly db: Kysely<SearchDatabase>) {}

  counts(items: Countable[]): Promise<number[]> {
    return matchCounts(this.db, items.map(countedExpression));
  }

  /**
   * A tier as one MATCH expression, ranked by FTS5's bm25 over its terms; words the tier scores
   * without matching on them, and words it requires without scoring them, are extra runs.
   */
  async search({ parts, tier, filters, limit, weights }: TierSearch): Promise<KeywordHit[]> {
    const expression = buildExpression({ ...parts, words: tier.words }, tier.join, { inTitle: tier.inTitle });
    if (!expression) return [];
    if (tier.alsoScored.length === 0) {
      const requiring = tier.alsoRequired.length > 0 ? tier.alsoRequired.map(termExpression).join(' AND ') : null;
      return keywordSearch(this.db, expression, filters, limit, weights, requiring);
    }
    const alsoScored = tier.alsoScored.map(termExpression).join(' OR ');
    return keywordSearchAlsoScoring(this.db, expression, alsoScored, filters, limit, weights);
  }

  docsPassing(filters: Filters, among?: number[]): Promise<Set<number>> {
    return docsPassing(this.db, filters, among);
  }

  newestPassing(filters: Filters, limit: number): Promise<number[]> {
    return newestPassing(this.db, filters, limit);
  }

  async docsContaining(terms: Term[], among: number[]): Promise<Set<number>> {
    const expression = ftsExpression(terms.map((t) => ({ kind: 'word' as const, text: t.text })));
    return expression ? docsMatching(this.db, expression, among) : new Set();
  }

  /** Merges the index's segments into one: worth doing after a bulk import, for faster queries. */
  async optimize(): Promise<void> {
    await sql`INSERT INTO papers_fts (papers_fts) VALUES ('optimize')`.execute(this.db);
  }
}

/** An FTS5 string literal: the text in double quotes, inner quotes doubled, NULs (which end it early: "unterminated string") dropped. */
function quote(text: string): string {
  return `"${text.replace(/\0/g, '').replace(/"/g, '""')}"`;
}

/** One word as FTS5 matches it: a quoted string, or for a prefix a quoted string and `*`. */
export function termExpression(term: Term): string {
  return term.kind === 'prefix' ? `${quote(term.text)} *` : quote(term.text);
}

function countedExpression(item: Countable): string {
  if (item.kind === 'author') return authorExpression(item.name);
  return item.field === 'title' ? `{title} : ${termExpression(item.term)}` : termExpression(item.term);
}

/** An author filter as FTS5 matches it: the name as a phrase in the authors column. */
export function authorExpression(name: string): string {
  return `{authors} : ${quote(name)}`;
}

/**
 * Builds the MATCH expression. `any`: any of the words (ranked by BM25), every phrase, none of the
 * excluded. `all`: every word too; null when there are fewer than two words, since it would be the
 * same as `any`. Null when nothing is left to look for (only exclusions, or only punctuation).
 */
export function ftsExpression(terms: Term[], authors: string[] = [], join: 'any' | 'all' = 'any'): string | null {
  const parts = expressionParts(terms, authors);
  if (join === 'all' && parts.words.length < 2) return null;
  return buildExpression(parts, join);
}

/**
 * The MATCH expression for some parts of a query (see ftsExpression). `inTitle`: words a paper
 * must also have in its title, every one, a narrower candidate set for a query whose words are
 * each in tens of thousands of papers. BM25 scores them in the title (where every candidate has
 * them) besides the words, phrases and authors scored in every column.
 */
export function buildExpression(parts: ExpressionParts, join: 'any' | 'all', options: { inTitle?: Term[] } = {}): string | null {
  const phrases = parts.phrases.map((t) => quote(t.text));
  const optional = parts.words.map(termExpression);
  const excluded = parts.excluded.map((t) => quote(t.text));
  const positive: string[] = [...phrases];
  const inTitle = (options.inTitle ?? []).map(termExpression);
  if (inTitle.length > 0) positive.unshift(`{title} : (${inTitle.join(' AND ')})`);
  if (join === 'all') positive.push(...optional);
  // Phrases are required; the words are optional but still scored, so they are OR-ed with the
  // phrases rather than AND-ed (which would drop papers that have a phrase but none of the words).
  else if (optional.length > 0) positive.push(`(${[...phrases, ...optional].join(' OR ')})`);
  positive.push(...parts.authors.map(authorExpression));
  if (positive.length === 0) return null;
  const expression = positive.join(' AND ');
  return excluded.length > 0 ? `(${expression}) NOT (${excluded.join(' OR ')})` : expression;
}

/**
 * How many papers match each expression (meant for single words, phrases and authors: the
 * document frequencies a keyword plan weighs). FTS5 tokenizes them itself, so the counts agree
 * with what a search would match, prefixes and words that are phrases ("GPT-4") included.
 * Cost grows with the count: a word in 100k papers takes a few milliseconds, a rare one
 * a small fraction of one; callers cache them.
 */
async function matchCounts(db: Kysely<SearchDatabase>, expressions: string[]): Promise<number[]> {
  if (expressions.length === 0) return [];
  const selects = expressions.map((e, i) => sql`SELECT ${i} AS i, (SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ${e}) AS n`);
  const { rows } = await sql<{ i: number; n: number }>`${sql.join(selects, sql` UNION ALL `)}`.execute(db);
  const counts = new Array<number>(expressions.length).fill(0);
  for (const r of rows) counts[r.i] = r.n;
  return counts;
}

function bm25(weights: FieldWeights): string {
  return `bm25(${weights.title}, ${weights.authors}, ${weights.abstract})`;
}

/**
 * The best keyword matches that pass the filters, best first. FTS5 scores every paper the
 * expression matches (it has no early stop for a top-k), so the cost grows with the number of
 * matches: see keyword-plan.ts for how queries keep that number small.
 */
async function keywordSearch(
  db: Kysely<SearchDatabase>,
  expression: string,
  filters: Filters,
  limit: number,
  weights: FieldWeights,
  requiring: string | null = null,
): Promise<KeywordHit[]> {
  const filtered = filters.after !== null || filters.before !== null || filters.categories.length > 0;
  const { rows } = filtered
    ? await filteredSearch(db, expression, filters, limit, weights, requiredCondition('f.rowid', requiring))
    : await unfilteredSearch(db, expression, limit, weights, requiredCondition('rowid', requiring));
  return rows.map((r) => ({ doc: r.doc, paperId: r.paper_id, score: r.score }));
}

/**
 * Papers must also match `requiring`, which is not scored: FTS5 computes no IDF for it, so common
 * words can narrow the matches without their posting lists being read in full. The unary plus
 * keeps SQLite from running the outer MATCH once per required paper; the subquery runs once.
 */
function requiredCondition(rowid: 'rowid' | 'f.rowid', requiring: string | null): RawBuilder<unknown> {
  return requiring ? sql`AND +${sql.raw(rowid)} IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ${requiring})` : sql``;
}

/**
 * Without filters, the top `limit` are picked by SQLite's bounded sort over bm25(), which costs
 * about a third less than FTS5's `ORDER BY rank` (that one sorts every match in full), with the
 * same order; only the winners are joined to their paper ids.
 */
function unfilteredSearch(db: Kysely<SearchDatabase>, expression: string, limit: number, weights: FieldWeights, required: RawBuilder<unknown>) {
  return sql<{ doc: number; paper_id: string; score: number }>`
    SELECT f.doc, d.paper_id, f.score
    FROM (SELECT rowid AS doc, bm25(papers_fts, ${weights.title}, ${weights.authors}, ${weights.abstract}) AS score
          FROM papers_fts WHERE papers_fts MATCH ${expression} ${required} ORDER BY score, rowid LIMIT ${limit}) f
    JOIN search_docs d ON d.doc = f.doc
    ORDER BY f.score, f.doc`.execute(db);
}

/**
 * The papers `expression` matches, ranked by BM25 over its own terms and those of `alsoScored`
 * (words OR-ed), while `alsoScored` brings in no papers of its own. FTS5 scores only the terms of
 * the expression it runs, and BM25 adds up one share per term, so the papers are scored twice:
 * by `expression` alone, and by `(expression) AND (alsoScored)`, which matches the papers that
 * also have one of the extra words and gives them their whole score. The lower (better) of the
 * two is each paper's BM25 over all terms. Both runs match only papers of `expression`, so the
 * cost stays that of its matches, plus reading the extra words' posting lists once.
 */
async function keywordSearchAlsoScoring(
  db: Kysely<SearchDatabase>,
  expression: string,
  alsoScored: string,
  filters: Filters,
  limit: number,
  weights: FieldWeights,
): Promise<KeywordHit[]> {
  const filtered = filters.after !== null || filters.before !== null || filters.categories.length > 0;
  const score = sql`bm25(papers_fts, ${weights.title}, ${weights.authors}, ${weights.abstract})`;
  const { rows } = await sql<{ doc: number; paper_id: string; score: number }>`
    SELECT g.doc, d.paper_id, g.score
    FROM (SELECT doc, min(score) AS score
          FROM (SELECT rowid AS doc, ${score} AS score FROM papers_fts WHERE papers_fts MATCH ${expression}
                UNION ALL
                SELECT rowid AS doc, ${score} AS score FROM papers_fts WHERE papers_fts MATCH ${`(${expression}) AND (${alsoScored})`})
          GROUP BY doc
          ${filtered ? sql`` : sql`ORDER BY score, doc LIMIT ${limit}`}) g
    JOIN search_docs d ON d.doc = g.doc
    ${filters.after !== null || filters.before !== null ? sql`JOIN papers p ON p.id = d.paper_id` : sql``}
    WHERE 1 = 1 ${dayConditions(filters)} ${categoryCondition(filters)}
    ORDER BY g.score, g.doc LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ doc: r.doc, paperId: r.paper_id, score: r.score }));
}

/**
 * With filters, FTS5 hands its matches over best first and the filters are checked one match at
 * a time until `limit` pass, which stops early when most matches pass.
 */
function filteredSearch(db: Kysely<SearchDatabase>, expression: string, filters: Filters, limit: number, weights: FieldWeights, required: RawBuilder<unknown>) {
  const needsPaper = filters.after !== null || filters.before !== null;
  return sql<{ doc: number; paper_id: string; score: number }>`
    SELECT f.rowid AS doc, d.paper_id, f.rank AS score
    FROM papers_fts f JOIN search_docs d ON d.doc = f.rowid
    ${needsPaper ? sql`JOIN papers p ON p.id = d.paper_id` : sql``}
    WHERE papers_fts MATCH ${expression} AND f.rank MATCH ${bm25(weights)} ${required}
    ${dayConditions(filters)} ${categoryCondition(filters)}
    ORDER BY f.rank LIMIT ${limit}`.execute(db);
}

/**
 * The docs that pass the filters, among `among` when given (else among all papers). Used by the
 * semantic side, whose vector index knows nothing of categories, authors or dates.
 */
async function docsPassing(db: Kysely<SearchDatabase>, filters: Filters, among?: number[]): Promise<Set<number>> {
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

/** Any of the categories; `cs.*` stands for the cs archive: bare `cs` (old records) and every `cs.XX` ('/' sorts just after '.'). */
function categoryCondition(filters: Filters) {
  if (filters.categories.length === 0) return sql``;
  const alternatives = filters.categories.map((c) =>
    c.endsWith('.*') ? sql`(c.category = ${c.slice(0, -2)} OR (c.category >= ${c.slice(0, -1)} AND c.category < ${`${c.slice(0, -2)}/`}))` : sql`c.category = ${c}`,
  );
  return sql`AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = d.paper_id AND (${sql.join(alternatives, sql` OR `)}))`;
}

/** The newest papers (by listing day) that pass the filters: a search of filters alone. */
async function newestPassing(db: Kysely<SearchDatabase>, filters: Filters, limit: number): Promise<number[]> {
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
async function docsMatching(db: Kysely<SearchDatabase>, expression: string, among: number[]): Promise<Set<number>> {
  const { rows } = await sql<{ doc: number }>`
    SELECT rowid AS doc FROM papers_fts
    WHERE papers_fts MATCH ${expression} AND rowid IN (SELECT value FROM json_each(${JSON.stringify(among)}))`.execute(db);
  return new Set(rows.map((r) => r.doc));
}
