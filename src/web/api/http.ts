/**
 * What every API and feed route answers with: JSON errors that name the parameter at fault,
 * query strings checked against a zod schema, and cacheable bodies with an ETag.
 */
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** The one error shape of the API: `{ status, error, message }`, plus the parameter at fault when there is one. */
export const apiErrorSchema = z.object({
  status: z.number().int().meta({ description: 'The HTTP status again.' }),
  error: z.string().meta({ description: 'Its reason phrase: `Bad Request`, `Not Found`.' }),
  message: z.string().meta({ description: "What was wrong, for people; starts with the parameter's name when one was." }),
  parameter: z.string().optional().meta({ description: 'The query parameter or body field at fault.' }),
  paperId: z.string().optional().meta({ description: 'For `409`: the paper already submitted.' }),
});
export type ApiError = z.output<typeof apiErrorSchema>;
type ErrorExtra = Pick<ApiError, 'parameter' | 'paperId'>;

export function apiError(status: number, message: string, extra: ErrorExtra = {}): ApiError {
  return { status, error: STATUS_CODES[status] ?? 'Error', message, ...extra };
}

export function sendError(reply: FastifyReply, status: number, message: string, extra: ErrorExtra = {}) {
  return reply.code(status).type('application/json; charset=utf-8').send(apiError(status, message, extra));
}

export function badParameter(reply: FastifyReply, parameter: string, message: string) {
  return sendError(reply, 400, `${parameter}: ${message}`, { parameter });
}

/**
 * Checks a query string against a schema. Unknown parameters are ignored (the schema strips
 * them); a known one given twice, or wrong, is a 400 naming it. Returns null once it has answered.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, query: unknown, reply: FastifyReply): z.output<S> | null {
  const values = (query ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value) && name in schema.shape) {
      badParameter(reply, name, 'must be given once');
      return null;
    }
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    badParameter(reply, String(issue.path[0] ?? 'query'), issue.message);
    return null;
  }
  return parsed.data;
}

/** How long a client or proxy may keep a list before asking again (with `If-None-Match`). */
const MAX_AGE_SECONDS = 60;

/**
 * Sends a body with a strong ETag (a hash of the bytes), or 304 Not Modified with no body when
 * the client already holds this version (`If-None-Match`).
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, body: string, contentType: string, scope: 'public' | 'private' = 'public') {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  // `private`: an answer for one member (a private group's), which no shared cache may keep.
  reply.header('ETag', etag).header('Cache-Control', `${scope}, max-age=${MAX_AGE_SECONDS}`);
  if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type(contentType).send(body);
}

export function sendJsonCached(request: FastifyRequest, reply: FastifyReply, value: unknown, scope: 'public' | 'private' = 'public') {
  return sendCached(request, reply, JSON.stringify(value), 'application/json; charset=utf-8', scope);
}

/** `If-None-Match` holds `*` or a list of tags, weak or strong; either kind matches (RFC 9110 weak comparison). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
