import type { Paper } from '../papers/paper.js';
import type { Db } from '../store/schema.js';
import { fromRow } from '../store/papers.js';
import { ageInHours, rankByTrending, trendingScore } from './trending.js';
import { listed } from '../store/visibility.js';

export interface TrendingPaper {
  paper: Paper;
  upvotes: number;
  comments: number;
  score: number;
  /** When its age is counted from: the later of its day page (00:00 UTC) and its submission. */
  appearedAt: string;
}

export interface TrendingOptions {
  /** Defaults to the current time. On a catalog of old papers, pass its latest day's end. */
  now?: Date;
  /** Papers that appeared this many days before `now` are considered. */
  windowDays?: number;
  limit?: number;
  offset?: number;
}

/**
 * The trending list: papers that appeared (on a day page or by submission) within the window,
 * hidden ones left out, ranked by `trendingScore`, ties newest id first. Candidates are read
 * light (id, day, counters) and only the returned page is read in full.
 */
export async function trendingPapers(db: Db, opts: TrendingOptions = {}): Promise<TrendingPaper[]> {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - (opts.windowDays ?? 7) * 86_400_000).toISOString();
  const base = db
    .selectFrom('papers')
    .leftJoin('paper_stats', 'paper_stats.paper_id', 'papers.id')
    .leftJoin('submissions', 'submissions.paper_id', 'papers.id')
    .select(['papers.id', 'papers.day', 'paper_stats.upvotes', 'paper_stats.comments', 'submissions.submitted_at'])
    .where(listed('papers.id'));
  // Two index-friendly queries rather than one OR across joined tables.
  const byDay = await base.where('papers.day', '>=', since.slice(0, 10)).execute();
  const bySubmission = await base.where('submissions.submitted_at', '>=', since).execute();

  const candidates = new Map<string, { id: string; upvotes: number; comments: number; appearedAt: string }>();
  for (const row of [...byDay, ...bySubmission]) {
    const dayStart = `${row.day}T00:00:00.000Z`;
    const appearedAt = row.submitted_at && row.submitted_at > dayStart ? row.submitted_at : dayStart;
    if (appearedAt < since) continue;
    candidates.set(row.id, { id: row.id, upvotes: Number(row.upvotes ?? 0), comments: Number(row.comments ?? 0), appearedAt });
  }
  const ordered = [...candidates.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const inputOf = (c: { upvotes: number; comments: number; appearedAt: string }) => ({ ...c, ageHours: ageInHours(c.appearedAt, now) });
  const offset = opts.offset ?? 0;
  const page = rankByTrending(ordered, inputOf).slice(offset, offset + (opts.limit ?? 30));
  if (page.length === 0) return [];

  const rows = await db.selectFrom('papers').selectAll().where('id', 'in', page.map((c) => c.id)).execute();
  const papers = new Map(rows.map((r) => [r.id, fromRow(r)]));
  return page.map((c) => ({
    paper: papers.get(c.id)!,
    upvotes: c.upvotes,
    comments: c.comments,
    score: trendingScore(inputOf(c)),
    appearedAt: c.appearedAt,
  }));
}
