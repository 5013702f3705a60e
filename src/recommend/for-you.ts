/**
 * "For you": each member's ranking of a set of candidate papers (the recent ones), learned from
 * what they upvoted, collected and follow, over the papers' vectors (search/, 256 dimensions).
 *
 * The model is the well-tried one of arXiv recommenders: a linear classifier per member, here an
 * L2-regularized logistic regression trained in-process. Positives are the member's upvoted and
 * collected papers and a few papers of each author they follow; negatives are a random sample of
 * the catalog shared by every member of a run (both classes weigh the same). A candidate is
 * recommended for its content when the model scores it above 90% of a second sample of the catalog,
 * one the model was not trained on: it looks more like the member's papers than nearly all papers
 * do. Its reason is the upvoted or collected paper it is closest to (by cosine).
 *
 * Papers by a followed author come first, then papers matching one of the member's saved searches,
 * then the model's picks; within each, by the model's probability. Papers without a vector yet can
 * still come through the first two. Papers the member upvoted or collected are never recommended.
 *
 * Built for a batch: `Recommender.open` reads the candidates, their vectors and the negative sample
 * once, and `forMember` is then called for thousands of members. A digest calls `prefetch` with
 * each batch of members first, which reads all their votes, collections and follows in three
 * queries; without it, each `forMember` call reads that member's. The model is trained on dot
 * products (logistic.ts, `fitLogisticGram`): the negatives' with each other are computed once per
 * run, and each positive paper's with the negatives once per run however many members share it.
 */
import { sql } from 'kysely';
import { foldName } from '../papers/authors.js';
import { seededRandom } from '../random.js';
import { emptyFilters } from '../search/query.js';
import { keywordIndexFor } from '../search/keyword-index.js';
import { perStatement } from '../store/chunks.js';
import type { Db } from '../store/schema.js';
import { activeModel, decodeVector, searchDb, type SearchDb } from '../store/search-docs.js';
import { crossProducts, fitLogisticGram, primalOf, scoreRows, sigmoid } from './logistic.js';
import { compileSavedSearch, prepare, type MatchablePaper } from './search-match.js';
import { listed } from '../store/visibility.js';

export type Reason =
  | { kind: 'similar'; to: { id: string; title: string }; via: 'upvoted' | 'collected' }
  | { kind: 'author'; author: string }
  | { kind: 'search'; query: string }
  /** A member the reader follows upvoted it (followed-activity.ts). */
  | { kind: 'member'; member: { username: string; displayName: string } }
  /** A group the reader follows queued it (followed-activity.ts). */
  | { kind: 'group'; group: { slug: string; name: string } };

export interface Recommendation {
  paperId: string;
  /** Higher is better: 2 + p by a followed author, 1 + p for a saved search, p otherwise (p: the model's probability, 0 without one). */
  score: number;
  reason: Reason;
}

export interface RecommenderOptions {
  /** The papers that may be recommended (a period's, or the recent ones). Hidden papers are left out. */
  candidatePaperIds: readonly string[];
  /** Size of the negative sample shared by every member. */
  negatives?: number;
  /** Seed of the negative sample, so a run is repeatable. */
  seed?: number;
}

export interface ForMemberOptions {
  limit?: number;
  /** The member's saved searches, in the search box's syntax. */
  savedSearches?: readonly string[];
}

/** How the model is trained; the defaults are what the tests and the digest use. */
export const FOR_YOU = {
  negatives: 256,
  /** Size of the second sample, not trained on, that says what a high score is. */
  calibration: 256,
  /** A paper is recommended for its content when it scores above this share of the catalog. */
  minPercentile: 0.9,
  /** The newest upvoted and the newest collected papers used, each. */
  maxOwnPositives: 100,
  /** Papers of each followed author used as positives, and in all. */
  papersPerAuthor: 5,
  maxAuthorPositives: 30,
  /** L2 strength on the weights (the loss is a weighted mean, so this is relative to one example). */
  l2: 0.01,
  /** Passes over the examples L-BFGS may make; it usually stops well before. */
  maxEvaluations: 30,
  /** Gradient size (Euclidean norm) at which training stops: the ranking no longer changes by then (10 to 15 passes). */
  tolerance: 1e-4,
  defaultLimit: 20,
} as const;

const AUTHOR_BONUS = 2;
const SEARCH_BONUS = 1;
/** Papers remembered across members of a run (each about 2 kB: its vector and its products with the negatives): a bound on the memory a long run takes. */
const CACHE_LIMIT = 25_000;

