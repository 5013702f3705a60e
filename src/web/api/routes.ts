/**
 * The JSON API, with the routes, parameters and field names of the public daily-papers API, so a
 * script written for that API works here by changing the base URL. Each route's parameters are
 * checked by the zod schema beside it; papers go out through present.ts. See docs/api.md.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { userByUsername } from '../../community/users.js';
import { dayPeriod, MONTH_KEY, monthPeriod, WEEK_KEY, weekPeriod, type Period } from '../../catalog/periods.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { describePapers, papersOfPeriod } from '../../ranking/period-papers.js';
import { hubLinksOf } from '../../store/enrichment.js';
import { getPaper, latestDay } from '../../store/papers.js';
import type { Db } from '../../store/schema.js';
import type { WebDeps } from '../deps.js';
import type { BackgroundWork } from '../background-work.js';
import type { PageCache } from '../page-cache.js';
import { LIMITS } from '../security.js';
import { submitWithin } from '../submit.js';
import { tokenUser } from './auth.js';
import { badParameter, parseQuery, sendError, sendJsonCached } from './http.js';
import { integerParam, textParam } from './params.js';
import { presentDailyPaper, presentPaperDetail } from './present.js';

export const DAILY_PAPERS_MAX_LIMIT = 100;
export const DAILY_PAPERS_DEFAULT_LIMIT = 50;

/** A day, an ISO week or a month: the periods of `/api/daily_papers` (and of the MCP tool that lists them). */
export const periodParameters = {
  date: z
    .string()
    .optional()
    .refine((v) => v === undefined || dayPeriod(v) !== null, 'must be a date such as 2025-01-31')
    .meta({ description: 'A day, `YYYY-MM-DD`.', format: 'date', example: '2025-01-31' }),
  week: z
    .string()
    .optional()
    .refine((v) => v === undefined || weekPeriod(v) !== null, 'must be an ISO week such as 2025-W05 (weeks 01 to 52, or 53 in a year that has one)')
    .meta({ description: 'An ISO 8601 week, `YYYY-Www`: Monday to Sunday, in the year of its Thursday.', pattern: WEEK_KEY.source, example: '2025-W05' }),
  month: z
    .string()
    .optional()
    .refine((v) => v === undefined || monthPeriod(v) !== null, 'must be a month such as 2025-01')
    .meta({ description: 'A month, `YYYY-MM`.', pattern: MONTH_KEY.source, example: '2025-01' }),
};

/** At most one of date, week and month; the second one given is named. */
export function onePeriod(v: { date?: string | undefined; week?: string | undefined; month?: string | undefined }, ctx: z.RefinementCtx): void {
  const given = (['date', 'week', 'month'] as const).filter((k) => v[k] !== undefined);
  if (given.length > 1) ctx.addIssue({ code: 'custom', path: [given[1]!], message: `give only one of date, week and month (${given[0]} is given too)` });
}

/** The parameters of each route; the OpenAPI description is made from them (openapi.ts). */
export const dailyPapersParameters = z
  .object({
    ...periodParameters,
    submitter: textParam(100).meta({ description: 'Only papers this member submitted (their handle, as in `/u/<handle>`).' }),
    list: z
      .enum(['featured', 'all'], { error: 'must be featured or all' })
      .default('featured')
      .meta({ description: '`featured`: the papers members submitted or moderators picked for the period, as the public API lists; `all`: every paper of the period, the featured ones and those arXiv listed.' }),
    sort: z
      .enum(['publishedAt', 'trending', 'code'], { error: 'must be publishedAt, trending or code' })
      .default('publishedAt')
      .meta({ description: '`publishedAt` (newest first), `trending` (votes and age, as on the site; papers nobody voted on by code, stars and their authors\' earlier papers) or `code` (stars the code gained per day).' }),
    p: integerParam(0, 100_000, 0).meta({ description: 'Page number, from 0.' }),
    limit: integerParam(1, DAILY_PAPERS_MAX_LIMIT, DAILY_PAPERS_DEFAULT_LIMIT).meta({ description: 'Papers per page.' }),
  })
  .superRefine(onePeriod);

