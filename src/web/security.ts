import { createHash, randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { sessionUser } from '../community/sessions.js';
import type { User } from '../community/users.js';
import type { Logger } from '../log.js';
import { storeKind } from '../store/dialect.js';
import type { Db } from '../store/schema.js';
import { databaseRateLimitStore } from './rate-limit-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, or null for a visitor. */
    user: User | null;
  }
  interface FastifyInstance {
    /** Every route that can change state (any method but GET, HEAD and OPTIONS), as registered. */
    writeRoutes: { method: string; url: string }[];
  }
}

export const SESSION_COOKIE = 'pb_session';
/** Holds the secret that form tokens are made from (signed). */
const CSRF_COOKIE = 'pb_csrf';
/** Forms are small; a bigger body is an attack or a mistake. */
const FORM_BODY_LIMIT = 64 * 1024;

export interface SecurityOptions {
  db: Db;
  secret: string;
  log: Logger;
  /** Cookies get the Secure flag when the site is served over https (PAPERBOY_BASE_URL). */
  secureCookies: boolean;
}

/**
 * Cookies, form bodies, CSRF tokens, sessions and rate limits, registered once for every route.
 * Every state-changing route adds `app.csrfProtection` as a preHandler (the token is in the parsed body) and a rate limit of its own.
 */
export async function registerSecurity(app: FastifyInstance, { db, secret, log, secureCookies }: SecurityOptions): Promise<void> {
  const writeRoutes: FastifyInstance['writeRoutes'] = [];
  app.decorate('writeRoutes', writeRoutes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) writeRoutes.push({ method, url: route.url });
  });
  csrfCookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies, signed: true };
  await app.register(cookie, { secret });
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: csrfCookieOptions,
    // A token is made for one session (see formToken): with another session's cookie it is refused,
    // so a form-token cookie tossed into a browser from elsewhere is no use with the victim's session.
    getUserInfo: (request) => tokenBinding(sessionToken(request)),
    csrfOpts: { hmacKey: createHash('sha256').update(`paperboy form tokens ${secret}`).digest('hex') },
    // Forms post `_csrf`; the page's script sends the same token in a header.
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? (request.headers['x-csrf-token'] as string | undefined);
    },
  });
  // Ordinary writes count per member (or per address for visitors); authentication counts apart, see authLimited.
  // On PostgreSQL the counts are kept in the database, so every process of the site counts alike. A
  // SQLite site is one process, and the plugin's memory costs it nothing: a write for each counted
  // request took its search page to a fraction of the requests a second.
  const shared = storeKind(db) === 'postgres' ? { store: databaseRateLimitStore(db, log) } : {};
  await app.register(rateLimit, { global: false, ...shared, keyGenerator: (request) => (request.user ? `user:${request.user.id}` : `ip:${request.ip}`) });

  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return;
    const unsigned = request.unsignCookie(raw);
    if (unsigned.valid && unsigned.value) request.user = await sessionUser(db, unsigned.value);
  });
}

let csrfCookieOptions: { path: string; httpOnly: boolean; sameSite: 'lax'; secure: boolean; signed: boolean };
/** The session a reply starts (or null for one that signs out), which its forms' tokens are made for. */
const sessionSetBy = new WeakMap<FastifyRequest, string | null>();

/**
 * The form token for the pages of this reply: bound to the session the browser will send with the
 * form, which is the one this reply sets, if it sets one.
 */
export function formToken(reply: FastifyReply): string {
  const session = sessionSetBy.has(reply.request) ? sessionSetBy.get(reply.request)! : sessionToken(reply.request);
  return reply.generateCsrf({ userInfo: tokenBinding(session) } as Parameters<FastifyReply['generateCsrf']>[0]);
}

/** What a form token is made for: one session, or a visitor without one (never empty, which the library refuses). */
function tokenBinding(session: string | null | undefined): string {
  return session ? `session:${session}` : 'visitor';
}

/** A new form-token secret from this reply on, so no token from before a sign-in or sign-out works after it. */
function renewFormSecret(reply: FastifyReply): void {
  const fresh = randomBytes(18).toString('base64url');
  reply.setCookie(CSRF_COOKIE, fresh, csrfCookieOptions);
  // Tokens made later in this reply read the secret from the request's cookies.
  reply.request.cookies[CSRF_COOKIE] = reply.signCookie(fresh);
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeSeconds: number): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: maxAgeSeconds });
  sessionSetBy.set(reply.request, token);
  renewFormSecret(reply);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  sessionSetBy.set(reply.request, null);
  renewFormSecret(reply);
}

/** The raw session token of this request, for signing out. */
export function sessionToken(request: FastifyRequest): string | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

/** What an authentication form acts on, as one string ('' when the form names none). */
export type LimitTarget = (request: FastifyRequest) => string;

/** An address as typed into a form, written one way, so `Ada@X.org ` and `ada@x.org` count together. */
export const emailTarget =
  (field: string): LimitTarget =>
  (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    return typeof body?.[field] === 'string' ? body[field].trim().toLowerCase().slice(0, 400) : '';
  };

/**
 * The options of an authentication route (sign-in, sign-up, forgotten password, a token spent,
 * subscribing): its form token, then its limit counted twice, per client address (before the body
 * is read) and per target account (the address signed into, the token spent). A session cookie
 * changes neither count: a cookie anyone can get must not buy more guesses. The keys are plain
 * strings (`signin:ip:…`, `signin:account:…`) in the store the plugin was registered with.
 */
export function authLimited(app: FastifyInstance, name: string, limit: { max: number; timeWindow: number }, target: LimitTarget): RouteShorthandOptions {
  const perAccount = app.createRateLimit({ ...limit, keyGenerator: (request) => `${name}:account:${target(request)}` });
  return {
    config: { rateLimit: { ...limit, keyGenerator: (request: FastifyRequest) => `${name}:ip:${request.ip}` } },
    preHandler: [
      app.csrfProtection,
      async (request, reply) => {
        if (target(request) === '') return;
        const counted = await perAccount(request);
        if (counted.isAllowed || !counted.isExceeded) return;
        reply.header('Retry-After', String(counted.ttlInSeconds));
        throw Object.assign(new Error('Too many attempts for this account. Wait a while and try again.'), { statusCode: 429 });
      },
    ],
  };
}

const MINUTE = 60_000;

/**
 * Limits for writes, per member (or per address for visitors), and for API reads; windows in
 * milliseconds. The MCP server counts its writes against the same numbers (web/mcp/limits.ts).
 */
export const LIMITS = {
  signIn: { max: 10, timeWindow: 15 * MINUTE },
  signUp: { max: 5, timeWindow: 60 * MINUTE },
  passwordReset: { max: 5, timeWindow: 60 * MINUTE },
  /** Subscribing mails whatever address it is given; the store also limits mails per recipient. */
  subscribe: { max: 10, timeWindow: 60 * MINUTE },
  write: { max: 60, timeWindow: MINUTE },
  /** Search and author pages, per member or address: each miss of the cache runs a search. */
  search: { max: 120, timeWindow: MINUTE },
  /** Library uploads: each reads a whole file and may add thousands of papers. */
  import: { max: 20, timeWindow: 60 * MINUTE },
  /** Reads of the JSON API and feeds, per address and route: paging through a month is a few dozen requests. */
  api: { max: 300, timeWindow: MINUTE },
} as const;
