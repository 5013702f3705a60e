/**
 * Trending: Hacker-News-style gravity. Points decay with age, so a paper must keep earning votes
 * to stay up, and with no votes at all the newest papers come first. See docs/trending.md for
 * the reasons behind each constant and worked examples.
 *
 *   score = (upvotes + COMMENT_WEIGHT * comments + BASE_POINTS) / (ageHours + AGE_OFFSET_HOURS) ^ GRAVITY
 */

/**
 * What a paper nobody has voted on counts for: a hundredth of a vote. Enough to rank unvoted papers
 * newest first; small enough that the hundreds a morning's announcement brings do not bury
 * yesterday's voted papers (one vote keeps a paper above the new unvoted ones for about a day).
 */
export const BASE_POINTS = 0.01;
/** A comment counts half a vote: discussion shows interest, but a long argument should not outrank approval. */
export const COMMENT_WEIGHT = 0.5;
/** Hours added to every age, so a paper minutes old is not divided by almost nothing. */
export const AGE_OFFSET_HOURS = 2;
/** How fast age wins over points; Hacker News's 1.8 halves the score of a day-old paper in about 12 more hours. */
export const GRAVITY = 1.8;

export interface TrendingInput {
  upvotes: number;
  comments: number;
  /** Hours since the paper appeared (on its day page, or when it was submitted). */
  ageHours: number;
}

/** Negative or non-finite inputs (clock skew, a future date) are read as zero. */
export function trendingScore({ upvotes, comments, ageHours }: TrendingInput): number {
  const points = nonNegative(upvotes) + COMMENT_WEIGHT * nonNegative(comments) + BASE_POINTS;
  return points / Math.pow(nonNegative(ageHours) + AGE_OFFSET_HOURS, GRAVITY);
}

/** Highest score first; equal scores keep the order they came in (the caller's tie-break, e.g. newest id first). */
export function rankByTrending<T>(items: readonly T[], inputOf: (item: T) => TrendingInput): T[] {
  return items
    .map((item, index) => ({ item, index, score: trendingScore(inputOf(item)) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((x) => x.item);
}

/** Hours from `appearedAt` (ISO 8601) to `now`. */
export function ageInHours(appearedAt: string, now: Date): number {
  return (now.getTime() - Date.parse(appearedAt)) / 3600_000;
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
