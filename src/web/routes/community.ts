import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { claimAuthorship, claimedPapers, claimsOf } from '../../community/claims.js';
import { addToCollection, createCollection, getCollectionBySlug, listCollections, removeFromCollection, updateCollection } from '../../community/collections.js';
import { addComment, deleteComment, editComment, getComment } from '../../community/comments.js';
import { listApiTokens } from '../../community/api-tokens.js';
import { CommunityError } from '../../community/errors.js';
import { orcidOf, setOrcid } from '../../community/orcid.js';
import { report } from '../../community/reports.js';
import { submittedPapers } from '../../community/submissions.js';
import { getUser, userByUsername } from '../../community/users.js';
import { setUpvotesPublic, upvotedPapers } from '../../community/profile.js';
import { toggleVote } from '../../community/votes.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { wantsJson, type WebDeps } from '../deps.js';
import { formString } from '../forms.js';
import type { PageCache } from '../page-cache.js';
import { collectionPage, profilePage } from '../pages/lists.js';
import { followedAuthors } from '../../community/follows.js';
import { followsMember } from '../../community/member-follows.js';
import { apiTokensSection } from '../pages/api-tokens.js';
import { submitPage } from '../pages/submit.js';
import { backTo } from '../redirects.js';
import { refusalStatus } from '../refusals.js';
import { formToken, LIMITS } from '../security.js';
import { submitWithin } from '../submit.js';
import type { BackgroundWork } from '../background-work.js';
import { errorPage, sendHtml, viewerFor } from './catalog.js';

