import fs from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { countOnDay, getPaper, latestDay, neighbouringDays, papersOnDay } from '../store/papers.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { dayPage, dayPath, emptyCatalogPage } from './pages/day.js';
import { paperPage } from './pages/paper.js';

const PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const stylesheet = fs.readFileSync(new URL('../../src/web/assets/style.css', import.meta.url));

export interface ServerDeps {
  db: Db;
  log: Logger;
}

export function buildServer({ db, log }: ServerDeps): FastifyInstance {
  // Request lines would drown the log; failures are still logged by the error handler.
  const app = Fastify({ loggerInstance: log.child({}, { level: log.levelVal > 40 ? log.level : 'warn' }) as FastifyBaseLogger });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
    return payload;
  });

  const sendHtml = (reply: { type(t: string): unknown; send(b: string): unknown }, body: Html) => {
    reply.type('text/html; charset=utf-8');
    return reply.send(body.value);
  };

  app.get('/assets/style.css', async (_request, reply) => {
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600');
    return reply.send(stylesheet);
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/', async (_request, reply) => {
    const day = await latestDay(db);
    if (!day) return sendHtml(reply, emptyCatalogPage());
    return sendHtml(reply, await renderDay(db, day, 1));
  });

  // The date picker submits ?date=YYYY-MM-DD; a real URL per day keeps pages linkable.
  app.get<{ Querystring: { date?: string } }>('/day', async (request, reply) => {
    const date = request.query.date ?? '';
    if (!isValidDay(date)) return sendHtml(reply.code(400), notFoundPage('That is not a date', `Expected a date such as 2026-07-01, got "${date}".`));
    return reply.redirect(dayPath(date), 303);
  });

  app.get<{ Params: { day: string }; Querystring: { page?: string } }>('/day/:day', async (request, reply) => {
    const { day } = request.params;
    if (!isValidDay(day)) return sendHtml(reply.code(404), notFoundPage('No such day', `"${day}" is not a date of the form YYYY-MM-DD.`));
    const pageNumber = Number.parseInt(request.query.page ?? '1', 10);
    return sendHtml(reply, await renderDay(db, day, Number.isFinite(pageNumber) && pageNumber > 0 ? pageNumber : 1));
  });

  // Old-style ids contain a slash (hep-th/9901001), so the id is the rest of the path.
  app.get<{ Params: { '*': string } }>('/papers/*', async (request, reply) => {
    const parsed = parseArxivId(request.params['*']);
    if (!parsed) return sendHtml(reply.code(404), notFoundPage('Not an arXiv id', `"${request.params['*']}" is not an arXiv id.`));
    if (parsed.version !== null || parsed.id !== request.params['*']) return reply.redirect(`/papers/${parsed.id}`, 301);
    const paper = await getPaper(db, parsed.id);
    if (!paper) return sendHtml(reply.code(404), notFoundPage('Paper not in the catalog', `arXiv:${parsed.id} is not in this catalog yet.`));
    return sendHtml(reply, paperPage(paper));
  });

  app.setNotFoundHandler((_request, reply) => sendHtml(reply.code(404), notFoundPage('Not found', 'There is no page at this address.')));
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    const message = status < 500 && error instanceof Error ? error.message : 'The server could not answer this request.';
    return sendHtml(reply.code(status >= 400 ? status : 500), notFoundPage('Something went wrong', message));
  });
  return app;
}

async function renderDay(db: Db, day: string, pageNumber: number): Promise<Html> {
  const [papers, total, around] = await Promise.all([
    papersOnDay(db, day, PAGE_SIZE, (pageNumber - 1) * PAGE_SIZE),
    countOnDay(db, day),
    neighbouringDays(db, day),
  ]);
  return dayPage({ day, papers, total, previous: around.previous, next: around.next, page: pageNumber, pageSize: PAGE_SIZE });
}

function isValidDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}

function notFoundPage(title: string, message: string): Html {
  return page({ title, body: html`<section><h1>${title}</h1><p>${message}</p><p><a href="/">Back to today's papers</a></p></section>` });
}
