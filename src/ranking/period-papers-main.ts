import type { PublicUser } from '../community/users.js';
import { periodEnd, type Period } from '../catalog/periods.js';
import type { Paper } from '../papers/paper.js';
import { fromRow } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import { ageInHours, rankByTrending, trendingScore } from './trending.js';

export type PeriodSort = 'trending' | 'publishedAt';

export interface ListedPaper {
  paper: Paper;
  upvotes: number;
  comments: number;
  /** When it appeared on the site: its submission, or the start of its listing day. */
  appearedAt: string;
  submittedBy: PublicUser | null;
  score: number;
}

export interface PeriodListing {
  items: ListedPaper[];
  total: number;
}

interface Candidate {
  id: string;
  day: string;
  published: string | null;
  upvotes: number;
  comments: number;
  appearedAt: string;
  submittedBy: number | null;
}

/**
 * The papers of a day, week or month: those listed by arXiv in it and those members submitted
 * in it, hidden ones left out, ranked by trending as of the period's end (or now, for the
 * current period) or by publication date. Candidates are read light; only the page is read whole.
 */
export async function papersOfPeriod(
  db: Db,
  period: Period,
  opts: { sort?: PeriodSort; limit: number; offset: number; submitter?: number; now?: Date },
): Promise<PeriodListing> {
  const end = periodEnd(period);
  const now = opts.now && opts.now < end ? opts.now : end;
  const candidates = await readCandidates(db, period, opts.submitter);
  const byNewest = [...candidates.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const inputOf = (c: Candidate) => ({ upvotes: c.upvotes, comments: c.comments, ageHours: ageInHours(c.appearedAt, now) });
  const ordered =
    opts.sort === 'publishedAt'
      ? byNewest.sort((a, b) => (b.published ?? b.day).localeCompare(a.published ?? a.day))
      : rankByTrending(byNewest, inputOf);
  const page = ordered.slice(opts.offset, opts.offset + opts.limit);
  if (page.length === 0) return { items: [], total: ordered.length };

  const rows = await db.selectFrom('papers').selectAll().where('id', 'in', page.map((c) => c.id)).execute();
  const papers = new Map(rows.map((r) => [r.id, fromRow(r)]));
  const submitterIds = [...new Set(page.flatMap((c) => (c.submittedBy === null ? [] : [c.submittedBy])))];
  const submitters = new Map<number, PublicUser>();
  if (submitterIds.length > 0) {
    const users = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('id', 'in', submitterIds).execute();
    for (const u of users) submitters.set(u.id, { id: u.id, username: u.username, displayName: u.display_name });
  }
  return {
    total: ordered.length,
    items: page.map((c) => ({
      paper: papers.get(c.id)!,
      upvotes: c.upvotes,
      comments: c.comments,
      appearedAt: c.appearedAt,
      submittedBy: c.submittedBy === null ? null : (submitters.get(c.submittedBy) ?? null),
      score: trendingScore(inputOf(c)),
    })),
  };
}

async function readCandidates(db: Db, period: Period, submitter: number | undefined): Promise<Map<string, Candidate>> {
  const hidden = db.selectFrom('hidden_papers').select('paper_id');
  let base = db
    .selectFrom('papers')
    .leftJoin('paper_stats', 'paper_stats.paper_id', 'papers.id')
    .leftJoin('submissions', 'submissions.paper_id', 'papers.id')
    .select([
      'papers.id',
      'papers.day',
      'papers.published',
      'paper_stats.upvotes',
      'paper_stats.comments',
      'submissions.submitted_at',
      'submissions.submitted_by',
      'submissions.day as submitted_day',
    ])
    .where('papers.id', 'not in', hidden);
  if (submitter !== undefined) base = base.where('submissions.submitted_by', '=', submitter);
  // Two index-friendly queries rather than one OR across joined tables.
  const listed = submitter === undefined ? await base.where('papers.day', '>=', period.start).where('papers.day', '<=', period.end).execute() : [];
  const submitted = await base.where('submissions.day', '>=', period.start).where('submissions.day', '<=', period.end).execute();

  const candidates = new Map<string, Candidate>();
  for (const row of [...listed, ...submitted]) {
    const inPeriod = row.submitted_day !== null && row.submitted_day >= period.start && row.submitted_day <= period.end;
    candidates.set(row.id, {
      id: row.id,
      day: row.day,
      published: row.published,
      upvotes: Number(row.upvotes ?? 0),
      comments: Number(row.comments ?? 0),
      appearedAt: inPeriod && row.submitted_at ? row.submitted_at : `${row.day}T00:00:00.000Z`,
      submittedBy: row.submitted_by ?? null,
    });
  }
  return candidates;
}

/**
 * Papers found some other way (a search, a category, a collection) with what a listing shows
 * beside them: counters, submitter, and when each appeared on the site (the later of its day page
 * and its submission). Papers a moderator has hidden are left out, as from every list, unless
 * `includeHidden` (one paper asked for by its id, as its page still shows it).
 */
export async function describePapers(db: Db, papers: Paper[], now = new Date(), opts: { includeHidden?: boolean } = {}): Promise<ListedPaper[]> {
  if (papers.length === 0) return [];
  const ids = [...new Set(papers.map((p) => p.id))];
  const [hidden, facts] = await Promise.all([
    db.selectFrom('hidden_papers').select('paper_id').where('paper_id', 'in', ids).execute(),
    db
      .selectFrom('papers')
      .leftJoin('paper_stats', 'paper_stats.paper_id', 'papers.id')
      .leftJoin('submissions', 'submissions.paper_id', 'papers.id')
      .leftJoin('users', 'users.id', 'submissions.submitted_by')
      .select(['papers.id', 'paper_stats.upvotes', 'paper_stats.comments', 'submissions.submitted_at', 'users.id as user_id', 'users.username', 'users.display_name'])
      .where('papers.id', 'in', ids)
      .execute(),
  ]);
  const hiddenIds = new Set(opts.includeHidden ? [] : hidden.map((h) => h.paper_id));
  const byId = new Map(facts.map((f) => [f.id, f]));
  return papers
    .filter((paper) => !hiddenIds.has(paper.id))
    .map((paper) => {
      const f = byId.get(paper.id);
      const dayStart = `${paper.day}T00:00:00.000Z`;
      const appearedAt = f?.submitted_at && f.submitted_at > dayStart ? f.submitted_at : dayStart;
      const input = { upvotes: Number(f?.upvotes ?? 0), comments: Number(f?.comments ?? 0), ageHours: ageInHours(appearedAt, now) };
      return {
        paper,
        upvotes: input.upvotes,
        comments: input.comments,
        appearedAt,
        submittedBy: f?.user_id != null && f.username != null && f.display_name != null ? { id: f.user_id, username: f.username, displayName: f.display_name } : null,
        score: trendingScore(input),
      };
    });
}