export function registerCommunityRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache; background: BackgroundWork }): void {
  const { db, cache } = deps;
  const write = { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.write } };

  /**
   * Runs a member's write: signed-in check, then the action; scripts get JSON, forms a redirect
   * back to where they came from. A refusal goes to the server's error handler.
   */
  const memberWrite = async (request: FastifyRequest, reply: FastifyReply, action: (userId: number) => Promise<{ json?: unknown; redirect: string }>) => {
    if (!request.user) {
      if (wantsJson(request)) return reply.code(401).send({ error: 'Sign in first.' });
      return reply.redirect(`/signin?next=${encodeURIComponent(backTo(request.headers.referer))}`, 303);
    }
    const done = await action(request.user.id);
    cache.invalidate();
    return wantsJson(request) ? reply.send(done.json ?? { ok: true }) : reply.redirect(done.redirect, 303);
  };

  // Votes and comments on papers; old-style ids contain a slash, so the action is the path's end.
  app.post<{ Params: { '*': string } }>('/papers/*', write, async (request, reply) => {
    const match = /^(.+)\/(vote|comments|report|claim)$/.exec(request.params['*']);
    const id = match ? parseArxivId(match[1]!)?.id : undefined;
    if (!match || !id) return sendHtml(reply, errorPage(viewerFor(request, reply), 'Not found', 'There is nothing to post to here.'), 404);
    if (match[2] === 'vote') {
      return memberWrite(request, reply, async (userId) => {
        const result = await toggleVote(db, userId, id);
        return { json: result, redirect: `/papers/${id}` };
      });
    }
    if (match[2] === 'claim') {
      return memberWrite(request, reply, async (userId) => {
        await claimAuthorship(db, userId, id, formString(request.body, 'author', 300), { autoApproveDomains: deps.config.claimAutoApproveDomains });
        return { redirect: `/papers/${id}#claim` };
      });
    }
    if (match[2] === 'report') {
      return memberWrite(request, reply, async (userId) => {
        await report(db, userId, { target: { type: 'paper', id }, reason: formString(request.body, 'reason', 2000) });
        return { redirect: `/papers/${id}?reported=1` };
      });
    }
    return memberWrite(request, reply, async (userId) => {
      const parent = Number.parseInt(formString(request.body, 'parentId', 20), 10);
      const comment = await addComment(db, userId, { paperId: id, body: formString(request.body, 'body'), parentId: Number.isFinite(parent) ? parent : null });
      return { json: { id: comment.id }, redirect: `/papers/${id}#comment-${comment.id}` };
    });
  });

  app.post<{ Params: { id: string; action: string } }>('/comments/:id/:action', write, async (request, reply) => {
    const commentId = Number.parseInt(request.params.id, 10);
    const comment = Number.isFinite(commentId) ? await getComment(db, commentId) : null;
    if (!comment) return sendHtml(reply, errorPage(viewerFor(request, reply), 'No such comment', 'That comment does not exist.'), 404);
    const back = `/papers/${comment.paperId}#comment-${comment.id}`;
    return memberWrite(request, reply, async (userId) => {
      if (request.params.action === 'edit') await editComment(db, userId, comment.id, formString(request.body, 'body'));
      else if (request.params.action === 'delete') await deleteComment(db, userId, comment.id);
      else if (request.params.action === 'report') await report(db, userId, { target: { type: 'comment', id: String(comment.id) }, reason: formString(request.body, 'reason', 2000) });
      else throw new CommunityError('not_found', 'Unknown action.');
      return { redirect: back };
    });
  });

  app.post('/settings/orcid', write, async (request, reply) =>
    memberWrite(request, reply, async (userId) => {
      await setOrcid(db, userId, formString(request.body, 'orcid', 100));
      return { redirect: `/u/${request.user!.username}` };
    }),
  );

  app.post('/settings/upvotes', write, async (request, reply) =>
    memberWrite(request, reply, async (userId) => {
      await setUpvotesPublic(db, userId, formString(request.body, 'public') === '1');
      return { redirect: `/u/${request.user!.username}` };
    }),
  );

  app.get('/submit', async (request, reply) => {
    const viewer = viewerFor(request, reply);
    if (!viewer) return reply.redirect('/signin?next=/submit', 303);
    return sendHtml(reply, submitPage(viewer));
  });
  app.post('/submit', write, async (request, reply) => {
    const raw = formString(request.body, 'paper', 300);
    if (!request.user) return reply.redirect('/signin?next=/submit', 303);
    try {
      const outcome = await submitWithin(deps, request.user.id, raw);
      if ('fetching' in outcome) return sendHtml(reply, submitPage({ user: request.user, csrf: formToken(reply) }, { fetching: outcome.fetching }), 202);
      cache.invalidate();
      return reply.redirect(`/papers/${outcome.recorded.paperId}`, 303);
    } catch (error) {
      // Shown beside the form, which keeps what was typed.
      if (!(error instanceof CommunityError)) throw error;
      const existing = error.code === 'duplicate' ? error.details.paperId : undefined;
      return sendHtml(reply, submitPage({ user: request.user, csrf: formToken(reply) }, { value: raw, message: error.message, existing }), refusalStatus(error));
    }
  });

  app.post('/collections', write, async (request, reply) =>
    memberWrite(request, reply, async (userId) => {
      const collection = await createCollection(db, userId, { name: formString(request.body, 'name', 200), isPublic: formString(request.body, 'isPublic') === '1' });
      const paperId = formString(request.body, 'paperId', 100);
      if (paperId) await addToCollection(db, userId, collection.id, paperId);
      return { json: { id: collection.id }, redirect: paperId ? `/papers/${paperId}` : `/u/${collection.owner.username}/c/${collection.slug}` };
    }),
  );

  app.post<{ Params: { id: string; action: string } }>('/collections/:id/:action', write, async (request, reply) =>
    memberWrite(request, reply, async (userId) => {
      const id = Number.parseInt(request.params.id, 10);
      const paperId = formString(request.body, 'paperId', 100);
      if (request.params.action === 'add') await addToCollection(db, userId, id, paperId);
      else if (request.params.action === 'remove') await removeFromCollection(db, userId, id, paperId);
      else if (request.params.action === 'update') {
        const updated = await updateCollection(db, userId, id, { name: formString(request.body, 'name', 200), isPublic: formString(request.body, 'isPublic') === '1' });
        return { redirect: `/u/${updated.owner.username}/c/${updated.slug}` };
      } else throw new CommunityError('not_found', 'Unknown action.');
      const back = backTo(request.headers.referer);
      return { redirect: paperId && back.startsWith('/papers/') ? `/papers/${paperId}` : back };
    }),
  );

  app.get<{ Params: { username: string } }>('/u/:username', async (request, reply) => {
    const viewer = viewerFor(request, reply);
    const user = await userByUsername(db, request.params.username);
    if (!user) return sendHtml(reply, errorPage(viewer, 'No such member', `Nobody here is called @${request.params.username}.`), 404);
    const collections = await listCollections(db, user.id, viewer?.user?.id ?? null);
    const submissions = await submittedPapers(db, user.id);
    const full = await getUser(db, user.id);
    const upvoted = await upvotedPapers(db, user.id, viewer?.user?.id ?? null);
    const isSelf = viewer?.user?.id === user.id;
    const apiTokens = isSelf && viewer ? apiTokensSection(await listApiTokens(db, user.id), viewer) : undefined;
    return sendHtml(
      reply,
      profilePage(
        user,
        {
          submissions,
          collections,
          isSelf,
          upvoted,
          upvotesPublic: full?.upvotesPublic ?? false,
          suspended: full?.suspended ?? false,
          apiTokens,
          followedAuthors: isSelf ? await followedAuthors(db, user.id) : undefined,
          authored: await claimedPapers(db, user.id),
          orcid: await orcidOf(db, user.id),
          claims: isSelf ? await claimsOf(db, user.id, user.id) : undefined,
          following: viewer?.user && !isSelf ? await followsMember(db, viewer.user.id, user.id) : undefined,
        },
        viewer,
      ),
    );
  });

  app.get<{ Params: { username: string; slug: string } }>('/u/:username/c/:slug', async (request, reply) => {
    const viewer = viewerFor(request, reply);
    const { collection, items } = await getCollectionBySlug(db, viewer?.user?.id ?? null, request.params.username, request.params.slug);
    return sendHtml(reply, collectionPage(collection, items, viewer));
  });
}
