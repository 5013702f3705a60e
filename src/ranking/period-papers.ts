import type { PublicUser } from '../community/users.js';
import { periodEnd, type Period } from '../catalog/periods.js';
import type { Paper } from '../papers/paper.js';
import { perStatement } from '../store/chunks.js';
import { extrasOf, starHistories, type PaperCode, type SummaryView } from '../store/enrichment.js';
import { fromRow } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import { authorPopularity } from './author-popularity.js';
import { orderBeforeVotes } from './before-votes.js';
import { starsPerDay, TREND_WINDOW_DAYS } from './code-trend.js';
import { ageInHours, rankByTrending, trendingScore } from './trending.js';
import { hiddenAmong, listed } from '../store/visibility.js';

/** `code`: "trending code", by the stars the paper's repository gained per day. */
export type PeriodSort = 'trending' | 'publishedAt' | 'code';

export interface ListedPaper {
  paper: Paper;
  upvotes: number;
  comments: number;
  /** When it appeared on the site: its submission, or the start of its listing day. */
  appearedAt: string;
  /** Who put it on the daily page: the member who submitted it, or the moderator who picked it (`pickedBy`). */
  submittedBy: PublicUser | null;
  /** True when `submittedBy` is the moderator who picked it rather than a member who submitted it. */
  pickedBy: boolean;
  score: number;
  /** Submitted by a member or picked by a moderator (for its period, in a period's list). */
  featured: boolean;
  code: PaperCode | null;
  summary: SummaryView;
}

export interface PeriodListing {
  items: ListedPaper[];
  total: number;
  /** The primary categories of the period's papers (of the part asked for, before the filter), most papers first: what the filter offers. */
  categories: string[];
}

/** Narrowing a period's list, as the filter form above "All new papers" does. */
export interface PeriodFilter {
  /** Every word must be in the title, the authors, the abstract or the id (case and accents aside). */
  query?: string | undefined;
  /** An arXiv category (`cs.CL`) or archive (`cs`) the paper is listed in. */
  category?: string | undefined;
  hasCode?: boolean | undefined;
}

export interface PeriodOptions {
  sort?: PeriodSort;
  limit: number;
  offset: number;
  submitter?: number;
  now?: Date;
  /** `featured`: papers members submitted or moderators picked in the period; `rest`: the others listed in it; `all` (default): both. */
  part?: 'featured' | 'rest' | 'all';
  filter?: PeriodFilter;
  /** The viewer's "for you" scores, which order the papers nobody has voted on ahead of the signals in before-votes.ts. */
  personal?: ReadonlyMap<string, number>;
}

interface Candidate {
  id: string;
  day: string;
  published: string | null;
  upvotes: number;
  comments: number;
  appearedAt: string;
  submittedBy: number | null;
  pickedBy: boolean;
  featured: boolean;
  /** JSON text as stored, looked into only when needed. */
  authors: string;
  categories: string;
  primaryCategory: string;
  hasCode: boolean;
  repo: string | null;
  stars: number | null;
}

/**
 * The papers of a day, week or month: those listed by arXiv in it, those members submitted in it
 * and those moderators picked for it, hidden ones left out, ranked by trending as of the period's
 * end (or now, for the current period), by publication date, or by stars gained per day. Papers
 * nobody voted on are ordered by the viewer's "for you" scores, then by before-votes.ts.
 * Candidates are read light (no abstracts); only the page is read whole, with its extras.
 */
export async function papersOfPeriod(db: Db, period: Period, opts: PeriodOptions): Promise<PeriodListing> {
  return listCandidates(db, period, await readCandidates(db, period, opts.submitter), opts);
}

/**
 * What a period page shows, its candidates read once: the featured papers (up to `featuredLimit`,
 * by trending) and one page of the rest (`opts`), both narrowed by the same filter.
 */
export async function featuredAndRest(db: Db, period: Period, featuredLimit: number, opts: Omit<PeriodOptions, 'part' | 'submitter'>): Promise<{ featured: PeriodListing; rest: PeriodListing }> {
  const candidates = await readCandidates(db, period, undefined);
  const [featured, rest] = await Promise.all([
    listCandidates(db, period, candidates, { part: 'featured', limit: featuredLimit, offset: 0, ...(opts.now ? { now: opts.now } : {}), ...(opts.filter ? { filter: opts.filter } : {}) }),
    listCandidates(db, period, candidates, { ...opts, part: 'rest' }),
  ]);
  return { featured, rest };
}

