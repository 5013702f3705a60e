import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { claimsOnPaper, membersForAuthor } from '../../community/claims.js';
import { collectionsWithPaper, listCollections } from '../../community/collections.js';
import { listComments } from '../../community/comments.js';
import { isFollowing } from '../../community/follows.js';
import { hiddenAmong } from '../../store/visibility.js';
import { isFeatured } from '../../community/moderation.js';
import { extrasOf, hubLinksOf } from '../../store/enrichment.js';
import { statsOf } from '../../community/paper-stats.js';
import { submissionOf } from '../../community/submissions.js';
import { getUser } from '../../community/users.js';
import { votesOf } from '../../community/votes.js';
import { FIRST_DAY, nextPeriod, outsideCalendar, parsePeriod, periodOf, previousPeriod, type Period, type PeriodKind } from '../../catalog/periods.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { isKnownCategory } from '../../papers/taxonomy.js';
import { featuredAndRest, papersOfPeriod } from '../../ranking/period-papers.js';
import { isFeedOnly } from '../../store/feed-only-papers.js';
import { getPaper, latestDay, neighbouringDays, papersInCategory } from '../../store/papers.js';
import { sendPaperMarkdown } from '../api/markdown.js';
import type { SearchRoutes } from '../search-routes.js';
import type { WebDeps } from '../deps.js';
import type { Viewer } from '../forms.js';
import { html, type Html } from '../../html.js';
import { page } from '../layout.js';
import type { PageCache } from '../page-cache.js';
import { authorPage, categoryPage } from '../pages/lists.js';
import { emptyCatalogPage } from '../pages/empty.js';
import { paperPage } from '../pages/paper.js';
import { periodPage, periodPath, type PeriodFilters } from '../pages/period.js';
import { parseCategory } from '../../search/query.js';
import type { RecentPicks } from '../../recommend/recent-picks.js';
import { trendingAboutPage } from '../pages/about.js';
import { formToken, LIMITS } from '../security.js';
import { exportRequest, sendPaperReferences } from './references.js';

const PAGE_SIZE = 30;
/** Featured papers on a period's first page; a day has far fewer. */
const MAX_FEATURED = 100;
/** "For you" picks asked for, to order a member's unvoted papers. */
const PERSONAL_PICKS = 200;

export function sendHtml(reply: FastifyReply, body: Html, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(body.value);
}

export function errorPage(viewer: Viewer | undefined, title: string, message: string): Html {
  return page({ title, viewer, body: html`<section><h1>${title}</h1><p>${message}</p><p><a href="/">Back to today's papers</a></p></section>` });
}

/** Visitors share cacheable pages (no form tokens); members get theirs rendered with their votes and forms. */
export function viewerFor(request: FastifyRequest, reply: FastifyReply): Viewer | undefined {
  return request.user ? { user: request.user, csrf: formToken(reply) } : undefined;
}

