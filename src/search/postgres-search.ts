/**
 * The PostgreSQL half of keyword search (sqlite-search.ts is the SQLite half): the weighted
 * tsvector `search_docs.fts` (title A, authors B, abstract C), kept by the database and found
 * through its GIN index, queried with tsquery text built by tsquery.ts and passed as one bound
 * parameter.
 *
 * Ranking is FTS5's BM25, reproduced (bm25.ts): PostgreSQL's ts_rank has no IDF, so a common word
 * counts as much as a rare one, and pasted titles or claims rank poorly. A first pass in SQL
 * orders a tier's matches by an IDF-weighted ts_rank and keeps the best RERANK_DEPTH; those are
 * scored exactly from the positions in their tsvectors (read here, tsvector.ts). Which papers a
 * tier can find is the same as on
 * SQLite; their order differs only where PostgreSQL's stemmer or word splitting does.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SearchDatabase } from '../store/search-docs.js';
import { bm25, idf, type Corpus, type DocField, type DocPostings, type Occurrence, type ScoredPhrase } from './bm25.js';
import type { Countable, KeywordHit, KeywordIndex, TierSearch } from './keyword-index.js';
import { expressionParts, type Filters, type Term } from './query.js';
import { authorQuery, termQuery, tierQuery, wordPieces } from './tsquery.js';
import { wordsOfTsvector } from './tsvector.js';

/** How many of a tier's matches the first pass hands to exact BM25, at least (more for a deeper search). */
const RERANK_DEPTH = 300;
/** ts_rank's weights for D, C (abstract), B (authors), A (title): the 1 : 1.5 : 2 of the BM25 field weights, within its 0-1 range. */
const RANK_WEIGHTS = '{0, 0.5, 0.75, 1}';
/** How long the catalog's size and average length are reused, unless papers were added meanwhile. */
const CORPUS_MAX_AGE_MS = 10 * 60_000;

const FIELDS: Record<string, DocField> = { A: 'title', B: 'authors', C: 'abstract' };

export class PostgresKeywordIndex implements KeywordIndex {
  private corpus: { value: Corpus; newestDoc: number; at: number } | null = null;

  constructor(private readonly db: Kysely<SearchDatabase>) {}

  async counts(items: Countable[]): Promise<number[]> {
    if (items.length === 0) return [];
    // A word in the title is counted in the titles' own index, which needs no look at the rows.
    const queries = items.map((item) =>
      item.kind === 'author' ? { column: sql.ref('fts'), q: authorQuery(item.name) } : { column: sql.ref(item.field === 'title' ? 'title_fts' : 'fts'), q: termQuery(item.term) },
    );
    const selects = queries.map(({ column, q }, i) =>
      q === null ? sql`SELECT ${i}::int AS i, 0::bigint AS n` : sql`SELECT ${i}::int AS i, (SELECT count(*) FROM search_docs WHERE ${column} @@ to_tsquery('paperboy', ${q})) AS n`,
    );
    const { rows } = await sql<{ i: number; n: number }>`${sql.join(selects, sql` UNION ALL `)}`.execute(this.db);
    const counts = new Array<number>(items.length).fill(0);
    for (const r of rows) counts[r.i] = Number(r.n);
    return counts;
  }

  async search({ parts, tier, filters, limit, weights, counts }: TierSearch): Promise<KeywordHit[]> {
    const match = tierQuery({ ...parts, words: tier.words }, tier.join, { inTitle: tier.inTitle, alsoRequired: tier.alsoRequired });
    if (!match) return [];
    const phrases = scoredPhrases(parts.phrases, tier, parts.authors);
    const [papers, corpus, lexemes] = await Promise.all([counts(phrases.map((p) => p.counted)), this.corpusStats(), this.lexemesOf(phrases.map((p) => p.text))]);
    const scored: ScoredPhrase[] = phrases.flatMap((p, i) => {
      const words = lexemes[i]!;
      return words.length === 0 ? [] : [{ lexemes: words, prefix: p.prefix, field: p.field, papers: papers[i]! }];
    });

    const inTitle = tier.inTitle.map((t) => termQuery(t)).filter((q): q is string => q !== null);
    const candidates = await this.candidates(match, inTitle.join(' & '), scored, corpus, filters, Math.max(RERANK_DEPTH, limit * 3));
    const hits = candidates.map((c) => ({ doc: c.doc, paperId: c.paperId, score: -bm25(c.postings, scored, corpus, weights) }));
    hits.sort((a, b) => a.score - b.score || a.doc - b.doc);
    return hits.slice(0, limit);
  }

