import type { FastifyInstance } from 'fastify';
import { approveClaim, pendingClaims, refuseClaim } from '../../community/claims.js';
import { CommunityError } from '../../community/errors.js';
import { featurePaper, hideComment, hidePaper, unfeaturePaper, listReports, moderationLog, resolveReport, suspendUser, unhideComment, unhidePaper, unsuspendUser } from '../../community/moderation.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import type { WebDeps } from '../deps.js';
import { formString } from '../forms.js';
import type { PageCache } from '../page-cache.js';
import { adminPage, publicLogPage } from '../pages/moderation.js';
import { backTo } from '../redirects.js';
import { LIMITS } from '../security.js';
import { errorPage, sendHtml, viewerFor } from './catalog.js';

/** Admin actions. The community layer checks the role and writes the public log; this only maps forms to calls. */
export function registerModerationRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache }): void {
  const { db, cache } = deps;
  const write = { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.write } };

  app.get('/admin', async (request, reply) => {
    const viewer = viewerFor(request, reply);
    if (viewer?.user?.role !== 'admin') return sendHtml(reply, errorPage(viewer, 'Admins only', 'This page is for the moderators of this site.'), viewer ? 403 : 401);
    const [reports, claims, log] = await Promise.all([listReports(db, viewer.user.id, { state: 'open' }), pendingClaims(db, viewer.user.id), moderationLog(db, { limit: 50 })]);
    return sendHtml(reply, adminPage(viewer, reports, log, claims));
  });

  app.get('/moderation-log', async (request, reply) => sendHtml(reply, publicLogPage(viewerFor(request, reply), await moderationLog(db, { limit: 200 }))));

  app.post<{ Params: { kind: string; '*': string } }>('/admin/:kind/*', write, async (request, reply) => {
    const viewer = viewerFor(request, reply);
    if (!request.user) return sendHtml(reply, errorPage(viewer, 'Admins only', 'Sign in as an admin first.'), 401);
    const adminId = request.user.id;
    const match = /^(.+)\/([a-z]+)$/.exec(request.params['*']);
    const reason = formString(request.body, 'reason', 1000);
    if (!match) return sendHtml(reply, errorPage(viewer, 'Not found', 'Unknown moderation action.'), 404);
    const [, target, action] = match as unknown as [string, string, string];
    const key = `${request.params.kind}/${action}`;
    let back = backTo(request.headers.referer, '/admin');
    if (key === 'papers/hide' || key === 'papers/unhide' || key === 'papers/feature' || key === 'papers/unfeature') {
      const id = parseArxivId(target)?.id;
      if (!id) throw new CommunityError('not_found', 'Not an arXiv id.');
      const act = { hide: hidePaper, unhide: unhidePaper, feature: featurePaper, unfeature: unfeaturePaper }[action as 'hide' | 'unhide' | 'feature' | 'unfeature'];
      await act(db, adminId, id, reason);
      back = `/papers/${id}`;
    } else if (key === 'comments/hide' || key === 'comments/unhide') {
      await (action === 'hide' ? hideComment : unhideComment)(db, adminId, Number(target), reason);
    } else if (key === 'users/suspend' || key === 'users/unsuspend') {
      await (action === 'suspend' ? suspendUser : unsuspendUser)(db, adminId, Number(target), reason);
    } else if (key === 'claims/approve' || key === 'claims/refuse') {
      await (action === 'approve' ? approveClaim : refuseClaim)(db, adminId, Number(target), reason);
    } else if (key === 'reports/resolve') {
      await resolveReport(db, adminId, Number(target), reason);
    } else {
      throw new CommunityError('not_found', 'Unknown moderation action.');
    }
    cache.invalidate();
    return reply.redirect(back, 303);
  });
}
