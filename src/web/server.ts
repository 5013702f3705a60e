import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerCors } from './api/cors.js';
import { BackgroundWork } from './background-work.js';
import { registerGroupApiRoutes } from './api/groups.js';
import { registerApiRoutes } from './api/routes.js';
import { apiError } from './api/http.js';
import { registerOpenApiRoutes } from './api/openapi.js';
import { secureCookies, wantsJson, type WebDeps } from './deps.js';
import { registerFeedRoutes } from './feeds/routes.js';
import { RecentPicks } from '../recommend/recent-picks.js';
import { PageCache } from './page-cache.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerApiTokenRoutes } from './routes/api-tokens.js';
import { errorPage, registerCatalogRoutes, sendHtml, viewerFor } from './routes/catalog.js';
import { registerCommunityRoutes } from './routes/community.js';
import { registerForYouRoutes } from './routes/for-you.js';
import { registerGroupAdminRoutes } from './routes/group-admin.js';
import { registerGroupFeedRoutes } from './routes/group-feeds.js';
import { registerGroupRoutes } from './routes/groups.js';
import { WriteLimiter } from './mcp/context.js';
import { MCP_PATH, registerMcpRoutes } from './mcp/http.js';
import { registerModerationRoutes } from './routes/moderation.js';
import { registerReferenceRoutes } from './routes/references.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import { isRefusal, refusalDetails, refusalStatus, refusalTitle, type Refusal } from './refusals.js';
import { registerSearchRoutes, type SearchRouteDeps } from './search-routes.js';
import { serverSecret } from './secret.js';
import { registerSecurity } from './security.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerDeps extends WebDeps {
  /** Search service and background upkeep (see search-routes.ts). */
  search?: Omit<SearchRouteDeps, 'db' | 'log' | 'settings' | 'cache'>;
}

/** The web application: pages, forms and APIs over one database. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { db, log, config } = deps;
  // Request lines would drown the log; failures are still logged by the error handler.
  // Behind a proxy, request.ip (which rate limits count by) is the client's only if we trust it.
  const app = Fastify({ trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false, loggerInstance: log.child({}, { level: log.levelVal > 40 ? log.level : 'warn' }) as FastifyBaseLogger });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'");
    return payload;
  });

  await registerSecurity(app, { db, log, secret: serverSecret(config.dataDir, config.secret), secureCookies: secureCookies(config) });
  await registerCors(app);

  await app.register(fastifyStatic, { root: path.join(root, 'src/web/assets'), prefix: '/assets/', maxAge: 3600 * 1000, index: false });
  // KaTeX (stylesheet, script, fonts) as the package ships it, for the math in abstracts and comments.
  await app.register(fastifyStatic, { root: path.join(root, 'node_modules/katex/dist'), prefix: '/assets/katex/', decorateReply: false, maxAge: 24 * 3600 * 1000, index: false });

  app.get('/healthz', async () => ({ ok: true }));

  const cache = new PageCache(deps.notices);
  // The reply to a write leaves once the other processes can hear of it: the page asked for next
  // may come from any of them.
  app.addHook('onSend', async () => cache.told());
  const background = new BackgroundWork(log);
  app.decorate('background', background);
  app.addHook('onClose', () => background.settled());
  const search = registerSearchRoutes(app, { db, log, settings: config.search, cache, ...deps.search });
  // "For you" picks are shared by the tab and the period pages (members' unvoted papers).
  const picks = new RecentPicks(db);
  registerCatalogRoutes(app, { ...deps, search, cache, picks });
  registerAccountRoutes(app, { ...deps, background });
  registerCommunityRoutes(app, { ...deps, cache, background });
  registerModerationRoutes(app, { ...deps, cache });
  registerApiRoutes(app, { ...deps, cache, background });
  registerOpenApiRoutes(app, config.baseUrl);
  registerFeedRoutes(app, { ...deps, search: search.service });
  registerApiTokenRoutes(app, deps);
  registerSubscriptionRoutes(app, deps);
  registerForYouRoutes(app, { ...deps, cache, picks });
  registerMcpRoutes(app, { db, log, baseUrl: config.baseUrl, search: search.service, picks, writes: new WriteLimiter(db) });
  registerReferenceRoutes(app, { ...deps, cache });
  registerGroupRoutes(app, { ...deps, cache });
  registerGroupAdminRoutes(app, { ...deps, cache });
  registerGroupFeedRoutes(app, deps);
  registerGroupApiRoutes(app, deps);

  app.setNotFoundHandler((request, reply) => {
    if (isMachinePath(request.url)) return reply.code(404).send(apiError(404, 'There is nothing at this address; see /api for the routes.'));
    return sendHtml(reply, errorPage(undefined, 'Not found', 'There is no page at this address.'), 404);
  });
  app.setErrorHandler((error, request, reply) => {
    if (isRefusal(error)) return refuse(error, request, reply);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, url: loggedUrl(request) }, 'request failed');
    const message =
      status === 403 && (error as { code?: string }).code === 'FST_CSRF_INVALID_TOKEN'
        ? 'This form has expired or did not come from this site. Go back, reload the page and try again.'
        : status === 429
          ? 'Too many attempts. Wait a while and try again.'
          : status < 500 && error instanceof Error
            ? error.message
            : 'The server could not answer this request.';
    // Scripts get the API's JSON error; a failure of ours is still a 500, with no detail.
    if (isMachinePath(request.url)) {
      const code = status >= 400 && status < 600 ? status : 500;
      return reply.code(code).send(apiError(code, message));
    }
    if (wantsJson(request)) return reply.code(status).send({ error: message });
    return sendHtml(reply, errorPage(undefined, status === 429 ? 'Slow down' : 'Something went wrong', message), status >= 400 ? status : 500);
  });
  return app;
}

/**
 * A refusal of the domain, said once for every route: its status from the one table, its message
 * as written. Not logged as a failure, as it is not ours; only an unreachable service is worth a
 * warning.
 */
function refuse(refusal: Refusal, request: FastifyRequest, reply: FastifyReply) {
  const status = refusalStatus(refusal);
  const { paperId, retryAfterSeconds } = refusalDetails(refusal);
  if (status >= 500) request.log.warn({ err: refusal.cause ?? refusal, url: loggedUrl(request) }, refusal.message);
  // The answer depends on who asks and when: no cache may keep it.
  reply.header('Cache-Control', 'no-store');
  if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(retryAfterSeconds));
  if (isMachinePath(request.url)) return reply.code(status).send(apiError(status, refusal.message, paperId === undefined ? {} : { paperId }));
  if (wantsJson(request)) return reply.code(status).send({ error: refusal.message, field: refusal.field });
  return sendHtml(reply, errorPage(viewerFor(request, reply), refusalTitle(refusal), refusal.message), status);
}

/** The address as logged: the tokens of signed links left out. */
function loggedUrl(request: FastifyRequest): string {
  return request.url.replace(/token=[^&]*/, 'token=…');
}

/** The API, feeds and MCP server answer in JSON, whatever went wrong; pages answer in HTML. */
function isMachinePath(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/feeds/') || url.split('?')[0] === MCP_PATH;
}
