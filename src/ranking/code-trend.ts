/**
 * "Trending code": a repository's stars gained per day, from the daily star counts kept for it.
 *
 *   with a count at least MIN_SPAN_DAYS old in the window:  (stars − that count) / days between them
 *   otherwise (a repository first seen today):             stars / days since it was created (at least 1)
 *
 * The second line is an estimate for new repositories, whose stars are nearly all recent anyway.
 */

/** Days of star history the rate is measured over. */
export const TREND_WINDOW_DAYS = 7;
/** A count younger than this says too little about a rate. */
export const MIN_SPAN_DAYS = 1;

export interface StarTrendInput {
  stars: number;
  /** When the repository was created (ISO 8601), when GitHub said. */
  createdAt: string | null;
  /** The oldest count kept in the window. */
  since: { day: string; stars: number } | null;
  now: Date;
}

export function starsPerDay({ stars, createdAt, since, now }: StarTrendInput): number {
  if (since) {
    const span = (now.getTime() - Date.parse(`${since.day}T00:00:00Z`)) / 86_400_000;
    if (span >= MIN_SPAN_DAYS) return Math.max(0, stars - since.stars) / span;
  }
  const created = createdAt ? Date.parse(createdAt) : NaN;
  const age = Number.isFinite(created) ? (now.getTime() - created) / 86_400_000 : Infinity;
  return Math.max(0, stars) / Math.max(1, age);
}
