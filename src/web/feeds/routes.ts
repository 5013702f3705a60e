/**
 * RSS 2.0 and Atom feeds for every list on the site: the daily page, trending, each category,
 * each author, any search, and each public collection. `/feeds/<list>.rss` or `.atom`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getCollectionBySlug } from '../../community/collections.js';
import { dayPeriod, periodEnd } from '../../catalog/periods.js';
import { shiftDay } from '../../papers/dates.js';
import { categoryName, isKnownCategory } from '../../papers/taxonomy.js';
import { describePapers, papersOfPeriod, type ListedPaper } from '../../ranking/period-papers.js';
import { trendingPapers } from '../../ranking/trending-papers.js';
import { extrasOf } from '../../store/enrichment.js';
import type { SearchService } from '../../search/service.js';
import { latestDay, papersInCategory } from '../../store/papers.js';
import { parseQuery, sendCached, sendError } from '../api/http.js';
import { searchText } from '../api/params.js';
import type { WebDeps } from '../deps.js';
import { LIMITS } from '../security.js';
import { feedPaths } from './links.js';
import { FEED_ITEMS, FEED_TYPES, writeFeed, type FeedEntry, type FeedFormat, type FeedMeta } from './write.js';

/** A search feed follows the newest papers: those of this many days before the catalog's latest day. */
export const SEARCH_FEED_DAYS = 30;

/** `/feeds/search.rss?q=…`; the OpenAPI description is made from this (openapi.ts). */
export const feedSearchParameters = z.object({
  q: searchText.meta({ description: 'A search, in the syntax of the search page.' }),
});

export function registerFeedRoutes(app: FastifyInstance, deps: WebDeps & { search: Promise<SearchService> }): void {
  const { db } = deps;
  const read = { config: { rateLimit: LIMITS.api } };

  // Each item carries its one-line summary, read for the whole feed at once.
  const send = async (request: FastifyRequest, reply: FastifyReply, format: FeedFormat, meta: FeedMeta, entries: FeedEntry[]) => {
    const extras = await extrasOf(db, entries.map((e) => e.paper));
    const summarized = entries.map((e) => ({ ...e, summary: extras.get(e.paper.id)?.summary }));
    return sendCached(request, reply, writeFeed(meta, summarized, format, deps.config.baseUrl), FEED_TYPES[format]);
  };
  const listed = (items: ListedPaper[]): FeedEntry[] => items.map((i) => ({ paper: i.paper, date: i.appearedAt }));

  app.get<{ Params: { file: string }; Querystring: Record<string, unknown> }>('/feeds/:file', read, async (request, reply) => {
    const file = splitFile(request.params.file);
    if (!file) return notFound(reply);
    const { name, format } = file;

    if (name === 'daily') {
      const latest = await latestDay(db);
      const listing = latest ? await papersOfPeriod(db, dayPeriod(latest)!, { sort: 'trending', limit: FEED_ITEMS, offset: 0, now: new Date() }) : { items: [] };
      return send(request, reply, format, { title: 'Daily papers', description: "The latest day's papers, ranked by trending.", pagePath: '/', feedPath: feedPaths.daily }, listed(listing.items));
    }

    if (name === 'trending') {
      let items = await trendingPapers(db, { limit: FEED_ITEMS });
      // A catalog that is not harvested daily (the demo) has nothing in the last week: rank as of its latest day.
      const latest = items.length === 0 ? await latestDay(db) : null;
      if (latest) items = await trendingPapers(db, { limit: FEED_ITEMS, now: periodEnd(dayPeriod(latest)!) });
      const entries = items.map((i) => ({ paper: i.paper, date: i.appearedAt }));
      return send(request, reply, format, { title: 'Trending', description: 'Papers of the last week, ranked by votes and age.', pagePath: '/about/trending', feedPath: feedPaths.trending }, entries);
    }

    if (name === 'search') {
      const p = parseQuery(feedSearchParameters, request.query, reply);
      if (!p) return reply;
      const latest = await latestDay(db);
      const { hits } = latest
        ? await (await deps.search).search({ query: p.q, mode: 'keyword', limit: FEED_ITEMS, filters: { after: shiftDay(latest, -SEARCH_FEED_DAYS) } })
        : { hits: [] };
      const items = (await describePapers(db, hits.map((h) => h.paper))).sort((a, b) => b.appearedAt.localeCompare(a.appearedAt) || (a.paper.id < b.paper.id ? 1 : -1));
      const query = new URLSearchParams({ q: p.q }).toString();
      return send(
        request,
        reply,
        format,
        { title: `Search: ${p.q}`, description: `Papers of the last ${SEARCH_FEED_DAYS} days matching “${p.q}”.`, pagePath: `/search?${query}`, feedPath: feedPaths.search, query },
        listed(items),
      );
    }
    return notFound(reply);
  });

  app.get<{ Params: { file: string } }>('/feeds/categories/:file', read, async (request, reply) => {
    const file = splitFile(request.params.file);
    if (!file || !isKnownCategory(file.name)) return sendError(reply, 404, `"${request.params.file.slice(0, 80)}" is not the feed of an arXiv category, such as cs.CL.rss.`);
    const category = file.name;
    const { papers } = await papersInCategory(db, category, FEED_ITEMS, 0);
    const meta = { title: `${category}: ${categoryName(category) ?? category}`, description: `The newest papers in ${category}.`, pagePath: `/categories/${category}`, feedPath: feedPaths.category(category) };
    return send(request, reply, file.format, meta, listed(await describePapers(db, papers)));
  });

  app.get<{ Params: { file: string } }>('/feeds/authors/:file', read, async (request, reply) => {
    const file = splitFile(request.params.file);
    if (!file || file.name.trim() === '' || file.name.length > 200) return notFound(reply);
    const { hits } = await (await deps.search).search({ query: '', filters: { authors: [file.name] }, limit: FEED_ITEMS });
    const meta = { title: file.name, description: `Papers by ${file.name}.`, pagePath: `/authors/${encodeURIComponent(file.name)}`, feedPath: feedPaths.author(file.name) };
    return send(request, reply, file.format, meta, listed(await describePapers(db, hits.map((h) => h.paper))));
  });

  app.get<{ Params: { username: string; file: string } }>('/feeds/collections/:username/:file', read, async (request, reply) => {
    const file = splitFile(request.params.file);
    if (!file) return notFound(reply);
    // As a visitor sees it: a private collection is not found, and hidden papers are left out.
    const { collection, items } = await getCollectionBySlug(db, null, request.params.username, file.name);
    const meta = {
      title: `${collection.name}, a collection by ${collection.owner.displayName}`,
      description: collection.description || `Papers ${collection.owner.displayName} collected.`,
      pagePath: `/u/${collection.owner.username}/c/${collection.slug}`,
      feedPath: feedPaths.collection(collection.owner.username, collection.slug),
    };
    return send(request, reply, file.format, meta, items.slice(0, FEED_ITEMS).map((i) => ({ paper: i.paper, date: i.addedAt })));
  });
}

/** `cs.CL.rss` → cs.CL as RSS; anything without `.rss` or `.atom` at its end is not a feed. */
function splitFile(file: string): { name: string; format: FeedFormat } | null {
  const match = /^(.+)\.(rss|atom)$/s.exec(file);
  return match ? { name: match[1]!, format: match[2] as FeedFormat } : null;
}

function notFound(reply: FastifyReply) {
  return sendError(reply, 404, 'There is no feed at this address. Feeds end in .rss or .atom; see /api for the list.');
}