async function listCandidates(db: Db, period: Period, all: Map<string, Candidate>, opts: PeriodOptions): Promise<PeriodListing> {
  const end = periodEnd(period);
  const now = opts.now && opts.now < end ? opts.now : end;
  const part = opts.part ?? 'all';
  let candidates = [...all.values()].filter((c) => part === 'all' || c.featured === (part === 'featured'));
  const categories = byFrequency(candidates.map((c) => c.primaryCategory));
  candidates = await applyFilter(db, candidates, opts.filter);

  const byNewest = candidates.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const inputOf = (c: Candidate) => ({ upvotes: c.upvotes, comments: c.comments, ageHours: ageInHours(c.appearedAt, now) });
  const ordered = await order(db, byNewest, opts.sort ?? 'trending', inputOf, now, opts.personal);
  const page = ordered.slice(opts.offset, opts.offset + opts.limit);
  if (page.length === 0) return { items: [], total: ordered.length, categories };

  const rows = await db.selectFrom('papers').selectAll().where('id', 'in', page.map((c) => c.id)).execute();
  const papers = new Map(rows.map((r) => [r.id, fromRow(r)]));
  const [submitters, extras] = await Promise.all([publicUsers(db, page.flatMap((c) => (c.submittedBy === null ? [] : [c.submittedBy]))), extrasOf(db, [...papers.values()])]);
  return {
    total: ordered.length,
    categories,
    items: page.map((c) => ({
      paper: papers.get(c.id)!,
      upvotes: c.upvotes,
      comments: c.comments,
      appearedAt: c.appearedAt,
      submittedBy: c.submittedBy === null ? null : (submitters.get(c.submittedBy) ?? null),
      score: trendingScore(inputOf(c)),
      pickedBy: c.pickedBy,
      featured: c.featured,
      ...extras.get(c.id)!,
    })),
  };
}