export function registerCatalogRoutes(app: FastifyInstance, deps: WebDeps & { search: SearchRoutes; cache: PageCache; picks: RecentPicks }): void {
  const { db, cache } = deps;

  // arXiv lists nothing at weekends: a day's neighbours are the nearest days with papers. Nothing
  // comes before arXiv's first year.
  const neighbours = async (period: Period) => {
    const days = period.kind === 'day' ? await neighbouringDays(db, period.start) : { previous: null, next: null };
    const previous = days.previous ? periodOf('day', days.previous) : previousPeriod(period);
    return { previous: previous.end < FIRST_DAY ? null : previous, next: days.next ? periodOf('day', days.next) : nextPeriod(period) };
  };

  /** The page for a period outside the calendar, saying why there is none. */
  const outside = (request: FastifyRequest, reply: FastifyReply, period: Period) => {
    const why = outsideCalendar(period, new Date().toISOString().slice(0, 10));
    return why ? sendHtml(reply, errorPage(viewerFor(request, reply), `No papers for ${period.key}`, why), 404) : null;
  };

  const renderPeriod = async (request: FastifyRequest<{ Querystring: PeriodQuery }>, reply: FastifyReply, period: Period, alias?: string) => {
    const viewer = viewerFor(request, reply);
    const pageNumber = pageOf(request.query.page);
    const filters = periodFilters(request.query);
    if (typeof filters === 'string') return sendHtml(reply, errorPage(viewer, 'That filter does not work', filters), 400);
    const cacheKey = viewer ? null : periodPath(period, pageNumber, filters);
    const cached = cacheKey ? await cache.hit(cacheKey) : null;
    if (cached) return reply.type('text/html; charset=utf-8').send(cached);
    const now = new Date();
    const filter = { query: filters.q, category: filters.cat, hasCode: filters.code };
    const personal = viewer?.user ? await personalScores(viewer.user.id) : undefined;
    const featuredMode = deps.config.dayPage === 'featured';
    const listOptions = { filter, sort: filters.sort, ...(personal ? { personal } : {}), limit: PAGE_SIZE, offset: (pageNumber - 1) * PAGE_SIZE, now };
    const { featured, rest: listing } = featuredMode
      ? await featuredAndRest(db, period, pageNumber === 1 ? MAX_FEATURED : 0, listOptions)
      : { featured: { items: [], total: 0, categories: [] }, rest: await papersOfPeriod(db, period, listOptions) };
    const shown = [...featured.items, ...listing.items].map((i) => i.paper.id);
    const voted = viewer?.user ? await votesOf(db, viewer.user.id, shown) : new Set<string>();
    const around = await neighbours(period);
    const body = periodPage(
      {
        period,
        mode: deps.config.dayPage,
        featured: featured.items,
        items: listing.items,
        total: listing.total,
        page: pageNumber,
        pageSize: PAGE_SIZE,
        filters,
        categories: [...new Set([...featured.categories, ...listing.categories])],
        voted,
        latestDay: await latestDay(db),
        ...around,
      },
      viewer,
    ).value;
    if (cacheKey) cache.set(cacheKey, body);
    if (cacheKey && alias) cache.set(alias, body);
    return reply.type('text/html; charset=utf-8').send(body);
  };

  /** A member's "for you" picks among the recent papers, as scores that order the papers nobody has voted on (best first). */
  const personalScores = async (userId: number): Promise<Map<string, number>> => {
    const view = await deps.picks.forMember(userId, PERSONAL_PICKS);
    return new Map(view.items.map((item, i) => [item.paper.id, view.items.length - i]));
  };

  app.get<{ Querystring: PeriodQuery }>('/', async (request, reply) => {
    // The front page is what most visitors ask for: serve it from the cache before any query.
    const plain = Object.keys(request.query).every((k) => k === 'page');
    const homeKey = plain ? `home/${pageOf(request.query.page)}` : undefined;
    const cached = request.user || !homeKey ? null : await cache.hit(homeKey);
    if (cached) return reply.type('text/html; charset=utf-8').send(cached);
    const day = await latestDay(db);
    if (!day) return sendHtml(reply, emptyCatalogPage());
    return renderPeriod(request, reply, periodOf('day', day), homeKey);
  });

  for (const kind of ['day', 'week', 'month'] as const) {
    app.get<{ Params: { key: string }; Querystring: PeriodQuery }>(`/${kind}/:key`, async (request, reply) => {
      const period = parsePeriod(kind, request.params.key);
      if (!period) return sendHtml(reply, errorPage(viewerFor(request, reply), `No such ${kind}`, `"${request.params.key}" is not a ${kind} (${EXAMPLES[kind]}).`), 404);
      return outside(request, reply, period) ?? renderPeriod(request, reply, period);
    });
  }

  // The date picker submits ?period=week&date=YYYY-MM-DD; each period has one linkable URL.
  app.get<{ Querystring: { period?: string; date?: string } }>('/go', async (request, reply) => {
    const kind: PeriodKind = request.query.period === 'week' || request.query.period === 'month' ? request.query.period : 'day';
    const day = parsePeriod('day', request.query.date ?? '');
    if (!day) return sendHtml(reply, errorPage(viewerFor(request, reply), 'That is not a date', `Expected a date such as 2026-07-01, got "${request.query.date ?? ''}".`), 400);
    return outside(request, reply, day) ?? reply.redirect(periodPath(periodOf(kind, day.start)), 303);
  });

  // Old-style ids contain a slash (hep-th/9901001), so the id is the rest of the path.
  app.get<{ Params: { '*': string } }>('/papers/*', async (request, reply) => {
    const raw = request.params['*'];
    if (raw.endsWith('.md')) return sendPaperMarkdown(db, deps.config.baseUrl, raw.slice(0, -3), reply);
    if (exportRequest(raw)) return sendPaperReferences(deps, raw, reply);
    const viewer = viewerFor(request, reply);
    const parsed = parseArxivId(raw);
    if (!parsed) return sendHtml(reply, errorPage(viewer, 'Not an arXiv id', `"${raw}" is not an arXiv id.`), 404);
    if (parsed.version !== null || parsed.id !== raw) return reply.redirect(`/papers/${parsed.id}`, 301);
    const cacheKey = viewer ? null : `paper/${parsed.id}`;
    const cached = cacheKey ? await cache.hit(cacheKey) : null;
    if (cached) return reply.type('text/html; charset=utf-8').send(cached);
    const paper = await getPaper(db, parsed.id);
    if (!paper) return sendHtml(reply, errorPage(viewer, 'Paper not in the catalog', `arXiv:${parsed.id} is not in this catalog yet. Members can submit it.`), 404);
    const userId = viewer?.user?.id ?? null;
    const [stats, comments, similar, submission, hidden, voted, claims, extras, hub, featured, feedOnly] = await Promise.all([
      statsOf(db, [paper.id]),
      listComments(db, paper.id, userId),
      deps.search.similar(paper.id),
      submissionOf(db, paper.id),
      hiddenAmong(db, [paper.id]),
      userId === null ? Promise.resolve(new Set<string>()) : votesOf(db, userId, [paper.id]),
      claimsOnPaper(db, paper.id, userId),
      extrasOf(db, [paper]),
      hubLinksOf(db, paper.id),
      isFeatured(db, paper.id),
      isFeedOnly(db, paper.id),
    ]);
    const submitter = submission ? await getUser(db, submission.submittedBy) : null;
    const mine = userId === null ? [] : await listCollections(db, userId, userId);
    const holding = userId === null ? new Set<number>() : await collectionsWithPaper(db, userId, paper.id);
    const publicCollections = await db
      .selectFrom('collection_papers')
      .innerJoin('collections', 'collections.id', 'collection_papers.collection_id')
      .innerJoin('users', 'users.id', 'collections.owner_id')
      .select(['collections.id', 'collections.name', 'collections.slug', 'users.username', 'users.display_name', 'users.id as owner_id'])
      .where('collection_papers.paper_id', '=', paper.id)
      .where('collections.is_public', '=', 1)
      .limit(20)
      .execute();
    const rendered = paperPage(
        {
          paper,
          upvotes: stats.get(paper.id)?.upvotes ?? 0,
          voted: voted.has(paper.id),
          comments,
          similar,
          submission: submission && submitter ? { by: { id: submitter.id, username: submitter.username, displayName: submitter.displayName }, at: submission.submittedAt } : null,
          inCollections: publicCollections.map((c) => ({
            id: c.id,
            name: c.name,
            slug: c.slug,
            owner: { id: c.owner_id, username: c.username, displayName: c.display_name },
            description: '',
            isPublic: true,
            createdAt: '',
            paperCount: 0,
          })),
          myCollections: mine.map((collection) => ({ collection, has: holding.has(collection.id) })),
          hidden: hidden.has(paper.id),
          feedOnly,
          claims,
          featured,
          ...extras.get(paper.id)!,
          hub,
        },
        viewer,
      );
    if (cacheKey) cache.set(cacheKey, rendered.value);
    return sendHtml(reply, rendered);
  });

  app.get<{ Params: { name: string } }>('/authors/:name', { config: { rateLimit: LIMITS.search } }, async (request, reply) => {
    const name = request.params.name.slice(0, 200);
    const viewer = viewerFor(request, reply);
    const cacheKey = viewer ? null : `author/${name}`;
    const cached = cacheKey ? await cache.hit(cacheKey) : null;
    if (cached) return reply.type('text/html; charset=utf-8').send(cached);
    const { hits, notes } = await (await deps.search.service).search({ query: '', filters: { authors: [name] }, limit: 100 });
    const following = request.user ? await isFollowing(db, request.user.id, name) : undefined;
    const members = await membersForAuthor(db, name);
    const rendered = authorPage(name, hits.map((h) => h.paper), viewer, notes, following, members);
    if (cacheKey && notes.length === 0) cache.set(cacheKey, rendered.value);
    return sendHtml(reply, rendered);
  });

  app.get<{ Params: { category: string }; Querystring: { page?: string } }>('/categories/:category', async (request, reply) => {
    const { category } = request.params;
    if (!isKnownCategory(category)) return sendHtml(reply, errorPage(viewerFor(request, reply), 'No such category', `"${category}" is not an arXiv category.`), 404);
    const pageNumber = pageOf(request.query.page);
    const { papers, total } = await papersInCategory(db, category, PAGE_SIZE, (pageNumber - 1) * PAGE_SIZE);
    return sendHtml(reply, categoryPage(category, papers, total, viewerFor(request, reply)));
  });

  app.get('/about/trending', async (request, reply) => sendHtml(reply, trendingAboutPage(viewerFor(request, reply))));
}