/** A paper named by its arXiv id or abs link. */
export const arxivIdText = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required: an arXiv id such as 2401.12345' : 'must be a string, such as "2401.12345"') })
  .max(300, 'must be at most 300 characters')
  .refine((v) => parseArxivId(v) !== null, 'must be an arXiv id or link, such as 2401.12345, hep-th/9901001 or https://arxiv.org/abs/2401.12345')
  .meta({ description: 'An arXiv id or abs link: `2401.12345`, `arXiv:2401.12345v2`, `https://arxiv.org/abs/2401.12345`.' });

export const indexBody = z.object({ arxivId: arxivIdText }, { error: 'must be a JSON object such as {"arxivId": "2401.12345"}' });

/** A submitter's papers of all time, when no date, week or month narrows them. */
const ALL_TIME: Period = { kind: 'day', key: 'all', start: '0000-01-01', end: '9999-12-30' };


export function registerApiRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache; background: BackgroundWork }): void {
  const { db } = deps;
  const read = { config: { rateLimit: LIMITS.api } };

  app.get<{ Querystring: Record<string, unknown> }>('/api/daily_papers', read, async (request, reply) => {
    const p = parseQuery(dailyPapersParameters, request.query, reply);
    if (!p) return reply;
    let submitter: number | undefined;
    if (p.submitter !== undefined) {
      const user = await userByUsername(db, p.submitter);
      // Nobody by that name has submitted anything: an empty list, as for any other filter.
      if (!user) return sendJsonCached(request, reply.header('X-Total-Count', '0'), []);
      submitter = user.id;
    }
    const period = submitter !== undefined && !p.date && !p.week && !p.month ? ALL_TIME : await periodAsked(db, p);
    if (!period) return sendJsonCached(request, reply.header('X-Total-Count', '0'), []);
    const listing = await papersOfPeriod(db, period, { sort: p.sort, part: p.list === 'featured' ? 'featured' : 'all', limit: p.limit, offset: p.p * p.limit, submitter, now: new Date() });
    reply.header('X-Total-Count', String(listing.total));
    return sendJsonCached(request, reply, listing.items.map(presentDailyPaper));
  });

  // Old-style ids contain a slash (hep-th/9901001), so the id is the rest of the path.
  // `/api/papers/search` is a route of its own (search-routes.ts) and wins over this one.
  app.get<{ Params: { '*': string } }>('/api/papers/*', read, async (request, reply) => {
    const raw = request.params['*'];
    if (raw === 'index') return sendError(reply.header('Allow', 'POST'), 405, 'Submit papers with POST /api/papers/index.');
    const parsed = parseArxivId(raw);
    if (!parsed) return badParameter(reply, 'id', `"${raw.slice(0, 80)}" is not an arXiv id such as 2401.12345 or hep-th/9901001`);
    const paper = await getPaper(db, parsed.id);
    if (!paper) return sendError(reply, 404, `arXiv:${parsed.id} is not in this catalog.`);
    const [[item], hub] = await Promise.all([describePapers(db, [paper], new Date(), { includeHidden: true }), hubLinksOf(db, paper.id)]);
    return sendJsonCached(request, reply, presentPaperDetail(item!, hub));
  });

  app.post('/api/papers/index', { bodyLimit: 4096, config: { rateLimit: LIMITS.write } }, async (request, reply) => {
    const user = await tokenUser(db, request, reply);
    if (!user) return reply;
    const body = indexBody.safeParse(request.body ?? {});
    if (!body.success) return badParameter(reply, String(body.error.issues[0]!.path[0] ?? 'body'), body.error.issues[0]!.message);
    const outcome = await submitWithin(deps, user.id, body.data.arxivId);
    if ('fetching' in outcome) return reply.code(202).header('Location', `/api/papers/${outcome.fetching}`).send({ arxivId: outcome.fetching, status: 'fetching' });
    const submission = outcome.recorded;
    deps.cache.invalidate();
    const paper = await getPaper(db, submission.paperId);
    const [item] = await describePapers(db, [paper!], new Date(), { includeHidden: true });
    return reply.code(201).header('Location', `/api/papers/${submission.paperId}`).send(presentDailyPaper(item!));
  });



}

/** The period asked for, or else the latest day that has papers (null for an empty catalog). */
export async function periodAsked(db: Db, p: { date?: string | undefined; week?: string | undefined; month?: string | undefined }): Promise<Period | null> {
  if (p.date) return dayPeriod(p.date);
  if (p.week) return weekPeriod(p.week);
  if (p.month) return monthPeriod(p.month);
  const latest = await latestDay(db);
  return latest ? dayPeriod(latest) : null;
}