async function order(
  db: Db,
  byNewest: Candidate[],
  sort: PeriodSort,
  inputOf: (c: Candidate) => { upvotes: number; comments: number; ageHours: number },
  now: Date,
  personal: ReadonlyMap<string, number> | undefined,
): Promise<Candidate[]> {
  if (sort === 'publishedAt') return byNewest.sort((a, b) => (b.published ?? b.day).localeCompare(a.published ?? a.day));
  const popularity = await authorPopularity(db);
  const beforeVotes = orderBeforeVotes(
    byNewest,
    (c) => c.id,
    (c) => ({
      hasCode: c.hasCode,
      stars: c.stars,
      authorUpvotes: popularity.isEmpty ? 0 : popularity.upvotesBefore(JSON.parse(c.authors) as string[], c.day),
      // arXiv's announcement type is not stored yet; every paper counts as new.
      announceType: null,
    }),
    personal,
  );
  const trending = rankByTrending(beforeVotes, inputOf);
  if (sort !== 'code') return trending;
  const since = new Date(now.getTime() - TREND_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  const histories = await starHistories(db, trending.flatMap((c) => (c.repo ? [c.repo] : [])), since);
  const rate = (c: Candidate) => {
    const h = c.repo ? histories.get(c.repo) : undefined;
    return h ? starsPerDay({ ...h, now }) : -1;
  };
  // Papers without known stars keep their trending order after those with.
  return trending
    .map((c, index) => ({ c, index, rate: rate(c) }))
    .sort((a, b) => b.rate - a.rate || a.index - b.index)
    .map((x) => x.c);
}

async function readCandidates(db: Db, period: Period, submitter: number | undefined): Promise<Map<string, Candidate>> {
  let base = db
    .selectFrom('papers')
    .leftJoin('paper_stats', 'paper_stats.paper_id', 'papers.id')
    .leftJoin('submissions', 'submissions.paper_id', 'papers.id')
    .leftJoin('featured_picks', 'featured_picks.paper_id', 'papers.id')
    .leftJoin('paper_code', 'paper_code.paper_id', 'papers.id')
    .leftJoin('code_repos', 'code_repos.repo', 'paper_code.repo')
    .select([
      'papers.id',
      'papers.day',
      'papers.published',
      'papers.authors',
      'papers.categories',
      'papers.primary_category',
      'papers.links',
      'paper_stats.upvotes',
      'paper_stats.comments',
      'submissions.submitted_at',
      'submissions.submitted_by',
      'submissions.day as submitted_day',
      'featured_picks.day as picked_day',
      'featured_picks.picked_by',
      'code_repos.stars',
      'paper_code.repo',
    ])
    .where(listed('papers.id'));
  if (submitter !== undefined) base = base.where('submissions.submitted_by', '=', submitter);
  // Index-friendly queries rather than one OR across joined tables.
  const onDays = submitter === undefined ? await base.where('papers.day', '>=', period.start).where('papers.day', '<=', period.end).execute() : [];
  const submitted = await base.where('submissions.day', '>=', period.start).where('submissions.day', '<=', period.end).execute();
  const picked = submitter === undefined ? await base.where('featured_picks.day', '>=', period.start).where('featured_picks.day', '<=', period.end).execute() : [];

  const inPeriod = (day: string | null) => day !== null && day >= period.start && day <= period.end;
  const candidates = new Map<string, Candidate>();
  for (const row of [...onDays, ...submitted, ...picked]) {
    const submittedIn = inPeriod(row.submitted_day);
    const pickedIn = inPeriod(row.picked_day);
    candidates.set(row.id, {
      id: row.id,
      day: row.day,
      published: row.published,
      upvotes: Number(row.upvotes ?? 0),
      comments: Number(row.comments ?? 0),
      appearedAt: submittedIn && row.submitted_at ? row.submitted_at : `${row.day}T00:00:00.000Z`,
      submittedBy: row.submitted_by ?? (pickedIn ? (row.picked_by ?? null) : null),
      pickedBy: row.submitted_by === null && pickedIn && row.picked_by !== null,
      featured: submittedIn || pickedIn,
      authors: row.authors,
      categories: row.categories,
      primaryCategory: row.primary_category,
      // Links are JSON of {kind, url}: a code link is the only thing that writes "code" as a kind.
      hasCode: row.links.includes('"kind":"code"'),
      repo: row.repo ?? null,
      stars: row.stars === null || row.stars === undefined ? null : Number(row.stars),
    });
  }
  return candidates;
}

/** The candidates the filter keeps; the cheap tests first, the words last (they read titles and abstracts). */
async function applyFilter(db: Db, candidates: Candidate[], filter: PeriodFilter | undefined): Promise<Candidate[]> {
  if (!filter) return candidates;
  let kept = candidates;
  if (filter.hasCode) kept = kept.filter((c) => c.hasCode);
  const category = filter.category;
  if (category) {
    const archive = category.includes('.') ? null : `"${category}.`;
    kept = kept.filter((c) => c.categories.includes(`"${category}"`) || (archive !== null && c.categories.includes(archive)));
  }
  const words = (filter.query ?? '').trim() === '' ? [] : fold(filter.query!).split(/\s+/).filter(Boolean);
  if (words.length === 0 || kept.length === 0) return kept;
  const matching = new Set<string>();
  for (const chunk of perStatement(kept.map((c) => c.id))) {
    const rows = await db.selectFrom('papers').select(['id', 'title', 'authors', 'abstract']).where('id', 'in', chunk).execute();
    for (const r of rows) {
      const text = fold(`${r.id} ${r.title} ${r.authors} ${r.abstract}`);
      if (words.every((w) => text.includes(w))) matching.add(r.id);
    }
  }
  return kept.filter((c) => matching.has(c.id));
}

function byFrequency(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

async function publicUsers(db: Db, ids: number[]): Promise<Map<number, PublicUser>> {
  const unique = [...new Set(ids)];
  const out = new Map<number, PublicUser>();
  if (unique.length === 0) return out;
  const users = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('id', 'in', unique).execute();
  for (const u of users) out.set(u.id, { id: u.id, username: u.username, displayName: u.display_name });
  return out;
}

/**
 * Papers found some other way (a search, a category, a collection) with what a listing shows
 * beside them: counters, submitter, extras, and when each appeared on the site (the later of its
 * day page and its submission). Papers a moderator has hidden are left out, as from every list,
 * unless `includeHidden` (one paper asked for by its id, as its page still shows it).
 */
export async function describePapers(db: Db, papers: Paper[], now = new Date(), opts: { includeHidden?: boolean } = {}): Promise<ListedPaper[]> {
  if (papers.length === 0) return [];
  const ids = [...new Set(papers.map((p) => p.id))];
  const [hidden, facts, extras] = await Promise.all([
    opts.includeHidden ? new Set<string>() : hiddenAmong(db, ids),
    db
      .selectFrom('papers')
      .leftJoin('paper_stats', 'paper_stats.paper_id', 'papers.id')
      .leftJoin('submissions', 'submissions.paper_id', 'papers.id')
      .leftJoin('featured_picks', 'featured_picks.paper_id', 'papers.id')
      .select(['papers.id', 'paper_stats.upvotes', 'paper_stats.comments', 'submissions.submitted_at', 'submissions.submitted_by', 'featured_picks.picked_by', 'featured_picks.day as picked_day'])
      .where('papers.id', 'in', ids)
      .execute(),
    extrasOf(db, papers),
  ]);
  const byId = new Map(facts.map((f) => [f.id, f]));
  const users = await publicUsers(db, facts.flatMap((f) => [f.submitted_by, f.picked_by].filter((id): id is number => id !== null)));
  return papers
    .filter((paper) => !hidden.has(paper.id))
    .map((paper) => {
      const f = byId.get(paper.id);
      const dayStart = `${paper.day}T00:00:00.000Z`;
      const appearedAt = f?.submitted_at && f.submitted_at > dayStart ? f.submitted_at : dayStart;
      const input = { upvotes: Number(f?.upvotes ?? 0), comments: Number(f?.comments ?? 0), ageHours: ageInHours(appearedAt, now) };
      const by = f?.submitted_by ?? f?.picked_by ?? null;
      return {
        paper,
        upvotes: input.upvotes,
        comments: input.comments,
        appearedAt,
        submittedBy: by === null ? null : (users.get(by) ?? null),
        pickedBy: f?.submitted_by == null && f?.picked_by != null,
        score: trendingScore(input),
        featured: Boolean(f?.submitted_at ?? f?.picked_day),
        ...extras.get(paper.id)!,
      };
    });
}
