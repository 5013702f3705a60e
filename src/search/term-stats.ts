/**
 * How many papers each query word matches, remembered between searches. Counting a common word
 * reads its whole posting list (a few milliseconds for "model"), and the same common words come
 * back in most queries. The counts only steer which keyword tiers run (keyword-plan.ts), never
 * which papers can match, so a count a little out of date costs some speed at worst; they are
 * dropped after a while so that a growing catalog is seen.
 */
import type { SearchDb } from '../store/search-docs.js';
import { matchCounts } from './sqlite-search.js';

const MAX_AGE_MS = 10 * 60_000;
/** Enough for every word of a busy day's queries; a pasted book would only fill memory. */
const MAX_ENTRIES = 50_000;

export class TermStats {
  private counts = new Map<string, number>();
  private since = 0;

  constructor(
    private readonly db: SearchDb,
    private readonly maxAgeMs = MAX_AGE_MS,
  ) {}

  /** The number of papers each FTS5 expression (a word, a phrase, an author) matches. */
  async countsOf(expressions: string[]): Promise<number[]> {
    if (Date.now() - this.since > this.maxAgeMs || this.counts.size > MAX_ENTRIES) {
      this.counts.clear();
      this.since = Date.now();
    }
    const missing = [...new Set(expressions.filter((e) => !this.counts.has(e)))];
    const found = await matchCounts(this.db, missing);
    missing.forEach((e, i) => this.counts.set(e, found[i]!));
    return expressions.map((e) => this.counts.get(e)!);
  }
}
