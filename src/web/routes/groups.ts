/**
 * Group pages and what members do there: the list of groups, creating one, joining by an
 * invitation link, the group page (queue, sessions, members), voting and moving papers in the
 * queue, sessions and their notes, the weekly digest, following and leaving. The admins' routes
 * are in group-admin.ts, the calendar and feeds in group-feeds.ts. Every read of a group goes
 * through `groupFor`, so a private group is "not found" to anyone outside it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderMarkdown } from '../../community/markdown.js';
import { setMemberFollow } from '../../community/member-follows.js';
import { CommunityError } from '../../community/errors.js';
import { followsGroup, setGroupFollow } from '../../groups/follows.js';
import { createGroup, groupFor, listGroups, type GroupView } from '../../groups/groups.js';
import { acceptInvitation, openInvitation } from '../../groups/invitations.js';
import { memberToken } from '../../groups/links.js';
import { leaveGroup, listMembers, renewMemberLinks, setGroupDigest } from '../../groups/members.js';
import { organisationPapers, tagPaper } from '../../groups/organisations.js';
import { addToQueue, queueOf, removeFromQueue, setQueueState, toggleGroupVote } from '../../groups/queue.js';
import { scheduleSession, sessionById, sessionsOf, updateSession } from '../../groups/sessions.js';
import { trusted } from '../../html.js';
import { wantsJson, type WebDeps } from '../deps.js';
import { formString } from '../forms.js';
import type { PageCache } from '../page-cache.js';
import { groupPage, groupsPage, joinPage, sessionPage, type GroupFeeds } from '../pages/groups.js';
import { refusalStatus } from '../refusals.js';
import { serverSecret } from '../secret.js';
import { LIMITS } from '../security.js';
import { sendHtml, viewerFor } from './catalog.js';
import { sendReferences, sendSharedReferences } from './references.js';

type SlugParams = { Params: { slug: string } };
type Done = { json?: unknown; redirect: string };

export function registerGroupRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache }): void {
  const { db, cache } = deps;
  const secret = serverSecret(deps.config.dataDir, deps.config.secret);
  const write = { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.write } };

  /**
   * A signed-in member's write on the group at this address: the group as they may see it (a
   * private one they are not in is not found), then the action; scripts get JSON, forms a redirect.
   */
  const groupWrite = async (request: FastifyRequest<SlugParams>, reply: FastifyReply, action: (userId: number, view: GroupView) => Promise<Done>) => {
    if (!request.user) {
      if (wantsJson(request)) return reply.code(401).send({ error: 'Sign in first.' });
      return reply.redirect(`/signin?next=${encodeURIComponent(`/groups/${request.params.slug}`)}`, 303);
    }
    const view = await groupFor(db, request.params.slug, request.user.id);
    const done = await action(request.user.id, view);
    cache.invalidate();
    return wantsJson(request) ? reply.send(done.json ?? { ok: true }) : reply.redirect(done.redirect, 303);
  };

  /** The group page as this viewer sees it; `message` shows a refusal of a form on it. */
  const renderGroup = async (request: FastifyRequest<SlugParams>, reply: FastifyReply, message?: { kind: 'info' | 'error'; text: string }, status = 200) => {
    const viewer = viewerFor(request, reply);
    const userId = viewer?.user?.id ?? null;
    // Visitors share the page of a public group, served before any query; only a public group's
    // page is ever kept (a private one is not found before it could be), and any write through
    // the site clears it, making a group private included.
    const cacheKey = userId === null && !message ? `group/${request.params.slug.toLowerCase()}` : null;
    const cached = cacheKey ? await cache.hit(cacheKey) : null;
    if (cached) return reply.type('text/html; charset=utf-8').send(cached);
    const { group, membership } = await groupFor(db, request.params.slug, userId);
    // A private group's page is its members' alone: no shared cache may keep it.
    if (!group.isPublic) reply.header('Cache-Control', 'private, no-store');
    const [members, items, sessions, tagged, following] = await Promise.all([
      listMembers(db, group.id),
      queueOf(db, group.id, userId),
      sessionsOf(db, group.id, new Date(), { pastLimit: 20 }),
      group.isOrganisation ? organisationPapers(db, group.id) : Promise.resolve(null),
      userId === null ? Promise.resolve(null) : followsGroup(db, userId, group.id),
    ]);
    const queue = items.filter((i) => i.state !== 'discussed');
    const discussed = items.filter((i) => i.state === 'discussed').sort((a, b) => (a.stateChangedAt < b.stateChangedAt ? 1 : -1));
    const body = groupPage(
      {
        group,
        membership,
        members,
        queue,
        discussed,
        sessions,
        tagged,
        following,
        feeds: feedsFor(group, membership),
        bibtexPath: `/groups/${group.slug}/queue.bib`,
        ...(message ? { message } : {}),
      },
      viewer,
    ).value;
    if (cacheKey && group.isPublic) cache.set(cacheKey, body);
    return reply.code(status).type('text/html; charset=utf-8').send(body);
  };

  /** A private group's feed addresses carry the member's personal token; a public group's are open. */
  const feedsFor = (group: GroupView['group'], membership: GroupView['membership']): GroupFeeds | null => {
    if (!group.isPublic && !membership) return null;
    const query = group.isPublic ? '' : `?token=${memberToken(secret, 'feeds', group.id, membership!)}`;
    return {
      calendar: `/groups/${group.slug}/sessions.ics${query}`,
      queueRss: `/feeds/groups/${group.slug}.rss${query}`,
      queueAtom: `/feeds/groups/${group.slug}.atom${query}`,
      personal: !group.isPublic,
    };
  };

  /** A form on the group page refused: shown on the page, above the form. Other failures go to the error handler. */
  const onGroupPage = async (request: FastifyRequest<SlugParams>, reply: FastifyReply, work: () => Promise<unknown>) => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof CommunityError) || wantsJson(request) || !['invalid', 'duplicate', 'not_found', 'unavailable', 'rate_limited'].includes(error.code) || !request.user) throw error;
      if (error.code === 'not_found' && error.field === undefined) throw error;
      return renderGroup(request, reply, { kind: 'error', text: error.message }, refusalStatus(error));
    }
  };

  app.get('/groups', async (request, reply) => sendHtml(reply, groupsPage(await listGroups(db, request.user?.id ?? null), viewerFor(request, reply))));

  app.post('/groups', write, async (request, reply) => {
    if (!request.user) return reply.redirect('/signin?next=%2Fgroups', 303);
    const values = {
      name: formString(request.body, 'name', 200),
      slug: formString(request.body, 'slug', 100),
      description: formString(request.body, 'description', 4000),
      isPublic: formString(request.body, 'isPublic') === '1' ? '1' : '0',
    };
    try {
      const group = await createGroup(db, request.user.id, { ...values, isPublic: values.isPublic === '1' });
      cache.invalidate();
      return reply.redirect(`/groups/${group.slug}`, 303);
    } catch (error) {
      if (!(error instanceof CommunityError)) throw error;
      const form = { values, errors: error.field ? { [error.field]: error.message } : {}, message: error.message };
      return sendHtml(reply, groupsPage(await listGroups(db, request.user.id), viewerFor(request, reply), form), refusalStatus(error));
    }
  });

  // Following the link shows who invites to what; only the POST spends it, so a mail scanner that
  // opens every link cannot use an invitation up.
  app.get<{ Querystring: { token?: string } }>('/groups/join', async (request, reply) => {
    const token = String(request.query.token ?? '');
    const { group, inviter } = await openInvitation(db, secret, token);
    reply.header('Cache-Control', 'no-store');
    return sendHtml(reply, joinPage(viewerFor(request, reply), { group, inviter: inviter.displayName, token }));
  });

  app.post<{ Querystring: { token?: string } }>('/groups/join', write, async (request, reply) => {
    const token = String(request.query.token ?? '');
    if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent(`/groups/join?token=${token}`)}`, 303);
    const { group } = await acceptInvitation(db, secret, token, request.user.id);
    cache.invalidate();
    return reply.redirect(`/groups/${group.slug}`, 303);
  });

  app.get<SlugParams>('/groups/:slug', async (request, reply) => renderGroup(request, reply));

  // The queue for a reference manager (references/export.ts), ranked as on the page; as private as the group.
  app.get<SlugParams>('/groups/:slug/queue.bib', async (request, reply) => {
    const { group } = await groupFor(db, request.params.slug, request.user?.id ?? null);
    const papers = async () => (await queueOf(db, group.id, null)).map((i) => i.paper);
    if (!group.isPublic) return sendReferences(reply, await papers(), 'bibtex', `${group.slug}-queue`, { private: true });
    return sendSharedReferences(cache, `group-queue/${group.slug}.bib`, reply, 'bibtex', `${group.slug}-queue`, papers);
  });

  app.post<SlugParams>('/groups/:slug/queue', write, async (request, reply) =>
    onGroupPage(request, reply, () =>
      groupWrite(request, reply, async (userId, { group }) => {
        const { paperId } = await addToQueue(db, userId, group.id, { paper: formString(request.body, 'paper', 300), note: formString(request.body, 'note', 4000) }, deps.fetchPaper);
        return { json: { paperId }, redirect: `/groups/${group.slug}#queue-h` };
      }),
    ),
  );

  app.post<SlugParams>('/groups/:slug/queue/vote', write, async (request, reply) =>
    groupWrite(request, reply, async (userId, { group }) => {
      const { voted, votes } = await toggleGroupVote(db, userId, group.id, formString(request.body, 'paperId', 100));
      return { json: { voted, upvotes: votes }, redirect: `/groups/${group.slug}#queue-h` };
    }),
  );

  app.post<SlugParams>('/groups/:slug/queue/state', write, async (request, reply) =>
    groupWrite(request, reply, async (userId, { group }) => {
      await setQueueState(db, userId, group.id, formString(request.body, 'paperId', 100), formString(request.body, 'state', 20));
      return { redirect: `/groups/${group.slug}#queue-h` };
    }),
  );

  app.post<SlugParams>('/groups/:slug/queue/remove', write, async (request, reply) =>
    groupWrite(request, reply, async (userId, { group }) => {
      await removeFromQueue(db, userId, group.id, formString(request.body, 'paperId', 100));
      return { redirect: `/groups/${group.slug}#queue-h` };
    }),
  );

  app.post<SlugParams>('/groups/:slug/tags', write, async (request, reply) =>
    onGroupPage(request, reply, () =>
      groupWrite(request, reply, async (userId, { group }) => {
        await tagPaper(db, userId, group.id, formString(request.body, 'paper', 300), deps.fetchPaper);
        return { redirect: `/groups/${group.slug}#tagged-h` };
      }),
    ),
  );

  app.post<SlugParams>('/groups/:slug/sessions', write, async (request, reply) =>
    onGroupPage(request, reply, () =>
      groupWrite(request, reply, async (userId, { group }) => {
        const session = await scheduleSession(db, userId, group.id, sessionForm(request.body));
        return { json: { id: session.id }, redirect: `/groups/${group.slug}/sessions/${session.id}` };
      }),
    ),
  );

  app.get<{ Params: { slug: string; id: string } }>('/groups/:slug/sessions/:id', async (request, reply) => {
    const viewer = viewerFor(request, reply);
    const { group, membership } = await groupFor(db, request.params.slug, viewer?.user?.id ?? null);
    const session = await sessionById(db, group.id, Number.parseInt(request.params.id, 10));
    if (!session) throw new CommunityError('not_found', 'This group has no such session.');
    if (!group.isPublic) reply.header('Cache-Control', 'private, no-store');
    const members = membership ? await listMembers(db, group.id) : [];
    return sendHtml(reply, sessionPage(viewer, { group, membership, session, notesHtml: trusted(renderMarkdown(session.notes)), members }));
  });

  app.post<{ Params: { slug: string; id: string } }>('/groups/:slug/sessions/:id', write, async (request, reply) =>
    groupWrite(request as FastifyRequest<SlugParams>, reply, async (userId, { group }) => {
      const id = Number.parseInt((request.params as { id: string }).id, 10);
      const body = request.body as Record<string, unknown> | undefined;
      const patch = body && 'notes' in body ? { notes: formString(body, 'notes', 60_000) } : sessionForm(body);
      await updateSession(db, userId, group.id, id, patch);
      return { redirect: `/groups/${group.slug}/sessions/${id}` };
    }),
  );

  app.post<SlugParams>('/groups/:slug/digest', write, async (request, reply) =>
    groupWrite(request, reply, async (userId, { group }) => {
      await setGroupDigest(db, userId, group.id, formString(request.body, 'digest') === '1');
      return { redirect: `/groups/${group.slug}` };
    }),
  );

  app.post<SlugParams>('/groups/:slug/links', write, async (request, reply) =>
    groupWrite(request, reply, async (userId, { group }) => {
      await renewMemberLinks(db, userId, group.id);
      return { redirect: `/groups/${group.slug}#feeds-h` };
    }),
  );

  app.post<SlugParams>('/groups/:slug/leave', write, async (request, reply) =>
    groupWrite(request, reply, async (userId, { group }) => {
      await leaveGroup(db, userId, group.id);
      return { redirect: group.isPublic ? `/groups/${group.slug}` : '/groups' };
    }),
  );

  for (const action of ['follow', 'unfollow'] as const) {
    app.post<SlugParams>(`/groups/:slug/${action}`, write, async (request, reply) =>
      groupWrite(request, reply, async (userId, { group }) => {
        await setGroupFollow(db, userId, group.slug, action === 'follow');
        return { redirect: `/groups/${group.slug}` };
      }),
    );
    app.post<{ Params: { username: string } }>(`/u/:username/${action}`, write, async (request, reply) => {
      if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent(`/u/${request.params.username}`)}`, 303);
      await setMemberFollow(db, request.user.id, request.params.username, action === 'follow');
      return reply.redirect(`/u/${encodeURIComponent(request.params.username.toLowerCase())}`, 303);
    });
  }
}

/** A session form: `presenter` is a member's id or empty, `papers` one or several paper ids. */
function sessionForm(body: unknown) {
  const raw = (body as Record<string, unknown> | undefined)?.papers;
  const papers = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((p): p is string => typeof p === 'string').slice(0, 50);
  const presenter = Number.parseInt(formString(body, 'presenter', 20), 10);
  const minutes = Number.parseInt(formString(body, 'durationMinutes', 10), 10);
  return {
    title: formString(body, 'title', 400),
    startsAt: formString(body, 'startsAt', 40),
    timeZone: formString(body, 'timeZone', 100),
    ...(Number.isFinite(minutes) ? { durationMinutes: minutes } : {}),
    presenterId: Number.isFinite(presenter) ? presenter : null,
    paperIds: papers,
  };
}
