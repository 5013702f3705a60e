/**
 * The search page, `GET /api/papers/search` (shaped like the public daily-papers API's search),
 * and the search service behind them (kept current by the process that runs it: cli/instance.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SearchSettings } from '../config.js';
import { votesOf } from '../community/votes.js';
import type { Logger } from '../log.js';
import type { Paper } from '../papers/paper.js';
import { describePapers } from '../ranking/period-papers.js';
import { openSearch } from '../search/open.js';
import { parseCategory, parseDay, type Filters } from '../search/query.js';
import { SEARCH_MODES, type SearchMode, type SearchService } from '../search/service.js';
import type { Db } from '../store/schema.js';
import { parseQuery, sendJsonCached } from './api/http.js';
import { integerParam, searchText } from './api/params.js';
import { presentDailyPaper } from './api/present.js';
import type { PageCache } from './page-cache.js';
import { searchPage } from './pages/search.js';
import { REFERENCE_FORMATS, type ReferenceFormat } from '../references/export.js';
import { sendReferences } from './routes/references.js';
import { viewerFor } from './routes/catalog.js';
import { LIMITS } from './security.js';

export interface SearchRouteDeps {
  db: Db;
  log: Logger;
  /** The configured embedder, for the service opened here. */
  settings: SearchSettings;
  /** A ready service (paperboy serve, tests); by default one is opened with the configured embedder. */
  search?: SearchService;
  /** Visitors' search pages are kept here, as the period pages are. */
  cache: PageCache;
}

export interface SearchRoutes {
  /** The service itself, once it is open (author pages list papers through its filters). */
  service: Promise<SearchService>;
  /** Papers like the given one, for its page; empty while search is not ready. */
  similar(paperId: string, limit?: number): Promise<Paper[]>;
}

const PAGE_RESULTS = 30;
/** Longer queries are rare, and would only crowd the cache's shared entries. */
const CACHED_QUERY_MAX = 200;

/** A day (or a month, or a year, as in the search box); which end of a month or year is the route's business. */
const day = (description: string) =>
  z
    .string()
    .optional()
    .refine((v) => v === undefined || parseDay(v, 'start') !== null, 'must be a date such as 2025-01-01')
    .meta({ description, format: 'date' });

/** `GET /api/papers/search`; the OpenAPI description is made from this (openapi.ts). */
export const searchApiParameters = z.object({
  q: searchText.meta({ description: 'What to look for.' }),
  limit: integerParam(1, 120, 20).meta({ description: 'How many results.' }),
  mode: z
    .enum(SEARCH_MODES as [SearchMode, ...SearchMode[]], { error: `must be one of ${SEARCH_MODES.join(', ')}` })
    .default('hybrid')
    .meta({ description: 'How to match.' }),
  cat: z
    .string()
    .optional()
    .refine((v) => v === undefined || parseCategory(v) !== null, 'must be an arXiv category such as cs.CL, or an archive such as cs')
    .meta({ description: 'Only this arXiv category (`cs.CL`) or archive (`cs`).' }),
  author: z.string().max(200, 'must be at most 200 characters').optional().meta({ description: 'Only papers by this author.' }),
  after: day('Only papers of this day or later.'),
  before: day('Only papers of this day or earlier.'),
});

export function registerSearchRoutes(app: FastifyInstance, deps: SearchRouteDeps): SearchRoutes {
  const ready: Promise<SearchService> = deps.search ? Promise.resolve(deps.search) : openSearch(deps.db, deps.log, deps.settings);
  // Vectors load in the background: until then hybrid search answers with keywords alone.
  void ready.then((service) => service.load()).catch((err: unknown) => deps.log.error({ err }, 'loading the vector index failed'));

  app.get<{ Querystring: Record<string, unknown> }>('/search', { config: { rateLimit: LIMITS.search } }, async (request, reply) => {
    const { query, mode } = searchRequest(request.query);
    const viewer = viewerFor(request, reply);
    const none = { query, mode, items: [], voted: new Set<string>() };
    if (query.trim() === '') return sendPage(reply, searchPage({ ...none, notes: [] }, viewer));
    // Visitors asking the same thing share one page until the next write, as with the period pages.
    const cacheKey = viewer || query.length > CACHED_QUERY_MAX ? null : `search/${mode}/${query}`;
    const cached = cacheKey ? await deps.cache.hit(cacheKey) : null;
    if (cached) return reply.type('text/html; charset=utf-8').send(cached);
    try {
      const { hits, notes } = await (await ready).search({ query, mode, limit: PAGE_RESULTS });
      const items = await describePapers(deps.db, hits.map((h) => h.paper));
      const voted = viewer?.user ? await votesOf(deps.db, viewer.user.id, items.map((i) => i.paper.id)) : new Set<string>();
      const body = searchPage({ query, mode, items, voted, notes }, viewer);
      // Until the vectors are loaded, hybrid answers with keywords alone (and says so): not worth keeping.
      if (cacheKey && notes.length === 0) deps.cache.set(cacheKey, body.value);
      return sendPage(reply, body);
    } catch (err) {
      request.log.error({ err, query }, 'search failed');
      return sendPage(reply.code(500), searchPage({ ...none, notes: ['The search could not be run; please try again.'] }, viewer));
    }
  });

  // The results of a search page as a file for a reference manager: the same query, mode and papers.
  for (const format of Object.keys(REFERENCE_FORMATS) as ReferenceFormat[]) {
    app.get<{ Querystring: Record<string, unknown> }>(`/search.${REFERENCE_FORMATS[format].extension}`, async (request, reply) => {
      const { query, mode } = searchRequest(request.query);
      const hits = query.trim() === '' ? [] : (await (await ready).search({ query, mode, limit: PAGE_RESULTS })).hits;
      return sendReferences(reply, hits.map((h) => h.paper), format, 'search');
    });
  }

  app.get<{ Querystring: Record<string, unknown> }>('/api/papers/search', { config: { rateLimit: LIMITS.api } }, async (request, reply) => {
    const p = parseQuery(searchApiParameters, request.query, reply);
    if (!p) return reply;
    const { hits } = await (await ready).search({
      query: p.q,
      mode: p.mode,
      limit: p.limit,
      filters: searchFilters(p),
    });
    const items = await describePapers(deps.db, hits.map((h) => h.paper));
    return sendJsonCached(request, reply, items.map(presentDailyPaper));
  });

  return {
    service: ready,
    async similar(paperId, limit = 8) {
      try {
        return (await (await ready).similar(paperId, limit)).map((h) => h.paper);
      } catch (err) {
        deps.log.error({ err, paperId }, 'similar papers failed');
        return [];
      }
    },
  };
}

/** The filters given as parameters (already checked by the schema), as the search service takes them. */
export function searchFilters(p: { cat?: string | undefined; author?: string | undefined; after?: string | undefined; before?: string | undefined }): Filters {
  return {
    categories: p.cat ? [parseCategory(p.cat)!] : [],
    authors: p.author ? [p.author] : [],
    after: p.after === undefined ? null : parseDay(p.after, 'start'),
    before: p.before === undefined ? null : parseDay(p.before, 'end'),
  };
}

function sendPage(reply: FastifyReply, body: { value: string }) {
  return reply.type('text/html; charset=utf-8').send(body.value);
}

/** The search page's query and mode, as its form sends them. */
function searchRequest(params: Record<string, unknown>): { query: string; mode: SearchMode } {
  const query = firstString(params.q)?.slice(0, 5000) ?? '';
  const modeText = firstString(params.mode);
  return { query, mode: SEARCH_MODES.includes(modeText as SearchMode) ? (modeText as SearchMode) : 'hybrid' };
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
