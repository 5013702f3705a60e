/**
 * The order of papers nobody has voted on yet. Trending (trending.ts) gives every unvoted paper
 * of a day the same score, so on its own a morning's hundreds of new papers would stand in id
 * order. This score breaks those ties with signals that need no votes (docs/trending.md):
 *
 *   score = CODE_POINTS × hasCode
 *         + STAR_POINTS × log10(1 + stars)
 *         + AUTHOR_POINTS × log10(1 + authors' earlier upvotes)
 *         + LATER_ANNOUNCEMENT_POINTS × (announced as a cross-list or a replacement)
 *
 * For a signed-in member, their "for you" picks come before it (the route passes their scores).
 */

/** Code released with the paper: it can be tried, and readers of a daily list look for it first. */
export const CODE_POINTS = 1;
/** Per tenfold of the repository's stars, so a few hundred stars outweigh having code at all, and a viral repository does not bury everything else. */
export const STAR_POINTS = 0.5;
/** Per tenfold of the upvotes this instance gave the authors' earlier papers: ten earlier upvotes count as much as released code. */
export const AUTHOR_POINTS = 1;
/**
 * A cross-list or a replacement in an announcement comes after the day's new papers: its readers
 * have seen it in its own category or in its first version. Applies where the announcement's type
 * is stored (`announceType`); papers whose type is unknown count as new.
 */
export const LATER_ANNOUNCEMENT_POINTS = -2;

export type AnnounceType = 'new' | 'cross' | 'replace';

export interface BeforeVotesInput {
  hasCode: boolean;
  /** The repository's stars, when known. */
  stars: number | null;
  /** Upvotes on this instance of the authors' papers listed before this one. */
  authorUpvotes: number;
  announceType: AnnounceType | null;
}

export function beforeVotesScore({ hasCode, stars, authorUpvotes, announceType }: BeforeVotesInput): number {
  return (
    (hasCode ? CODE_POINTS : 0) +
    STAR_POINTS * Math.log10(1 + nonNegative(stars ?? 0)) +
    AUTHOR_POINTS * Math.log10(1 + nonNegative(authorUpvotes)) +
    (announceType === 'cross' || announceType === 'replace' ? LATER_ANNOUNCEMENT_POINTS : 0)
  );
}

/**
 * Items in the order unvoted papers take: those the member's "for you" scores (`personal`) first,
 * best first; then by `beforeVotesScore`, best first; equal ones keep the order they came in.
 * Trending's sort is stable, so sorting this order by trending keeps it among equal scores.
 */
export function orderBeforeVotes<T>(items: readonly T[], idOf: (item: T) => string, inputOf: (item: T) => BeforeVotesInput, personal?: ReadonlyMap<string, number>): T[] {
  return items
    .map((item, index) => ({ item, index, mine: personal?.get(idOf(item)) ?? -Infinity, score: beforeVotesScore(inputOf(item)) }))
    .sort((a, b) => (b.mine === a.mine ? 0 : b.mine > a.mine ? 1 : -1) || b.score - a.score || a.index - b.index)
    .map((x) => x.item);
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