interface Candidate {
  id: string;
  paper: MatchablePaper;
  /** Row in the candidate matrix, or -1 when the paper has no vector yet. */
  row: number;
  /** Folded author names, for followed authors. */
  authors: string[];
}

/** A positive example's vector and its dot products with the negatives (the negatives' order). */
interface Example {
  vector: Float32Array;
  products: Float32Array;
}

interface OwnPositive {
  id: string;
  title: string;
  example: Example | null;
}

interface Signals {
  upvoted: string[];
  collected: string[];
  follows: string[];
}

export class Recommender {
  private readonly ownCache = new Map<string, OwnPositive>();
  private readonly authorCache = new Map<string, Example[]>();
  private readonly searchCache = new Map<string, Set<number>>();
  /** Signals read ahead by `prefetch`, each used once by `forMember`. */
  private readonly prefetched = new Map<number, Signals>();
  /** The negatives' dot products with each other (N × N), computed once for the run. */
  private negativeGram: Float64Array | null = null;

  private constructor(
    private readonly db: Db,
    private readonly model: { id: string; dimensions: number } | null,
    private readonly candidates: Candidate[],
    /** Candidate vectors, row-major, `dimensions` floats per row. */
    private readonly candidateVectors: Float32Array,
    private readonly negatives: Float32Array,
    private readonly negativeIds: string[],
    private readonly calibration: Float32Array,
  ) {}

