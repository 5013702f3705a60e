/**
 * Hybrid ranking: reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009). Each list gives a
 * paper 1 / (K + rank); a paper only one list found keeps that list's share, so fusion never
 * drops what one side alone knows. Ranks, not scores, are fused: BM25 and cosine are not on one
 * scale, and ranks need no calibration per catalog.
 */
export const RRF_K = 60;

/**
 * What hybrid search uses. The usual K = 60 with equal weights lost 0.10 nDCG@10 against keywords
 * alone on SciFact with the catalog embedder, whose vectors are much weaker than BM25 there; a small
 * K and a small semantic weight keep keyword order at the top and let the semantic side add papers
 * and break ties (see docs/benchmarks.md). The semantic weight stays below 1 / (K + 2), so the
 * semantic side can never lift the second keyword hit over the first: a paper's own title, first on
 * the keyword side, stays first, whatever the approximate vector index returns that day. (In hybrid
 * search the keyword side is ordered by BM25 and closeness to the query's topic: feedback.ts.)
 */
export const HYBRID = { k: 5, keywordWeight: 1, semanticWeight: 0.12 };

export interface Ranked {
  doc: number;
}

export interface Fused {
  doc: number;
  score: number;
  /** 1-based rank in each input list, or null where that list did not have it. */
  ranks: (number | null)[];
}

export function reciprocalRankFusion(lists: Ranked[][], weights: number[] = lists.map(() => 1), k = RRF_K): Fused[] {
  const byDoc = new Map<number, Fused>();
  lists.forEach((list, which) => {
    list.forEach(({ doc }, i) => {
      let entry = byDoc.get(doc);
      if (!entry) {
        entry = { doc, score: 0, ranks: lists.map(() => null) };
        byDoc.set(doc, entry);
      }
      if (entry.ranks[which] !== null) return;
      entry.ranks[which] = i + 1;
      entry.score += (weights[which] ?? 1) / (k + i + 1);
    });
  });
  // Ties (the same ranks in swapped lists) go to the keyword side's order, then the doc number.
  return [...byDoc.values()].sort((a, b) => b.score - a.score || (a.ranks[0] ?? Infinity) - (b.ranks[0] ?? Infinity) || a.doc - b.doc);
}
