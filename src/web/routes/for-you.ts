import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CommunityError, HTTP_STATUS } from '../../community/errors.js';
import { followAuthor, followedAuthors, unfollowAuthor } from '../../community/follows.js';
import { hiddenPaperIds } from '../../community/moderation.js';
import { authorPath } from '../../papers/urls.js';
import { Recommender } from '../../recommend/for-you.js';
import { fromRow } from '../../store/papers.js';
import type { Db } from '../../store/schema.js';
import { activeModel, searchDb } from '../../store/search-docs.js';
import type { WebDeps } from '../deps.js';
import type { PageCache } from '../page-cache.js';
import { forYouPage, forYouSignInPage } from '../pages/for-you.js';
import { LIMITS } from '../security.js';
import { errorPage, sendHtml, viewerFor } from './catalog.js';

/** The recent papers "For you" picks from: those of the catalog's latest listing days. */
const RECENT_LISTING_DAYS = 30;
/** A bound on the candidates, for a catalog that lists very many papers a day. */
const MAX_CANDIDATES = 10_000;
const SHOWN = 30;
/** Candidates, their vectors and the negative sample are read once and shared by every member for this long. */
const RECOMMENDER_TTL_MS = 5 * 60_000;

/** The "For you" tab and following authors. */
export function registerForYouRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache }): void {
  const { db } = deps;
  const write = { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.write } };

  let shared: { key: string; until: number; since: string | null; recommender: Promise<Recommender> } | null = null;
  const recommender = async (): Promise<{ since: string | null; recommender: Recommender }> => {
    const since = await firstRecentDay(db);
    const model = await activeModel(searchDb(db));
    const recent = await db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).where('day', '>=', since ?? '').executeTakeFirstOrThrow();
    const key = `${since}|${model?.id ?? ''}|${recent.n}`;
    if (!shared || shared.key !== key || shared.until < Date.now()) {
      const opening = recentPaperIds(db, since).then((candidatePaperIds) => Recommender.open(db, { candidatePaperIds }));
      shared = { key, until: Date.now() + RECOMMENDER_TTL_MS, since, recommender: opening };
      // A failed read is not kept: the next request tries again.
      opening.catch(() => {
        if (shared?.recommender === opening) shared = null;
      });
    }
    return { since: shared.since, recommender: await shared.recommender };
  };

  app.get('/for-you', async (request, reply) => {
    const viewer = viewerFor(request, reply);
    if (!viewer?.user) return sendHtml(reply, forYouSignInPage());
    const userId = viewer.user.id;
    const [{ since, recommender: r }, followed, savedSearches, signals] = await Promise.all([
      recommender(),
      followedAuthors(db, userId),
      savedSearchesOf(db, userId),
      hasOwnPapers(db, userId),
    ]);
    const picks = await r.forMember(userId, { limit: SHOWN, savedSearches });
    const ids = picks.map((p) => p.paperId);
    const [rows, hidden] = await Promise.all([
      ids.length === 0 ? Promise.resolve([]) : db.selectFrom('papers').selectAll().where('id', 'in', ids).execute(),
      hiddenPaperIds(db, ids),
    ]);
    const papers = new Map(rows.map((row) => [row.id, fromRow(row)]));
    const items = picks.flatMap((pick) => {
      const paper = papers.get(pick.paperId);
      return paper && !hidden.has(paper.id) ? [{ paper, reason: pick.reason }] : [];
    });
    const hasSignals = signals || followed.length > 0 || savedSearches.length > 0;
    return sendHtml(reply, forYouPage({ items, followed, hasSignals, since }, viewer));
  });

  const followWrite = (action: 'follow' | 'unfollow') => async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const name = request.params.name;
    if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent(authorPath(name.slice(0, 200)))}`, 303);
    try {
      const done = action === 'follow' ? await followAuthor(db, request.user.id, name) : await unfollowAuthor(db, request.user.id, name);
      return reply.redirect(authorPath(done.author), 303);
    } catch (error) {
      if (!(error instanceof CommunityError)) throw error;
      return sendHtml(reply, errorPage(viewerFor(request, reply), 'That did not work', error.message), HTTP_STATUS[error.code]);
    }
  };
  app.post<{ Params: { name: string } }>('/authors/:name/follow', write, followWrite('follow'));
  app.post<{ Params: { name: string } }>('/authors/:name/unfollow', write, followWrite('unfollow'));
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
    .where('id', 'not in', (eb) => eb.selectFrom('hidden_papers').select('paper_id'))
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