  /** Reads the candidates (without hidden papers), their vectors, and the shared negative sample. */
  static async open(db: Db, options: RecommenderOptions): Promise<Recommender> {
    const sdb = searchDb(db);
    const stored = await activeModel(sdb);
    const model = stored ? { id: stored.id, dimensions: stored.dimensions } : null;
    const ids = [...new Set(options.candidatePaperIds)];
    const candidates: Candidate[] = [];
    const vectors: Float32Array[] = [];
    for (const chunk of perStatement(ids)) {
      const rows = await sdb
        .selectFrom('papers as p')
        .leftJoin('search_docs as d', (join) => join.onRef('d.paper_id', '=', 'p.id').on('d.model', '=', model?.id ?? ''))
        .select(['p.id', 'p.title', 'p.abstract', 'p.authors', 'p.categories', 'p.day', 'd.vector'])
        .where('p.id', 'in', chunk)
        .where(listed('p.id'))
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of chunk) {
        const r = byId.get(id);
        if (!r) continue;
        const authors = JSON.parse(r.authors) as string[];
        const vector = model && r.vector ? decodeVector(r.vector) : null;
        const usable = vector !== null && vector.length === model!.dimensions;
        if (usable) vectors.push(vector);
        candidates.push({
          id,
          paper: { title: r.title, abstract: r.abstract, authors, categories: JSON.parse(r.categories) as string[], day: r.day },
          row: usable ? vectors.length - 1 : -1,
          authors: authors.map(foldName),
        });
      }
    }
    const d = model?.dimensions ?? 0;
    const wanted = options.negatives ?? FOR_YOU.negatives;
    const sample = model ? await sampleCatalog(sdb, model, wanted + FOR_YOU.calibration, options.seed ?? 1) : { ids: [], vectors: [] };
    // A small catalog gives each sample its share.
    const trainOn = Math.min(wanted, Math.ceil(sample.vectors.length / 2));
    return new Recommender(
      db,
      model,
      candidates,
      pack(vectors, d),
      pack(sample.vectors.slice(0, trainOn), d),
      sample.ids.slice(0, trainOn),
      pack(sample.vectors.slice(trainOn), d),
    );
  }

  /** How many candidates there are, and how many have a vector. */
  get size(): { candidates: number; withVectors: number } {
    return { candidates: this.candidates.length, withVectors: this.candidates.filter((c) => c.row >= 0).length };
  }

  /** The member's recommendations among the candidates, best first; [] for a member with no signals. */
  async forMember(userId: number, options: ForMemberOptions = {}): Promise<Recommendation[]> {
    const limit = Math.max(0, Math.floor(options.limit ?? FOR_YOU.defaultLimit));
    const searches = [...new Set((options.savedSearches ?? []).filter((q): q is string => typeof q === 'string' && q.trim() !== ''))];
    let signals = this.prefetched.get(userId);
    if (signals) this.prefetched.delete(userId);
    else signals = (await this.readSignals([userId])).get(userId)!;
    if (limit === 0 || (signals.upvoted.length === 0 && signals.collected.length === 0 && signals.follows.length === 0 && searches.length === 0)) return [];

    const owned = new Map<string, 'upvoted' | 'collected'>();
    for (const id of signals.collected) owned.set(id, 'collected');
    for (const id of signals.upvoted) owned.set(id, 'upvoted');
    const own = (await this.ownPositives([...owned.keys()])).filter((p) => p.example !== null);

    // The model: only when there is something to learn from and vectors to score.
    let probability: ((row: number) => number) | null = null;
    let highScore = Infinity;
    if (this.model && this.negatives.length > 0) {
      const positives = [...own.map((p) => p.example!), ...(await this.authorPositives(signals.follows))];
      if (positives.length > 0) {
        const d = this.model.dimensions;
        const weights = this.fit(positives, this.negativeMask(owned));
        const scores = scoreRows(weights, this.candidateVectors, d);
        probability = (row) => (row < 0 ? 0 : sigmoid(scores[row]!));
        highScore = percentile(scoreRows(weights, this.calibration, d), FOR_YOU.minPercentile);
      }
    }

    const followed = new Map(signals.follows.map((name) => [foldName(name), name]));
    const matched = searches.map((q) => ({ query: q, papers: this.matching(q) }));
    const picks: Array<{ index: number; score: number; reason: Reason | null }> = [];
    for (let i = 0; i < this.candidates.length; i++) {
      const c = this.candidates[i]!;
      if (owned.has(c.id)) continue;
      const p = probability ? probability(c.row) : 0;
      const author = followed.size > 0 ? c.authors.find((a) => followed.has(a)) : undefined;
      if (author !== undefined) {
        picks.push({ index: i, score: AUTHOR_BONUS + p, reason: { kind: 'author', author: followed.get(author)! } });
        continue;
      }
      const search = matched.find((m) => m.papers.has(i));
      if (search) {
        picks.push({ index: i, score: SEARCH_BONUS + p, reason: { kind: 'search', query: search.query } });
        continue;
      }
      // A pick for its content needs an upvoted or collected paper to name as the reason.
      if (probability && c.row >= 0 && own.length > 0 && p > highScore) picks.push({ index: i, score: p, reason: null });
    }
    picks.sort((a, b) => b.score - a.score || compareNewest(this.candidates[a.index]!, this.candidates[b.index]!));

    return picks.slice(0, limit).map((pick) => {
      const c = this.candidates[pick.index]!;
      const reason = pick.reason ?? this.similarReason(c, own, owned);
      return { paperId: c.id, score: pick.score, reason };
    });
  }

  private similarReason(c: Candidate, own: OwnPositive[], owned: Map<string, 'upvoted' | 'collected'>): Reason {
    const d = this.model!.dimensions;
    const offset = c.row * d;
    let best = own[0]!;
    let bestCosine = -Infinity;
    for (const p of own) {
      const v = p.example!.vector;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += v[k]! * this.candidateVectors[offset + k]!;
      if (dot > bestCosine) {
        bestCosine = dot;
        best = p;
      }
    }
    return { kind: 'similar', to: { id: best.id, title: best.title }, via: owned.get(best.id)! };
  }

  /**
   * Reads ahead the signals of the members about to be asked for (a digest's batch), in three
   * queries, with the vectors of their papers and of the papers of the authors they follow: the
   * `forMember` calls that follow, one per member, then read nothing. Each member's signals are
   * used by their next `forMember` call only; a later `prefetch` drops those not asked for.
   */
  async prefetch(userIds: readonly number[]): Promise<void> {
    this.prefetched.clear();
    const signals = await this.readSignals([...new Set(userIds)]);
    const papers = new Set<string>();
    const authors = new Set<string>();
    for (const [userId, s] of signals) {
      this.prefetched.set(userId, s);
      for (const id of s.upvoted) papers.add(id);
      for (const id of s.collected) papers.add(id);
      for (const name of s.follows) authors.add(name);
    }
    await this.ownPositives([...papers]);
    await this.authorPositives([...authors], Infinity);
  }

  /** Upvoted papers (newest first), collected papers (newest first) and followed authors of each member, in three queries. */
  private async readSignals(userIds: number[]): Promise<Map<number, Signals>> {
    const out = new Map<number, Signals>(userIds.map((id) => [id, { upvoted: [], collected: [], follows: [] }]));
    for (const chunk of perStatement(userIds)) {
      const ids = sql.join(chunk);
      const [upvoted, collected, follows] = await Promise.all([
        sql<{ user_id: number; paper_id: string }>`
          SELECT user_id, paper_id FROM (
            SELECT user_id, paper_id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, paper_id DESC) AS n
            FROM votes WHERE user_id IN (${ids})) AS ranked
          WHERE n <= ${FOR_YOU.maxOwnPositives} ORDER BY user_id, n`.execute(this.db),
        sql<{ user_id: number; paper_id: string }>`
          SELECT user_id, paper_id FROM (
            SELECT c.owner_id AS user_id, cp.paper_id, row_number() OVER (PARTITION BY c.owner_id ORDER BY cp.added_at DESC, cp.paper_id DESC) AS n
            FROM collection_papers cp JOIN collections c ON c.id = cp.collection_id WHERE c.owner_id IN (${ids})) AS ranked
          WHERE n <= ${FOR_YOU.maxOwnPositives} ORDER BY user_id, n`.execute(this.db),
        sql<{ user_id: number; author: string }>`SELECT user_id, author FROM author_follows WHERE user_id IN (${ids}) ORDER BY user_id, author`.execute(this.db),
      ]);
      for (const r of upvoted.rows) out.get(r.user_id)?.upvoted.push(r.paper_id);
      for (const r of collected.rows) out.get(r.user_id)?.collected.push(r.paper_id);
      for (const r of follows.rows) out.get(r.user_id)?.follows.push(r.author);
    }
    return out;
  }

  /** Titles and vectors of upvoted and collected papers, remembered for the run (many members share papers). */
  private async ownPositives(ids: string[]): Promise<OwnPositive[]> {
    if (this.ownCache.size + ids.length > CACHE_LIMIT) this.ownCache.clear();
    // After the clear, so that papers cached before it are read again rather than left out.
    const missing = ids.filter((id) => !this.ownCache.has(id));
    for (const chunk of perStatement(missing)) {
      const rows = await searchDb(this.db)
        .selectFrom('papers as p')
        .leftJoin('search_docs as d', (join) => join.onRef('d.paper_id', '=', 'p.id').on('d.model', '=', this.model?.id ?? ''))
        .select(['p.id', 'p.title', 'd.vector'])
        .where('p.id', 'in', chunk)
        .execute();
      const found = rows.map((r) => {
        const vector = this.model && r.vector ? decodeVector(r.vector) : null;
        return { id: r.id, title: r.title, vector: vector && vector.length === this.model!.dimensions ? vector : null };
      });
      const examples = this.examples(found.flatMap((f) => f.vector ?? []));
      let next = 0;
      for (const f of found) this.ownCache.set(f.id, { id: f.id, title: f.title, example: f.vector ? examples[next++]! : null });
    }
    return ids.flatMap((id) => this.ownCache.get(id) ?? []);
  }

  /** The newest papers of each followed author (as written on the papers, case and accents aside), up to `max` in all. */
  private async authorPositives(follows: string[], max: number = FOR_YOU.maxAuthorPositives): Promise<Example[]> {
    const out: Example[] = [];
    for (const name of follows) {
      if (out.length >= max) break;
      const key = foldName(name);
      let vectors = this.authorCache.get(key);
      if (!vectors) {
        vectors = await this.papersOfAuthor(name, key);
        if (this.authorCache.size >= CACHE_LIMIT / 5) this.authorCache.clear();
        this.authorCache.set(key, vectors);
      }
      out.push(...vectors.slice(0, max - out.length));
    }
    return out;
  }

  private async papersOfAuthor(name: string, key: string): Promise<Example[]> {
    if (!this.model || key === '') return [];
    const sdb = searchDb(this.db);
    const docs = [...(await keywordIndexFor(sdb).docsPassing({ ...emptyFilters(), authors: [name] }))];
    const found: Array<{ day: string; vector: Float32Array }> = [];
    for (const chunk of perStatement(docs)) {
      const rows = await sdb
        .selectFrom('search_docs as d')
        .innerJoin('papers as p', 'p.id', 'd.paper_id')
        .select(['p.authors', 'p.day', 'd.vector'])
        .where('d.doc', 'in', chunk)
        .where('d.model', '=', this.model.id)
        .execute();
      for (const r of rows) {
        if (!r.vector || !(JSON.parse(r.authors) as string[]).some((a) => foldName(a) === key)) continue;
        const vector = decodeVector(r.vector);
        if (vector.length === this.model.dimensions) found.push({ day: r.day, vector });
      }
    }
    return this.examples(
      found
        .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0))
        .slice(0, FOR_YOU.papersPerAuthor)
        .map((f) => f.vector),
    );
  }

  /** Vectors with their products with the negatives, computed once per paper for the run. */
  private examples(vectors: Float32Array[]): Example[] {
    if (vectors.length === 0) return [];
    const d = this.model!.dimensions;
    const nNeg = this.negatives.length / d;
    const products = crossProducts(pack(vectors, d), this.negatives, d);
    return vectors.map((vector, i) => ({ vector, products: Float32Array.from(products.subarray(i * nNeg, (i + 1) * nNeg)) }));
  }

  /** The member's model, trained on the Gram matrix of their positives and the negatives (see `fitLogisticGram`). */
  private fit(positives: Example[], mask: Uint8Array | null): Float64Array {
    const d = this.model!.dimensions;
    const nNeg = this.negatives.length / d;
    const nPos = positives.length;
    this.negativeGram ??= crossProducts(this.negatives, this.negatives, d);
    const vectors = pack(
      positives.map((p) => p.vector),
      d,
    );
    const pn = new Float64Array(nPos * nNeg);
    positives.forEach((p, i) => pn.set(p.products, i * nNeg));
    const pp = crossProducts(vectors, vectors, d);
    const model = fitLogisticGram({ nn: this.negativeGram, pn, pp }, nPos, nNeg, mask, FOR_YOU);
    return primalOf(model, vectors, this.negatives, d);
  }

  /** Candidates matching a saved search, found once per query for the run. */
  private matching(query: string): Set<number> {
    let found = this.searchCache.get(query);
    if (!found) {
      const matches = compileSavedSearch(query);
      found = new Set();
      for (let i = 0; i < this.candidates.length; i++) if (matches(prepare(this.candidates[i]!.paper))) found.add(i);
      if (this.searchCache.size >= CACHE_LIMIT / 5) this.searchCache.clear();
      this.searchCache.set(query, found);
    }
    return found;
  }

  /** Which sampled negatives to use: not the member's own papers (in a small catalog the sample may hold some). */
  private negativeMask(owned: Map<string, unknown>): Uint8Array | null {
    if (!this.negativeIds.some((id) => owned.has(id))) return null;
    return Uint8Array.from(this.negativeIds, (id) => (owned.has(id) ? 0 : 1));
  }
}

