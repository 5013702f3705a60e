/**
 * The one entry point for searching: keyword, semantic and hybrid search with filters, and
 * similar papers. It owns the in-memory vector index and keeps it in step with the stored vectors.
 */
import type { Paper } from '../papers/paper.js';
import { perStatement } from '../store/chunks.js';
import type { Db } from '../store/schema.js';
import { hiddenAmong } from '../store/visibility.js';
import {
  docOfPaper,
  papersForDocs,
  readVectors,
  searchDb,
  vectorChangesSince,
  vectorHorizon,
  vectorOfPaper,
  type SearchDb,
  type VectorHorizon,
} from '../store/search-docs.js';
import type { Embedder } from './embedder.js';
import { byTopic, FEEDBACK, topicOf } from './feedback.js';
import { HYBRID, reciprocalRankFusion } from './fusion.js';
import { DEFAULT_KEYWORD_BUDGET, planKeywordTiers, type KeywordBudget, type KeywordTier } from './keyword-plan.js';
import { embedMissing } from './maintain.js';
import { DEFAULT_FIELD_WEIGHTS, keywordIndexFor, type Countable, type FieldWeights, type KeywordHit, type KeywordIndex } from './keyword-index.js';
import {
  emptyFilters,
  expressionParts,
  hasFilters,
  matchesAuthors,
  mergeFilters,
  parseQuery,
  type ExpressionParts,
  type Filters,
  type ParsedQuery,
} from './query.js';
import { TermStats } from './term-stats.js';
import { exactNeighbours, VectorIndex, type Neighbour } from './vector-index.js';

export type SearchMode = 'keyword' | 'semantic' | 'hybrid';
export const SEARCH_MODES: readonly SearchMode[] = ['keyword', 'semantic', 'hybrid'];

export interface SearchRequest {
  query: string;
  mode?: SearchMode;
  limit?: number;
  /** Filters given apart from the query text (API parameters, CLI flags); merged with typed ones. */
  filters?: Partial<Filters>;
}

export interface SearchHit {
  doc: number;
  paper: Paper;
  score: number;
  /** 1-based ranks on each side, null where that side did not find the paper (or did not run). */
  keywordRank: number | null;
  semanticRank: number | null;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Messages for the person searching: filters not understood, a side that could not run. */
  notes: string[];
  parsed: ParsedQuery;
  filters: Filters;
}

export interface SearchOptions {
  /**
   * Whether to keep the vectors in memory for semantic search (default true). A process that
   * embeds papers but answers no searches (paperboy worker) keeps none.
   */
  vectorIndex?: boolean;
  weights?: FieldWeights;
  /** How many candidates each side hands to fusion. */
  depth?: number;
  /** How much work one keyword query may do before common words are left out (keyword-plan.ts). */
  keywordBudget?: KeywordBudget;
}

export const MAX_LIMIT = 200;
const DEFAULT_DEPTH = 100;
/** A filter that leaves at most this many papers is searched exactly rather than through the graph. */
const EXACT_SCAN_LIMIT = 50_000;
const ANN_OVERSAMPLING = 10;
/** Papers whose neighbours are kept (a few numbers each); beyond it the list starts again. */
const KEPT_NEIGHBOURS = 20_000;

export class SearchService {
  private readonly db: SearchDb;
  private index: VectorIndex | null = null;
  /** Vectors written after this point are not in the index yet (see vectorChangesSince). */
  private horizon: VectorHorizon = null;
  private loading: Promise<void> | null = null;
  private indexing: Promise<unknown> = Promise.resolve();
  private readonly keywords: KeywordIndex;
  private readonly termStats: TermStats;
  /**
   * Each paper's nearest docs, worked out from an index at one version: the same for every reader,
   * and asked on every view of a paper's page. Any change of the index (new vectors, a re-embedded
   * paper, another model) makes them stale.
   */
  private readonly neighbours = new Map<string, { index: VectorIndex; version: number; docs: Neighbour[] }>();

  constructor(
    db: Db | SearchDb,
    private embedder: Embedder | null,
    private readonly options: SearchOptions = {},
  ) {
    this.db = searchDb(db);
    this.keywords = keywordIndexFor(this.db);
    this.termStats = new TermStats(this.keywords);
  }

  /** The embedder in use, or null when no vectors have been made yet (`paperboy embed`). */
  get model(): Embedder | null {
    return this.embedder;
  }

