import type { FastifyInstance } from 'fastify';
import { createApiToken, revokeApiToken } from '../../community/api-tokens.js';
import { CommunityError } from '../../community/errors.js';
import type { WebDeps } from '../deps.js';
import { formString } from '../forms.js';
import { newApiTokenPage } from '../pages/api-tokens.js';
import { formToken, LIMITS } from '../security.js';
import { sendHtml } from './catalog.js';

/** Making and revoking personal API tokens, from the forms on the member's own profile page. */
export function registerApiTokenRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { db } = deps;
  const write = { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.write } };

  app.post('/account/api-tokens', write, async (request, reply) => {
    if (!request.user) return reply.redirect('/signin', 303);
    const token = await createApiToken(db, request.user.id, formString(request.body, 'name', 500));
    // The secret is in this page alone: no cache may keep it.
    return sendHtml(reply.header('Cache-Control', 'no-store'), newApiTokenPage(token, { user: request.user, csrf: formToken(reply) }), 201);
  });

  app.post<{ Params: { id: string } }>('/account/api-tokens/:id/revoke', write, async (request, reply) => {
    if (!request.user) return reply.redirect('/signin', 303);
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    if (!Number.isFinite(id)) throw new CommunityError('not_found', 'No such token.');
    await revokeApiToken(db, request.user.id, id);
    return reply.redirect(`/u/${request.user.username}#api-tokens`, 303);
  });
}