export function reasonText(reason: Reason): string {
  switch (reason.kind) {
    case 'similar':
      return `Similar to “${shorten(reason.to.title)}”, which you ${reason.via === 'upvoted' ? 'upvoted' : 'collected'}`;
    case 'author':
      return `By ${reason.author}, whom you follow`;
    case 'search':
      return `Matches your search “${shorten(reason.query)}”`;
    case 'member':
      return `Upvoted by ${reason.member.displayName}, whom you follow`;
    case 'group':
      return `In the queue of ${reason.group.name}, which you follow`;
  }
}

function shorten(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1).trimEnd()}…`;
}

function compareNewest(a: Candidate, b: Candidate): number {
  if (a.paper.day !== b.paper.day) return a.paper.day < b.paper.day ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function pack(vectors: Float32Array[], d: number): Float32Array {
  const out = new Float32Array(vectors.length * d);
  vectors.forEach((v, i) => out.set(v, i * d));
  return out;
}

/** The score above this share of the scores, as a probability; Infinity (nothing passes) when there are none. */
function percentile(scores: Float32Array, share: number): number {
  if (scores.length === 0) return Infinity;
  const sorted = Float32Array.from(scores).sort();
  return sigmoid(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!);
}

/**
 * A random sample of the catalog's vectors, in random order (a seeded Fisher-Yates over the docs
 * that have one, taken in doc order: without an order, PostgreSQL reads rows as they lie on disk,
 * which an update of a vector changes, and the same catalog would get another sample).
 */
async function sampleCatalog(db: SearchDb, model: { id: string; dimensions: number }, n: number, seed: number): Promise<{ ids: string[]; vectors: Float32Array[] }> {
  const docs = (await db.selectFrom('search_docs').select('doc').where('model', '=', model.id).orderBy('doc').execute()).map((r) => r.doc);
  const random = seededRandom(seed);
  const take = Math.min(n, docs.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (docs.length - i));
    [docs[i], docs[j]] = [docs[j]!, docs[i]!];
  }
  const chosen = docs.slice(0, take);
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  for (const chunk of perStatement(chosen)) {
    const { rows } = await sql<{ doc: number; paper_id: string; vector: Uint8Array | null }>`
      SELECT doc, paper_id, vector FROM search_docs WHERE model = ${model.id}
      AND doc IN (${sql.join(chunk)})`.execute(db);
    const byDoc = new Map(rows.map((r) => [r.doc, r]));
    for (const doc of chunk) {
      const r = byDoc.get(doc);
      if (!r?.vector) continue;
      const v = decodeVector(r.vector);
      if (v.length !== model.dimensions) continue;
      ids.push(r.paper_id);
      vectors.push(v);
    }
  }
  return { ids, vectors };
}
