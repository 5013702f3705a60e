import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { followAuthor, unfollowAuthor } from '../../community/follows.js';
import { authorPath } from '../../papers/urls.js';
import type { RecentPicks } from '../../recommend/recent-picks.js';
import type { WebDeps } from '../deps.js';
import type { PageCache } from '../page-cache.js';
import { forYouPage, forYouSignInPage } from '../pages/for-you.js';
import { LIMITS } from '../security.js';
import { sendHtml, viewerFor } from './catalog.js';

/** Picks shown on the tab. */
const SHOWN = 30;

/** The "For you" tab and following authors. */
export function registerForYouRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache; picks: RecentPicks }): void {
  const { db, picks } = deps;
  const write = { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.write } };

  app.get('/for-you', async (request, reply) => {
    const viewer = viewerFor(request, reply);
    if (!viewer?.user) return sendHtml(reply, forYouSignInPage());
    return sendHtml(reply, forYouPage(await picks.forMember(viewer.user.id, SHOWN), viewer));
  });

  const followWrite = (action: 'follow' | 'unfollow') => async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const name = request.params.name;
    if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent(authorPath(name.slice(0, 200)))}`, 303);
    const done = action === 'follow' ? await followAuthor(db, request.user.id, name) : await unfollowAuthor(db, request.user.id, name);
    return reply.redirect(authorPath(done.author), 303);
  };
  app.post<{ Params: { name: string } }>('/authors/:name/follow', write, followWrite('follow'));
  app.post<{ Params: { name: string } }>('/authors/:name/unfollow', write, followWrite('unfollow'));
}
