/**
 * How popular a paper's authors' earlier papers are on this instance: the upvotes of every paper
 * listed before it that shares an author (names folded, as author pages match them). Read from
 * the voted papers only, a small part of the catalog, once for a few minutes and shared by every
 * page.
 */
import { foldName } from '../papers/authors.js';
import type { Db } from '../store/schema.js';

const TTL_MS = 5 * 60_000;

interface Earlier {
  day: string;
  upvotes: number;
}

export class AuthorPopularity {
  private constructor(private readonly byAuthor: Map<string, Earlier[]>) {}

  /** Whether any author has an upvoted paper: when none has, nobody's papers need reading. */
  get isEmpty(): boolean {
    return this.byAuthor.size === 0;
  }

  /** Upvotes of the papers listed before `day` by any of these authors, each paper counted once. */
  upvotesBefore(authors: readonly string[], day: string): number {
    const seen = new Set<Earlier>();
    let sum = 0;
    for (const name of authors) {
      for (const earlier of this.byAuthor.get(foldName(name)) ?? []) {
        if (earlier.day >= day || seen.has(earlier)) continue;
        seen.add(earlier);
        sum += earlier.upvotes;
      }
    }
    return sum;
  }

  static async read(db: Db): Promise<AuthorPopularity> {
    const rows = await db
      .selectFrom('paper_stats')
      .innerJoin('papers', 'papers.id', 'paper_stats.paper_id')
      .select(['papers.authors', 'papers.day', 'paper_stats.upvotes'])
      .where('paper_stats.upvotes', '>', 0)
      .execute();
    const byAuthor = new Map<string, Earlier[]>();
    for (const row of rows) {
      const earlier = { day: row.day, upvotes: Number(row.upvotes) };
      for (const name of JSON.parse(row.authors) as string[]) {
        const key = foldName(name);
        const list = byAuthor.get(key);
        if (list) list.push(earlier);
        else byAuthor.set(key, [earlier]);
      }
    }
    return new AuthorPopularity(byAuthor);
  }
}

const shared = new WeakMap<Db, { until: number; popularity: Promise<AuthorPopularity> }>();

/** The popularity of authors, read at most every few minutes for each database. */
export function authorPopularity(db: Db, now = Date.now()): Promise<AuthorPopularity> {
  const cached = shared.get(db);
  if (cached && cached.until > now) return cached.popularity;
  const popularity = AuthorPopularity.read(db);
  shared.set(db, { until: now + TTL_MS, popularity });
  popularity.catch(() => shared.delete(db));
  return popularity;
}