  /** True once the vectors are loaded; until then hybrid search answers with keywords alone. */
  get semanticReady(): boolean {
    return this.embedder !== null && this.index !== null;
  }

  /** Loads the stored vectors into the index; call once, awaited or in the background. */
  load(): Promise<void> {
    if (this.options.vectorIndex === false) return Promise.resolve();
    this.loading ??= this.loadIndex();
    return this.loading;
  }

  /**
   * Moves searches to another model with no gap: its index is built from `vectors` while searches
   * go on with the current model, then `commit` puts its vectors in use in the database, and the
   * model and its index take over together.
   */
  async swapTo(embedder: Embedder, vectors: AsyncIterable<{ doc: number; vector: Float32Array }[]>, commit: () => Promise<void>): Promise<void> {
    // A process that keeps no vectors (paperboy worker) only changes its embedder.
    const index = this.options.vectorIndex === false ? null : new VectorIndex(embedder.id, embedder.dimensions);
    if (index) for await (const page of vectors) await index.add(page);
    // Between two runs of indexNewPapers: one in flight would store the old model's vectors, and add them to the new index.
    const swap = this.indexing.then(async () => {
      await commit();
      this.embedder = embedder;
      this.index = index;
      // The horizon was the old index's: the next sync reads every vector's state afresh.
      this.horizon = null;
      this.loading = Promise.resolve();
      // Papers whose text changed meanwhile kept their old vectors: out of the new index until re-embedded.
      await this.syncIndex();
    });
    this.indexing = swap.catch(() => 0);
    await swap;
  }

  /**
   * Brings the index up to date: embeds papers that have no vector for the current model, then
   * takes in vectors stored by another process (an import) and drops those of changed papers.
   * Returns how many papers this call embedded.
   */
  indexNewPapers(onProgress?: (done: number) => void): Promise<number> {
    // One at a time: the server's upkeep and serve's scheduler both call it, and two at once would embed the same papers twice.
    const run = this.indexing.then(() => this.indexNow(onProgress));
    this.indexing = run.catch(() => 0);
    return run;
  }

  private async indexNow(onProgress?: (done: number) => void): Promise<number> {
    if (!this.embedder) return 0;
    await this.load();
    const embedded = await embedMissing(this.db, this.embedder, {
      onProgress,
      onBatch: async (items) => {
        await this.index?.add(items);
      },
    });
    await this.syncIndex();
    return embedded;
  }

  /**
   * Takes in the vectors other processes stored or dropped since the last look (they embedded
   * new papers), without embedding anything; after the embedding under way, if any.
   */
  takeInVectors(): Promise<void> {
    const run = this.indexing.then(() => this.syncIndex());
    this.indexing = run.catch(() => undefined);
    return run;
  }

