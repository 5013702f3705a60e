/**
 * The "For you" tab: each member's picks among the recent papers (those of the catalog's latest
 * listing days), with what the page says around them. The candidates, their vectors and the
 * negative sample (`Recommender.open`) are read once and shared by every member for a few
 * minutes, and again at once when the recent papers or the search model change. What followed
 * members and groups did in the last two weeks is read for each member (followed-activity.ts).
 */
import { followedAuthors } from '../community/follows.js';
import { hiddenAmong, listed } from '../store/visibility.js';
import type { Paper } from '../papers/paper.js';
import { fromRow } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import { activeModel, searchDb } from '../store/search-docs.js';
import { ACTIVITY_DAYS, followedActivity, withActivity } from './followed-activity.js';
import { Recommender, type Reason } from './for-you.js';

/** The recent papers "For you" picks from: those of the catalog's latest listing days. */
const RECENT_LISTING_DAYS = 30;
/** A bound on the candidates, for a catalog that lists very many papers a day. */
const MAX_CANDIDATES = 10_000;
/** Candidates, their vectors and the negative sample are read once and shared by every member for this long. */
const RECOMMENDER_TTL_MS = 5 * 60_000;

export interface ForYouView {
  items: Array<{ paper: Paper; reason: Reason }>;
  /** Authors the member follows, by name. */
  followed: string[];
  /** Whether the member has upvoted, collected, followed (authors, members, groups) or saved a search: without any, there is nothing to learn from. */
  hasSignals: boolean;
  /** The first listing day of the recent papers looked at, or null for an empty catalog. */
  since: string | null;
}

export class RecentPicks {
  private shared: { key: string; until: number; since: string | null; recommender: Promise<Recommender> } | null = null;

  constructor(private readonly db: Db) {}

  /** The member's picks among the recent papers, best first, without hidden papers. */
  async forMember(userId: number, limit: number): Promise<ForYouView> {
    const db = this.db;
    const activitySince = new Date(Date.now() - ACTIVITY_DAYS * 24 * 3600_000).toISOString();
    const [{ since, recommender }, followed, savedSearches, signals, activity] = await Promise.all([
      this.recommender(),
      followedAuthors(db, userId),
      savedSearchesOf(db, userId),
      hasOwnPapers(db, userId),
      followedActivity(db, [userId], activitySince),
    ]);
    const picks = withActivity(await recommender.forMember(userId, { limit, savedSearches }), activity.get(userId) ?? [], limit);
    const ids = picks.map((p) => p.paperId);
    const [rows, hidden] = await Promise.all([
      ids.length === 0 ? Promise.resolve([]) : db.selectFrom('papers').selectAll().where('id', 'in', ids).execute(),
      hiddenAmong(db, ids),
    ]);
    const papers = new Map(rows.map((row) => [row.id, fromRow(row)]));
    const items = picks.flatMap((pick) => {
      const paper = papers.get(pick.paperId);
      return paper && !hidden.has(paper.id) ? [{ paper, reason: pick.reason }] : [];
    });
    const hasSignals = signals || followed.length > 0 || savedSearches.length > 0 || (await followsAnyone(db, userId));
    return { items, followed, hasSignals, since };
  }

  /** The shared recommender, opened again when it is older than the TTL or the recent papers or the model changed. */
  private async recommender(): Promise<{ since: string | null; recommender: Recommender }> {
    const db = this.db;
    const since = await firstRecentDay(db);
    const model = await activeModel(searchDb(db));
    const recent = await db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).where('day', '>=', since ?? '').executeTakeFirstOrThrow();
    const key = `${since}|${model?.id ?? ''}|${recent.n}`;
    if (!this.shared || this.shared.key !== key || this.shared.until < Date.now()) {
      const opening = recentPaperIds(db, since).then((candidatePaperIds) => Recommender.open(db, { candidatePaperIds }));
      this.shared = { key, until: Date.now() + RECOMMENDER_TTL_MS, since, recommender: opening };
      // A failed read is not kept: the next request tries again.
      opening.catch(() => {
        if (this.shared?.recommender === opening) this.shared = null;
      });
    }
    return { since: this.shared.since, recommender: await this.shared.recommender };
  }
}

/** The first of the catalog's latest listing days, or null when it has no papers. */
async function firstRecentDay(db: Db): Promise<string | null> {
  const days = await db.selectFrom('papers').select('day').distinct().orderBy('day', 'desc').limit(RECENT_LISTING_DAYS).execute();
  return days.length === 0 ? null : days[days.length - 1]!.day;
}

/** Papers of the recent listing days, newest first, without hidden ones. */
async function recentPaperIds(db: Db, since: string | null): Promise<string[]> {
  if (since === null) return [];
  const rows = await db
    .selectFrom('papers')
    .select('id')
    .where('day', '>=', since)
    .where(listed('papers.id'))
    .orderBy('day', 'desc')
    .orderBy('id', 'desc')
    .limit(MAX_CANDIDATES)
    .execute();
  return rows.map((r) => r.id);
}

/** The saved searches of the member's email subscription(s). */
async function savedSearchesOf(db: Db, userId: number): Promise<string[]> {
  const rows = await db.selectFrom('subscriptions').select('searches').where('user_id', '=', userId).execute();
  const out = new Set<string>();
  for (const row of rows) {
    try {
      const list: unknown = JSON.parse(row.searches);
      if (Array.isArray(list)) for (const q of list) if (typeof q === 'string' && q.trim() !== '') out.add(q);
    } catch {
      // A damaged list is no saved search.
    }
  }
  return [...out];
}

async function followsAnyone(db: Db, userId: number): Promise<boolean> {
  const [member, group] = await Promise.all([
    db.selectFrom('member_follows').select('followed_id').where('follower_id', '=', userId).limit(1).executeTakeFirst(),
    db.selectFrom('group_follows').select('group_id').where('user_id', '=', userId).limit(1).executeTakeFirst(),
  ]);
  return member !== undefined || group !== undefined;
}

async function hasOwnPapers(db: Db, userId: number): Promise<boolean> {
  const vote = await db.selectFrom('votes').select('paper_id').where('user_id', '=', userId).limit(1).executeTakeFirst();
  if (vote) return true;
  const collected = await db
    .selectFrom('collection_papers as cp')
    .innerJoin('collections as c', 'c.id', 'cp.collection_id')
    .select('cp.paper_id')
    .where('c.owner_id', '=', userId)
    .limit(1)
    .executeTakeFirst();
  return collected !== undefined;
}
