import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sessionUser } from '../community/sessions.js';
import type { User } from '../community/users.js';
import type { Db } from '../store/schema.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, or null for a visitor. */
    user: User | null;
  }
}

export const SESSION_COOKIE = 'pb_session';
/** Forms are small; a bigger body is an attack or a mistake. */
const FORM_BODY_LIMIT = 64 * 1024;

export interface SecurityOptions {
  db: Db;
  secret: string;
  /** Cookies get the Secure flag when the site is served over https (PAPERBOY_BASE_URL). */
  secureCookies: boolean;
}

/**
 * Cookies, form bodies, CSRF tokens, sessions and rate limits, registered once for every route.
 * Every state-changing route adds `app.csrfProtection` as a preHandler (the token is in the parsed body) and a rate limit of its own.
 */
export async function registerSecurity(app: FastifyInstance, { db, secret, secureCookies }: SecurityOptions): Promise<void> {
  await app.register(cookie, { secret });
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'pb_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies, signed: true },
    // Forms post `_csrf`; the page's script sends the same token in a header.
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? (request.headers['x-csrf-token'] as string | undefined);
    },
  });
  await app.register(rateLimit, { global: false, keyGenerator: (request) => (request.user ? `user:${request.user.id}` : `ip:${request.ip}`) });

  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return;
    const unsigned = request.unsignCookie(raw);
    if (unsigned.valid && unsigned.value) request.user = await sessionUser(db, unsigned.value);
  });
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeSeconds: number): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The raw session token of this request, for signing out. */
export function sessionToken(request: FastifyRequest): string | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
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
  write: { max: 60, timeWindow: MINUTE },
  /** Library uploads: each reads a whole file and may add thousands of papers. */
  import: { max: 20, timeWindow: 60 * MINUTE },
  /** Reads of the JSON API and feeds, per address and route: paging through a month is a few dozen requests. */
  api: { max: 300, timeWindow: MINUTE },
} as const;
