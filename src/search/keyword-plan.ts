/**
 * Which keyword queries to run for one search, chosen from how many papers each word matches.
 *
 * FTS5 has no early stop for a top-k: it computes BM25 for every paper a MATCH expression
 * matches (about 1.5 µs each here), and it weighs each word by reading its whole posting list once
 * per query (about 0.04 µs a paper). "Any of the words" of a pasted title matches most of a large
 * catalog through its common words ("learning", "model"), whose weight is small anyway: BM25's IDF
 * is ln((N - n + 0.5) / (n + 0.5)), 0.4 for a word in 40% of papers against 7 to 9 for a word in a
 * few dozen, and nothing at all (FTS5 clamps it) for a word in half of them or more.
 *
 * So a search runs tiers, best first, until it has enough results:
 * - when every word is cheap enough together, the same two tiers as ever: papers with every word,
 *   then papers with any of them (exact BM25 over all words);
 * - else, when some words are selective (the usual case: a title, a claim), papers with every word,
 *   scored by the rarest ones whose postings fit the postings budget (a word's IDF needs its whole
 *   posting list; checking that a few papers have it needs only a few seeks into it); then papers
 *   with any of the rarest words that fit the rows budget, ranked by BM25 over all the words that
 *   fit the postings budget. Common words still count in the score of a candidate, but bring in
 *   no candidates of their own (Elasticsearch's "common terms" query makes the same split). Only
 *   the most common words, beyond the postings budget, are not scored, and their IDF is the smallest;
 * - else (every word common: "large language models", "benchmark", some titles), papers with every
 *   word in their title first; then, only if that leaves too few, the same two tiers as above, with
 *   the rarest word alone bringing in the candidates of the second.
 * Which papers can be found is never widened: every tier matches the phrases, authors and
 * exclusions of the query, and words of the query only.
 */
import type { Term } from './query.js';

export interface KeywordBudget {
  /** The most papers one tier should have to score (BM25 per matching paper). */
  rows: number;
  /** The most postings one tier should read to weigh its words (the sum of their counts). */
  postings: number;
}

/**
 * About 3 ms of scoring and 1.5 ms of weighing a tier on the development machines. Twice as much
 * of each took 1.5 times as long on title queries, with the same SciFact figures (whose 5k
 * documents rarely need leaving anything out at either budget).
 */
export const DEFAULT_KEYWORD_BUDGET: KeywordBudget = { rows: 2000, postings: 30_000 };

export interface CountedWord {
  term: Term;
  /** Papers the word matches. */
  count: number;
}

export interface KeywordTier {
  /** The words this tier looks for: every one (`all`) or any (`any`). */
  words: Term[];
  join: 'all' | 'any';
  /** Words every paper found must have in its title (none: no such condition). */
  inTitle: Term[];
  /** More words that count in the score of the papers found, without finding papers themselves. */
  alsoScored: Term[];
  /** More words every paper found must have, that do not count in its score. */
  alsoRequired: Term[];
}

/**
 * The tiers for a query's words. `required` is the fewest papers any required part of the query
 * (a phrase, an author) matches, or Infinity: no tier can match more papers than that.
 */
export function planKeywordTiers(words: CountedWord[], required: number, budget: KeywordBudget = DEFAULT_KEYWORD_BUDGET): KeywordTier[] {
  const all = words.map((w) => w.term);
  const tier = (ws: Term[], join: 'all' | 'any', alsoScored: Term[] = [], inTitle: Term[] = []): KeywordTier => ({
    words: ws,
    join,
    inTitle,
    alsoScored,
    alsoRequired: join === 'all' ? all.filter((t) => !ws.includes(t) && !inTitle.includes(t)) : [],
  });
  const exact = (): KeywordTier[] => (all.length >= 2 ? [tier(all, 'all'), tier(all, 'any')] : [tier(all, 'any')]);
  if (words.length === 0 || Math.min(required, sum(words)) <= budget.rows) return exact();

  const rarestFirst = [...words].sort((a, b) => a.count - b.count);
  const selective = prefixWithin(rarestFirst, budget.rows);
  const together = prefixWithin(rarestFirst, budget.postings);
  // Every word is common: its title is the best sign that a paper is about them. The words are
  // all required in the title; those within the postings budget are also scored in every column.
  const inTitles = selective.length === 0 ? [tier(together, 'all', [], all)] : [];
  const finding = selective.length > 0 ? selective : [rarestFirst[0]!.term];
  const scoring = together.length > finding.length ? together : finding;
  const every = all.length >= 2 ? [tier(scoring, 'all')] : [];
  return [...inTitles, ...every, tier(finding, 'any', scoring.slice(finding.length))];
}

function sum(words: CountedWord[]): number {
  return words.reduce((total, w) => total + w.count, 0);
}

/** The terms of the longest run (rarest first) whose counts add up to at most `limit`. */
function prefixWithin(rarestFirst: CountedWord[], limit: number): Term[] {
  const out: Term[] = [];
  let total = 0;
  for (const w of rarestFirst) {
    total += w.count;
    if (total > limit) break;
    out.push(w.term);
  }
  return out;
}
