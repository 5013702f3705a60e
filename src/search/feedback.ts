/**
 * Each side of search lends the other what it knows (pseudo-relevance feedback, Rocchio 1971).
 *
 * The catalog embedder's vectors lose a query's rare words (a few hundred dimensions learned from
 * the catalog keep its common topics: "text-driven 360-degree panorama generation" lands among
 * text-driven image editing), and its vocabulary leaves out words in fewer than three papers. The
 * best keyword matches have those words, so the semantic side searches with the query's vector
 * moved toward theirs.
 *
 * BM25 over a long query lets one rare word outweigh the rest: for "swarm intelligence approaches
 * to search documents based on semantic similarity" the papers on swarm robots come first. So
 * hybrid search ranks its keyword matches by BM25 (as a share of the best match's) plus how close
 * each is to that vector, before fusing them with the semantic side.
 *
 * Measured on the topic benchmark and on SciFact (docs/benchmarks.md): both changes together raise
 * hybrid nDCG@10 on topics and keep SciFact's, and the first raises semantic search on both.
 */
import { perStatement } from '../store/chunks.js';
import { readVectors, type SearchDb } from '../store/search-docs.js';
import { normalize, type Embedder } from './embedder.js';
import { exactNeighbours } from './vector-index.js';

export const FEEDBACK = {
  /** How many of the best keyword matches steer the query's vector. */
  papers: 3,
  /** The weight of their mean vector against the query's own (both of unit length). */
  weight: 0.5,
  /** How much closeness to the query's topic (a cosine) counts against BM25 (a share of the best match's, 0 to 1). */
  topicWeight: 0.3,
};

export interface Topic {
  /** What the semantic side searches with: unit length. */
  vector: Float32Array;
  /** The cosine between that vector and each keyword match that has a vector, by doc. */
  closeness: Map<number, number>;
}

/**
 * The topic of a query: its vector moved toward the vectors of its best keyword matches (`matches`,
 * best first). When the model knows none of the query's words, the matches alone give the topic;
 * null when there is neither.
 */
export async function topicOf(db: SearchDb, embedder: Embedder, text: string, matches: { doc: number }[]): Promise<Topic | null> {
  const vectors: { doc: number; vector: Float32Array }[] = [];
  for (const docs of perStatement(matches.map((m) => m.doc))) {
    vectors.push(...(await readVectors(db, embedder.id, { afterDoc: 0, limit: docs.length, docs })));
  }
  const byDoc = new Map(vectors.map((v) => [v.doc, v.vector]));
  const best = matches.slice(0, FEEDBACK.papers).flatMap((m) => byDoc.get(m.doc) ?? []);
  const vector = feedbackVector(await embedder.embedQuery(text), best);
  if (!vector) return null;
  const closeness = new Map(exactNeighbours(vector, vectors, vectors.length).map((n) => [n.doc, n.similarity]));
  return { vector, closeness };
}

/** `query` + weight × the mean of `best`, scaled to unit length; null when that is nothing. */
export function feedbackVector(query: Float32Array | null, best: Float32Array[], weight = FEEDBACK.weight): Float32Array | null {
  const dimensions = query?.length ?? best[0]?.length;
  if (dimensions === undefined) return null;
  const out = query ? Float32Array.from(query) : new Float32Array(dimensions);
  for (const v of best) for (let i = 0; i < dimensions; i++) out[i]! += (weight / best.length) * v[i]!;
  return normalize(out) ? out : null;
}

/**
 * Keyword hits (BM25 as FTS5 gives it: negative, lower is better) in the order of their share of
 * the best hit's BM25 plus `weight` × their closeness to the topic. A hit without a vector counts
 * as unrelated (closeness 0); equal totals keep the keyword order.
 */
export function byTopic<T extends { doc: number; score: number }>(hits: T[], closeness: Map<number, number>, weight = FEEDBACK.topicWeight): T[] {
  const best = Math.min(0, ...hits.map((h) => h.score));
  const share = (h: T) => (best < 0 ? h.score / best : 0);
  const total = hits.map((h, i) => ({ h, i, total: share(h) + weight * (closeness.get(h.doc) ?? 0) }));
  return total.sort((a, b) => b.total - a.total || a.i - b.i).map((x) => x.h);
}
