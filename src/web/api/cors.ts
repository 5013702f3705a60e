import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Routes any web page may read from a script of its own: everything of the API and feeds that only reads. */
export function isReadOnlyPath(url: string): boolean {
  const path = url.split('?')[0]!;
  if (path === '/api/papers/index') return false;
  return path.startsWith('/api/') || path.startsWith('/feeds/') || (path.startsWith('/papers/') && path.endsWith('.md'));
}

/**
 * CORS for the read-only routes (any origin, no credentials), answering preflights for
 * `If-None-Match`; pages, forms and the token-authenticated write are not opened to other sites.
 * Registered before any route, so that no route is built before the error handler is set.
 */
export async function registerCors(app: FastifyInstance): Promise<void> {
  await app.register(cors, {
    delegator: (request, callback) =>
      callback(
        null,
        isReadOnlyPath(request.url)
          ? {
              origin: '*',
              methods: ['GET', 'HEAD'],
              allowedHeaders: ['Accept', 'If-None-Match'],
              exposedHeaders: ['ETag', 'Retry-After', 'X-Total-Count', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
              maxAge: 86_400,
            }
          : { origin: false },
      ),
  });
}