  async docsPassing(filters: Filters, among?: number[]): Promise<Set<number>> {
    const { rows } = await sql<{ doc: number }>`
      SELECT d.doc FROM search_docs d ${joinPapers(filters)}
      WHERE true
      ${among ? sql`AND d.doc = ANY(${among}::int[])` : sql``}
      ${authorsCondition(filters)} ${dayConditions(filters)} ${categoryCondition(filters)}`.execute(this.db);
    return new Set(rows.map((r) => r.doc));
  }

  async newestPassing(filters: Filters, limit: number): Promise<number[]> {
    const { rows } = await sql<{ doc: number }>`
      SELECT d.doc FROM papers p JOIN search_docs d ON d.paper_id = p.id
      WHERE true ${authorsCondition(filters)} ${dayConditions(filters)} ${categoryCondition(filters)}
      ORDER BY p.day DESC, p.id DESC LIMIT ${limit}`.execute(this.db);
    return rows.map((r) => r.doc);
  }

  async docsContaining(terms: Term[], among: number[]): Promise<Set<number>> {
    // The words as the SQLite side reads them (stop words left out when there are others), each whole.
    const words = expressionParts(terms.map((t) => ({ kind: 'word' as const, text: t.text }))).words;
    const queries = words.map((t) => termQuery({ kind: 'phrase', text: t.text })).filter((q): q is string => q !== null);
    if (queries.length === 0 || among.length === 0) return new Set();
    const { rows } = await sql<{ doc: number }>`
      SELECT doc FROM search_docs WHERE doc = ANY(${among}::int[]) AND fts @@ to_tsquery('paperboy', ${queries.join(' | ')})`.execute(this.db);
    return new Set(rows.map((r) => r.doc));
  }

  /** Fresh statistics for the planner and the visibility map, after a large import. */
  async optimize(): Promise<void> {
    await sql`VACUUM ANALYZE search_docs`.execute(this.db);
    await sql`VACUUM ANALYZE papers`.execute(this.db);
  }

  /**
   * The tier's matches that pass the filters, at most `depth` of them, with where the phrases'
   * words stand in each. Which ones: the best by the sum over the phrases of IDF times ts_rank
   * (which weighs fields and occurrences but not rarity). Words the tier wants in the title are
   * matched in the titles' own index as well (`inTitle`): the index of `fts` cannot tell fields
   * apart, so every paper with the words anywhere would be read. Each comes with its tsvector in binary
   * form, read here (tsvector.ts): on the server, unnest() would cost more than the search.
   */
  private async candidates(
    match: string,
    inTitle: string,
    phrases: ScoredPhrase[],
    corpus: Corpus,
    filters: Filters,
    depth: number,
  ): Promise<{ doc: number; paperId: string; postings: DocPostings }[]> {
    const terms = phrases.map((p) => sql`${idf(p.papers, corpus)}::float8 * ts_rank(${RANK_WEIGHTS}::float4[], d.fts, ${phraseQuery(p)}::tsquery, 1)`);
    const rough = terms.length > 0 ? sql.join(terms, sql` + `) : sql`0`;
    const { rows } = await sql<{ doc: number; paper_id: string; length: number; words: Uint8Array }>`
      SELECT c.doc, c.paper_id, c.length, tsvectorsend(c.fts) AS words FROM (
        SELECT d.doc, d.paper_id, d.length, d.fts FROM search_docs d ${joinPapers(filters)}
        WHERE d.fts @@ to_tsquery('paperboy', ${match}) ${dayConditions(filters)} ${categoryCondition(filters)}
        ${inTitle ? sql`AND d.title_fts @@ to_tsquery('paperboy', ${inTitle})` : sql``}
        ORDER BY ${rough} DESC, d.doc LIMIT ${depth}
      ) AS c`.execute(this.db);
    const exact = [...new Set(phrases.flatMap((p) => (p.prefix ? p.lexemes.slice(0, -1) : p.lexemes)))];
    const prefixes = [...new Set(phrases.filter((p) => p.prefix).map((p) => p.lexemes[p.lexemes.length - 1]!))];
    return rows.map((r) => {
      const words = new Map<string, Occurrence[]>();
      for (const [word, positions] of wordsOfTsvector(r.words, exact, prefixes)) {
        words.set(word, positions.map(({ position, weight }) => ({ position, field: FIELDS[weight] ?? 'abstract' })));
      }
      return { doc: r.doc, paperId: r.paper_id, postings: { doc: r.doc, length: r.length, words } };
    });
  }