interface PeriodQuery {
  page?: string;
  q?: string;
  cat?: string;
  code?: string;
  sort?: string;
}

/** The filter of a period page from its query, or what is wrong with it. */
function periodFilters(query: PeriodQuery): PeriodFilters | string {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const q = text(query.q).slice(0, 200);
  const rawCat = text(query.cat);
  const parsed = rawCat === '' ? '' : parseCategory(rawCat);
  if (parsed === null) return `cat: "${rawCat.slice(0, 40)}" is not an arXiv category (such as cs.CL) or archive (such as cs).`;
  const rawSort = text(query.sort) || 'trending';
  if (rawSort !== 'trending' && rawSort !== 'code' && rawSort !== 'publishedAt') return `sort: "${rawSort.slice(0, 40)}" is not one of trending, code and publishedAt.`;
  return { q, cat: parsed.replace(/\.\*$/, ''), code: text(query.code) === '1', sort: rawSort };
}

const EXAMPLES: Record<PeriodKind, string> = { day: 'such as 2026-07-01', week: 'an ISO week such as 2026-W27', month: 'such as 2026-07' };

function pageOf(raw: string | undefined): number {
  const n = Number.parseInt(raw ?? '1', 10);
  return Number.isFinite(n) && n > 0 && n < 10_000 ? n : 1;
}