  private async syncIndex(): Promise<void> {
    const index = this.index;
    if (!index || !this.embedder) return;
    const changes = await vectorChangesSince(this.db, this.embedder.id, this.horizon);
    for (const doc of changes.missing) index.remove(doc);
    // Read again what changed since the horizon (another process may have embedded it anew); of a
    // full reading, what the index lacks.
    const absent = changes.everything ? changes.current.filter((doc) => !index.has(doc)) : changes.current;
    for (const docs of perStatement(absent)) {
      await index.add(await readVectors(this.db, this.embedder.id, { afterDoc: 0, limit: docs.length, docs }));
    }
    if (this.index === index) this.horizon = changes.horizon;
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const parsed = parseQuery(request.query);
    const filters = mergeFilters(parsed.filters, request.filters ?? {});
    const notes = [...parsed.notes];
    const limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(request.limit ?? 20)));
    const mode = request.mode ?? 'hybrid';
    const depth = Math.max(limit, this.options.depth ?? DEFAULT_DEPTH);
    const result = (hits: SearchHit[]): SearchResult => ({ hits, notes, parsed, filters });

    const hasText = parsed.terms.some((t) => t.kind !== 'exclude');
    if (!hasText) {
      if (parsed.terms.length > 0) notes.push('Add a word to look for: a query of exclusions alone matches nothing.');
      else if (!hasFilters(filters)) notes.push('Type some words to search for.');
      // Filters alone list the newest papers that pass them.
      if (parsed.terms.length > 0 || !hasFilters(filters)) return result([]);
      const docs = await this.keywords.newestPassing(filters, limit);
      return result(await this.hydrate(docs.map((doc) => ({ doc, score: 0, keywordRank: null, semanticRank: null })), filters));
    }

    // Semantic search starts from the best keyword matches too (feedback.ts): it needs only a few.
    const matches = await this.keyword(parsed, filters, mode === 'semantic' ? FEEDBACK.papers : depth);
    let keyword = mode === 'semantic' ? [] : matches;
    let semantic: Neighbour[] = [];
    if (mode !== 'keyword') {
      if (!this.embedder) {
        if (mode === 'semantic') notes.push('Semantic search needs vectors, and none have been made yet: run `paperboy embed`.');
      } else if (!this.index) {
        if (mode === 'semantic') notes.push('Semantic search is still loading its vectors; try again in a moment.');
      } else {
        const topic = await topicOf(this.db, this.embedder, parsed.text, matches);
        if (topic) semantic = await this.nearest(topic.vector, filters, depth);
        else if (mode === 'semantic') notes.push('None of these words occur in the catalog, so there is nothing to compare with.');
        if (topic && mode === 'hybrid') keyword = byTopic(keyword, topic.closeness);
      }
    }
    // Excluded words hold for every mode: the semantic side knows nothing of them.
    if (semantic.length > 0 && parsed.terms.some((t) => t.kind === 'exclude')) semantic = await this.withoutExcluded(semantic, parsed);

    if (mode === 'keyword' || semantic.length === 0) {
      return result(await this.hydrate(keyword.slice(0, limit).map((h, i) => ({ doc: h.doc, score: -h.score, keywordRank: i + 1, semanticRank: null })), filters));
    }
    if (mode === 'semantic' || keyword.length === 0) {
      return result(await this.hydrate(semantic.slice(0, limit).map((h, i) => ({ doc: h.doc, score: h.similarity, keywordRank: null, semanticRank: i + 1 })), filters));
    }
    const fused = reciprocalRankFusion([keyword, semantic], [HYBRID.keywordWeight, HYBRID.semanticWeight], HYBRID.k).slice(0, limit);
    return result(await this.hydrate(fused.map((f) => ({ doc: f.doc, score: f.score, keywordRank: f.ranks[0] ?? null, semanticRank: f.ranks[1] ?? null })), filters));
  }

  /**
   * Papers most like a given one: nearest by vector, or (before any vectors exist) the best
   * keyword matches for its title. Never the paper itself.
   */
  async similar(paperId: string, limit = 10): Promise<SearchHit[]> {
    const index = this.index;
    const key = `${paperId} ${limit}`;
    const kept = this.neighbours.get(key);
    // Hydrated anew each time: a paper's text, or whether it is hidden, may change without its vector.
    const fromNeighbours = (found: Neighbour[]) => this.hydrate(found.map((n, i) => ({ doc: n.doc, score: n.similarity, keywordRank: null, semanticRank: i + 1 })));
    if (kept && kept.index === index && kept.version === index.version) return fromNeighbours(kept.docs);
    const doc = await docOfPaper(this.db, paperId);
    if (doc === null) return [];
    if (this.embedder && index) {
      const version = index.version;
      const own = await vectorOfPaper(this.db, this.embedder.id, paperId);
      if (own) {
        const found = index.search(own.vector, limit + 1).filter((n) => n.doc !== doc).slice(0, limit);
        if (this.neighbours.size >= KEPT_NEIGHBOURS) this.neighbours.clear();
        this.neighbours.set(key, { index, version, docs: found });
        return fromNeighbours(found);
      }
    }
    const paper = (await papersForDocs(this.db, [doc])).get(doc);
    if (!paper) return [];
    const hits = (await this.keyword(parseQuery(paper.title), emptyFilters(), limit + 1)).filter((h) => h.doc !== doc);
    return this.hydrate(hits.slice(0, limit).map((h, i) => ({ doc: h.doc, score: -h.score, keywordRank: i + 1, semanticRank: null })));
  }

  /**
   * Keyword matches ranked by BM25, in tiers (papers with every word first, then papers with any
   * of them): each tier's results come before the next one's, and later tiers only run while
   * there are fewer than `depth` results. Which tiers, and with which words, is chosen from how
   * many papers each word matches, so that no tier has to score a large part of the catalog
   * (keyword-plan.ts).
   */
  private async keyword(parsed: ParsedQuery, filters: Filters, depth: number): Promise<KeywordHit[]> {
    const weights = this.options.weights ?? DEFAULT_FIELD_WEIGHTS;
    const parts = expressionParts(parsed.terms, filters.authors);
    const found: KeywordHit[] = [];
    const seen = new Set<number>();
    for (const tier of await this.keywordTiers(parts)) {
      for (const hit of await this.keywords.search({ parts, tier, filters, limit: depth, weights, counts: (items) => this.termStats.countsOf(items) })) {
        if (!seen.has(hit.doc)) found.push(hit);
        seen.add(hit.doc);
      }
      if (found.length >= depth) break;
    }
    return found.slice(0, depth);
  }

  /** The keyword tiers for a query, from the number of papers its words, phrases and authors match. */
  private async keywordTiers(parts: ExpressionParts): Promise<KeywordTier[]> {
    const required: Countable[] = [...parts.phrases.map((term) => ({ kind: 'term' as const, term })), ...parts.authors.map((name) => ({ kind: 'author' as const, name }))];
    const counts = await this.termStats.countsOf([...parts.words.map((term) => ({ kind: 'term' as const, term })), ...required]);
    const words = parts.words.map((term, i) => ({ term, count: counts[i]! }));
    const fewestRequired = Math.min(Infinity, ...counts.slice(parts.words.length));
    return planKeywordTiers(words, fewestRequired, this.options.keywordBudget ?? DEFAULT_KEYWORD_BUDGET);
  }

  private async nearest(vector: Float32Array, filters: Filters, depth: number): Promise<Neighbour[]> {
    const index = this.index!;
    if (!hasFilters(filters)) return index.search(vector, depth);
    const wide = index.search(vector, depth * ANN_OVERSAMPLING);
    const passing = await this.keywords.docsPassing(filters, wide.map((n) => n.doc));
    const kept = wide.filter((n) => passing.has(n.doc));
    if (kept.length >= depth || wide.length < depth * ANN_OVERSAMPLING) return kept.slice(0, depth);
    // A narrow filter: most near papers fail it, so compare with every paper that passes.
    const all = [...(await this.keywords.docsPassing(filters))];
    if (all.length > EXACT_SCAN_LIMIT) return kept;
    const candidates: { doc: number; vector: Float32Array }[] = [];
    for (const docs of perStatement(all)) {
      candidates.push(...(await readVectors(this.db, this.embedder!.id, { afterDoc: 0, limit: docs.length, docs })));
    }
    return exactNeighbours(vector, candidates, depth);
  }

  private async withoutExcluded(found: Neighbour[], parsed: ParsedQuery): Promise<Neighbour[]> {
    const excluded = parsed.terms.filter((t) => t.kind === 'exclude');
    const out = await this.keywords.docsContaining(excluded, found.map((n) => n.doc));
    return found.filter((n) => !out.has(n.doc));
  }

  /**
   * Papers for the hits, in order. The index matches an author filter as a phrase anywhere in the
   * authors column (which can span two names); the exact check on each author's name is here.
   */
  private async hydrate(hits: Omit<SearchHit, 'paper'>[], filters?: Filters): Promise<SearchHit[]> {
    const papers = await papersForDocs(this.db, hits.map((h) => h.doc));
    // Papers a moderator hid stay out of every list, search results included.
    const hidden = await hiddenAmong(this.db, [...papers.values()].map((p) => p.id));
    return hits.flatMap((h) => {
      const paper = papers.get(h.doc);
      if (!paper || hidden.has(paper.id) || (filters && !matchesAuthors(paper.authors, filters.authors))) return [];
      return [{ ...h, paper }];
    });
  }

  private async loadIndex(): Promise<void> {
    const embedder = this.embedder;
    if (!embedder) return;
    const index = new VectorIndex(embedder.id, embedder.dimensions);
    // Taken first: what is written while the vectors are read is read again at the next sync.
    const horizon = await vectorHorizon(this.db);
    let afterDoc = 0;
    for (;;) {
      const page = await readVectors(this.db, embedder.id, { afterDoc, limit: 5000 });
      if (page.length === 0) break;
      await index.add(page);
      afterDoc = page[page.length - 1]!.doc;
    }
    // Only publish the index if the model was not swapped meanwhile.
    if (this.embedder === embedder) {
      this.index = index;
      this.horizon = horizon;
    }
  }
}