  /** Each text's stemmed words in order, as the `paperboy` configuration makes them. */
  private async lexemesOf(texts: string[]): Promise<string[][]> {
    const out = texts.map((): string[] => []);
    if (texts.length === 0) return out;
    const { rows } = await sql<{ i: number; lexeme: string }>`
      SELECT t.i::int AS i, u.lexeme FROM unnest(${texts}::text[]) WITH ORDINALITY AS t(text, i)
      CROSS JOIN LATERAL unnest(to_tsvector('paperboy', paperboy_words(t.text))) u
      CROSS JOIN LATERAL unnest(u.positions) AS p(position)
      ORDER BY t.i, p.position`.execute(this.db);
    for (const r of rows) out[r.i - 1]!.push(r.lexeme);
    return out;
  }

  /** The catalog's size and average length, reused while no paper was added (and for at most ten minutes). */
  private async corpusStats(): Promise<Corpus> {
    const newest = await sql<{ doc: number | null }>`SELECT max(doc) AS doc FROM search_docs`.execute(this.db);
    const newestDoc = newest.rows[0]?.doc ?? 0;
    if (this.corpus && this.corpus.newestDoc === newestDoc && Date.now() - this.corpus.at < CORPUS_MAX_AGE_MS) return this.corpus.value;
    const { rows } = await sql<{ papers: number; length: number | null }>`
      SELECT count(*) AS papers, avg(length)::float8 AS length FROM search_docs`.execute(this.db);
    const value = { papers: Number(rows[0]?.papers ?? 0), averageLength: rows[0]?.length ?? 0 };
    this.corpus = { value, newestDoc, at: Date.now() };
    return value;
  }
}

interface PhraseToScore {
  /** The text whose stemmed words make the phrase. */
  text: string;
  prefix: boolean;
  field: DocField | null;
  counted: Countable;
}

/**
 * The phrases FTS5's bm25() would score for this tier, in the same number: the words in the title
 * (title only), the phrases, the words (in an `any` tier the phrases a second time, as its
 * expression holds them twice), the authors (authors only), and the words only scored.
 */
function scoredPhrases(phrases: Term[], tier: TierSearch['tier'], authors: string[]): PhraseToScore[] {
  const term = (t: Term, field: 'title' | null = null): PhraseToScore => ({
    text: wordPieces(t.text).join(' '),
    prefix: t.kind === 'prefix',
    field,
    counted: field ? { kind: 'term', term: t, field } : { kind: 'term', term: t },
  });
  const words = tier.join === 'all' ? tier.words : tier.words.length > 0 ? [...phrases, ...tier.words] : [];
  return [
    ...tier.inTitle.map((t) => term(t, 'title')),
    ...phrases.map((t) => term(t)),
    ...words.map((t) => term(t)),
    ...authors.map((name): PhraseToScore => ({ text: wordPieces(name).join(' '), prefix: false, field: 'authors', counted: { kind: 'author', name } })),
    ...tier.alsoScored.map((t) => term(t)),
  ].filter((p) => p.text !== '');
}

/** A scored phrase as a tsquery of its stemmed words (for ts_rank in the first pass). */
function phraseQuery(p: ScoredPhrase): string {
  const label = p.field === 'title' ? 'A' : p.field === 'authors' ? 'B' : '';
  const operands = p.lexemes.map((l, i) => {
    const marks = `${p.prefix && i === p.lexemes.length - 1 ? '*' : ''}${label}`;
    return `'${l.replace(/\\/g, '\\\\').replace(/'/g, "''")}'${marks ? `:${marks}` : ''}`;
  });
  return operands.join(' <-> ');
}

function joinPapers(filters: Filters): RawBuilder<unknown> {
  return filters.after !== null || filters.before !== null ? sql`JOIN papers p ON p.id = d.paper_id` : sql``;
}

function authorsCondition(filters: Filters): RawBuilder<unknown> {
  const queries = filters.authors.map(authorQuery).filter((q): q is string => q !== null);
  return queries.length > 0 ? sql`AND d.fts @@ to_tsquery('paperboy', ${queries.join(' & ')})` : sql``;
}

function dayConditions(filters: Filters): RawBuilder<unknown> {
  return sql`${filters.after ? sql`AND p.day >= ${filters.after}` : sql``} ${filters.before ? sql`AND p.day <= ${filters.before}` : sql``}`;
}

/** Any of the categories; `cs.*` stands for the cs archive: bare `cs` (old records) and every `cs.XX`. */
function categoryCondition(filters: Filters): RawBuilder<unknown> {
  if (filters.categories.length === 0) return sql``;
  const alternatives = filters.categories.map((c) =>
    c.endsWith('.*') ? sql`(c.category = ${c.slice(0, -2)} OR starts_with(c.category, ${c.slice(0, -1)}))` : sql`c.category = ${c}`,
  );
  return sql`AND EXISTS (SELECT 1 FROM paper_categories c WHERE c.paper_id = d.paper_id AND (${sql.join(alternatives, sql` OR `)}))`;
}
