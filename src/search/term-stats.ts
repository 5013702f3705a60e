/**
 * How many papers each query word matches, remembered between searches. Counting a common word
 * reads its whole posting list (a few milliseconds for "model"), and the same common words come
 * back in most queries. The counts only steer which keyword tiers run (keyword-plan.ts), never
 * which papers can match, so a count a little out of date costs some speed at worst; they are
 * dropped after a while so that a growing catalog is seen.
 */
import type { Countable, KeywordIndex } from './keyword-index.js';

const MAX_AGE_MS = 10 * 60_000;
/** Enough for every word of a busy day's queries; a pasted book would only fill memory. */
const MAX_ENTRIES = 50_000;

export class TermStats {
  private counts = new Map<string, number>();
  private since = 0;

  constructor(
    private readonly index: KeywordIndex,
    private readonly maxAgeMs = MAX_AGE_MS,
  ) {}

  /** The number of papers each item (a word, a phrase, an author) matches. */
  async countsOf(items: Countable[]): Promise<number[]> {
    if (Date.now() - this.since > this.maxAgeMs || this.counts.size > MAX_ENTRIES) {
      this.counts.clear();
      this.since = Date.now();
    }
    const keys = items.map(countKey);
    const missing = [...new Map(items.map((item, i) => [keys[i]!, item])).entries()].filter(([key]) => !this.counts.has(key));
    const found = await this.index.counts(missing.map(([, item]) => item));
    missing.forEach(([key], i) => this.counts.set(key, found[i]!));
    return keys.map((key) => this.counts.get(key)!);
  }
}

/** Prefixes, words and phrases of the same text count apart; an author is a name in one field. */
function countKey(item: Countable): string {
  return item.kind === 'author' ? `author ${item.name}` : `${item.term.kind} ${item.term.text}`;
}
