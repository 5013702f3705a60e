/**
 * What reaches a group without a cookie: its calendar of sessions (`/groups/<slug>/sessions.ics`),
 * its queue as RSS and Atom (`/feeds/groups/<slug>.rss`), and the one-click unsubscribe of its
 * digest. Calendar programs, feed readers and mail providers send no cookie, so a private group's
 * are reached only with a member's personal signed link (`?token=…`, groups/links.ts); without
 * one, or with one of a former member, the group is not found, as for any visitor.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { groupByLink } from '../../groups/groups.js';
import { stopGroupDigest } from '../../groups/members.js';
import { queueOf } from '../../groups/queue.js';
import { sessionsOf } from '../../groups/sessions.js';
import { html } from '../../html.js';
import { sendCached, sendError } from '../api/http.js';
import { viewerOf, type WebDeps } from '../deps.js';
import { CALENDAR_TYPE, sessionsCalendar } from '../feeds/calendar.js';
import { feedPaths } from '../feeds/links.js';
import { FEED_ITEMS, FEED_TYPES, writeFeed, type FeedFormat } from '../feeds/write.js';
import { csrfField } from '../forms.js';
import { groupMessagePage } from '../pages/groups.js';
import { page } from '../layout.js';
import { serverSecret } from '../secret.js';
import { LIMITS } from '../security.js';
import { sendHtml } from './catalog.js';

type TokenQuery = { Querystring: { token?: string } };
/** Past sessions a calendar keeps showing: a term of weekly meetings. */
const CALENDAR_PAST_DAYS = 180;
const ONE_CLICK_BODY_LIMIT = 16 * 1024;
const LINK_LIMIT = { max: 300, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => `group-link:${request.ip}` };

export function registerGroupFeedRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { db, config } = deps;
  const secret = serverSecret(config.dataDir, config.secret);
  const read = { config: { rateLimit: LIMITS.api } };

  app.get<{ Params: { slug: string } } & TokenQuery>('/groups/:slug/sessions.ics', read, async (request, reply) => {
    const { group } = await groupByLink(db, secret, 'feeds', request.params.slug, request.query.token);
    const now = new Date();
    const { upcoming, past } = await sessionsOf(db, group.id, now);
    const recent = past.filter((s) => Date.parse(s.startsAt) > now.getTime() - CALENDAR_PAST_DAYS * 24 * 3600_000).reverse();
    return sendCached(request, reply, sessionsCalendar(group, [...recent, ...upcoming], config.baseUrl), CALENDAR_TYPE, group.isPublic ? 'public' : 'private');
  });

  app.get<{ Params: { file: string } } & TokenQuery>('/feeds/groups/:file', read, async (request, reply) => {
    const match = /^(.+)\.(rss|atom)$/s.exec(request.params.file);
    if (!match) return sendError(reply, 404, 'There is no feed at this address. A group\'s feed is /feeds/groups/<short name>.rss or .atom.');
    const { group } = await groupByLink(db, secret, 'feeds', match[1]!, request.query.token);
    const items = (await queueOf(db, group.id, null)).sort((a, b) => (a.addedAt < b.addedAt ? 1 : a.addedAt > b.addedAt ? -1 : 0)).slice(0, FEED_ITEMS);
    const query = group.isPublic ? undefined : new URLSearchParams({ token: String(request.query.token) }).toString();
    const format = match[2] as FeedFormat;
    const feed = writeFeed(
      {
        title: `${group.name}: the queue`,
        description: `Papers ${group.name} is reading, newest first.`,
        pagePath: `/groups/${group.slug}`,
        feedPath: feedPaths.group(group.slug),
        ...(query ? { query } : {}),
      },
      items.map((i) => ({ paper: i.paper, date: i.addedAt })),
      format,
      config.baseUrl,
    );
    return sendCached(request, reply, feed, FEED_TYPES[format], group.isPublic ? 'public' : 'private');
  });

  /** The member a digest's unsubscribe link was made for, or a page saying the link does not work. */
  const fromLink = async (request: FastifyRequest<{ Params: { slug: string } } & TokenQuery>, reply: FastifyReply) => {
    const view = await groupByLink(db, secret, 'unsubscribe', request.params.slug, request.query.token).catch(() => null);
    if (!view?.membership) {
      await sendHtml(reply.header('Cache-Control', 'no-store'), groupMessagePage(viewerOf(request, reply), 'This link does not work', 'It is incomplete, was changed, was replaced by newer links, or you are no longer a member of the group.'), 404);
      return null;
    }
    return view;
  };

  // Mail scanners open links: the GET only shows the button.
  app.get<{ Params: { slug: string } } & TokenQuery>('/groups/:slug/digest/unsubscribe', async (request, reply) => {
    const view = await fromLink(request, reply);
    if (!view) return reply;
    const viewer = viewerOf(request, reply);
    return sendHtml(
      reply.header('Cache-Control', 'no-store'),
      page({
        title: 'Stop the group digest',
        viewer,
        body: html`<section class="narrow"><h1>Stop the digest of ${view.group.name}</h1>
<p>You will no longer get the weekly digest of ${view.group.name}. You stay a member, and can ask for it again on the group's page.</p>
<form method="post" action="/groups/${view.group.slug}/digest/unsubscribe?token=${String(request.query.token)}">${csrfField(viewer)}<button type="submit">Stop the digest</button></form></section>`,
      }),
    );
  });

  // RFC 8058 one-click, as for the site's digests (routes/subscriptions.ts): mail providers POST
  // with no cookie and no form token; the signed link is the proof.
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: ONE_CLICK_BODY_LIMIT }, (_request, _body, done) => done(null, {}));
    scope.post<{ Params: { slug: string } } & TokenQuery>('/groups/:slug/digest/unsubscribe', { bodyLimit: ONE_CLICK_BODY_LIMIT, config: { rateLimit: LINK_LIMIT } }, async (request, reply) => {
      const view = await fromLink(request, reply);
      if (!view) return reply;
      await stopGroupDigest(db, view.group.id, view.membership!.userId, view.membership!.linkVersion);
      request.log.info({ group: view.group.id, member: view.membership!.userId }, 'group digest stopped');
      return sendHtml(reply.header('Cache-Control', 'no-store'), groupMessagePage(viewerOf(request, reply), 'Digest stopped', `You will no longer get the weekly digest of ${view.group.name}.`, { href: `/groups/${view.group.slug}`, text: `Back to ${view.group.name}` }));
    });
  });
}
