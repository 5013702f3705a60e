import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendSubscriptionMail, type SubscriptionMailSettings } from '../../digest/confirm-mail.js';
import { readSubscriptionToken, subscriptionLink, TOKEN_PROBLEMS, type LinkPurpose } from '../../digest/links.js';
import {
  confirmSubscription,
  readPreferences,
  resumeSubscription,
  subscribe,
  subscriptionByEmail,
  subscriptionByLink,
  SubscriptionError,
  unsubscribe,
  updatePreferences,
  type PreferencesForm,
  type Subscription,
} from '../../digest/subscriptions.js';
import { viewerOf, type WebDeps } from '../deps.js';
import { formString } from '../forms.js';
import type { Html } from '../../html.js';
import {
  checkInboxPage,
  confirmedPage,
  confirmPage,
  linkProblemPage,
  mailFailedPage,
  managePage,
  memberSubscribedPage,
  subscribePage,
  unsubscribedPage,
  unsubscribePage,
  type SubscriptionFormState,
} from '../pages/subscriptions.js';
import { refusalStatus } from '../refusals.js';
import { serverSecret } from '../secret.js';
import { authLimited, emailTarget, LIMITS } from '../security.js';

/**
 * The signed-link forms. Generous: one-click unsubscribes come from the few servers of the big mail
 * providers, and the token, not the count, is what keeps strangers out.
 */
const LINK_LIMIT = { max: 300, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => `subscription-link:${request.ip}` };
/** A body larger than this on the one-click route is not a mail provider's POST. */
const ONE_CLICK_BODY_LIMIT = 16 * 1024;
/** Generous enough that no list is cut short before it is checked (forms are 64 KB at most). */
const LIST_FIELD_MAX = 64 * 1024;

type TokenQuery = { Querystring: { token?: string } };

function send(reply: FastifyReply, body: Html, status = 200) {
  // Pages reached by a signed link hold that link: keep them out of caches.
  return reply.code(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(body.value);
}

function preferencesForm(body: unknown): PreferencesForm {
  return {
    frequency: formString(body, 'frequency', 20),
    categories: formString(body, 'categories', LIST_FIELD_MAX),
    authors: formString(body, 'authors', LIST_FIELD_MAX),
    searches: formString(body, 'searches', LIST_FIELD_MAX),
  };
}

/** Email subscriptions: subscribe, confirm, manage and unsubscribe (signed links, no password). */
export function registerSubscriptionRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { db, config } = deps;
  const settings: SubscriptionMailSettings = { baseUrl: config.baseUrl.replace(/\/+$/, ''), secret: serverSecret(config.dataDir, config.secret) };
  /** Same-site path of a fresh signed link, for links and forms on our own pages. */
  const pathFor = (purpose: LinkPurpose, s: Subscription) => subscriptionLink('', settings.secret, purpose, s);

  /** The subscription a link points to, or a page saying why the link does not work. */
  const fromLink = async (request: FastifyRequest<TokenQuery>, reply: FastifyReply, purpose: LinkPurpose): Promise<{ token: string; subscription: Subscription } | null> => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    const read = readSubscriptionToken(settings.secret, token, purpose);
    if ('problem' in read) {
      const message = read.problem === TOKEN_PROBLEMS.expired && purpose === 'confirm' ? `${read.problem} Subscribe again to get a new one.` : read.problem;
      await send(reply, linkProblemPage(viewerOf(request, reply), message), read.problem === TOKEN_PROBLEMS.forged ? 403 : 400);
      return null;
    }
    const subscription = await subscriptionByLink(db, read.subscriptionId, read.linkVersion);
    if (!subscription) {
      await send(reply, linkProblemPage(viewerOf(request, reply), 'This subscription no longer exists, or the link has been replaced by a newer one.'), 404);
      return null;
    }
    return { token, subscription };
  };

  app.get('/subscribe', async (request, reply) => {
    const viewer = viewerOf(request, reply);
    const user = request.user;
    let own: { status: Subscription['status']; manageUrl: string } | null = null;
    if (user?.emailVerified) {
      const mine = await subscriptionByEmail(db, user.email);
      if (mine && mine.status !== 'unsubscribed') own = { status: mine.status, manageUrl: pathFor('manage', mine) };
    }
    return send(reply, subscribePage(viewer, { values: { email: user?.email ?? '', frequency: 'daily' } }, own));
  });

  app.post('/subscribe', authLimited(app, 'subscribe', LIMITS.subscribe, emailTarget('email')), async (request, reply) => {
    const form = preferencesForm(request.body);
    const values = { email: formString(request.body, 'email', 1000), ...form };
    try {
      const preferences = readPreferences(form);
      const result = await subscribe(db, { email: values.email, preferences, member: request.user });
      if (result.outcome === 'member') return send(reply, memberSubscribedPage(viewerOf(request, reply), result.subscription, pathFor('manage', result.subscription)));
      try {
        await sendSubscriptionMail(deps, settings, result.subscription, result.mail);
      } catch (error) {
        request.log.warn({ err: error, subscription: result.subscription.id }, 'subscription mail not sent');
        return send(reply, mailFailedPage(viewerOf(request, reply)), 503);
      }
      return send(reply, checkInboxPage(viewerOf(request, reply), result.subscription.email));
    } catch (error) {
      if (!(error instanceof SubscriptionError)) throw error;
      const state: SubscriptionFormState = { values, message: error.message, ...(error.field ? { errors: { [error.field]: error.message } } : {}) };
      return send(reply, subscribePage(viewerOf(request, reply), state), refusalStatus(error));
    }
  });

  // Mail scanners open links: a GET only shows the button; the POST confirms.
  app.get<TokenQuery>('/subscribe/confirm', async (request, reply) => {
    const link = await fromLink(request, reply, 'confirm');
    if (!link) return reply;
    const viewer = viewerOf(request, reply);
    if (link.subscription.status === 'active') return send(reply, confirmedPage(viewer, link.subscription, pathFor('manage', link.subscription)));
    return send(reply, confirmPage(viewer, link.token, link.subscription));
  });

  app.post<TokenQuery>('/subscribe/confirm', { preHandler: app.csrfProtection, config: { rateLimit: LINK_LIMIT } }, async (request, reply) => {
    const link = await fromLink(request, reply, 'confirm');
    if (!link) return reply;
    const subscription = await confirmSubscription(db, link.subscription.id, link.subscription.linkVersion);
    return send(reply, confirmedPage(viewerOf(request, reply), subscription, pathFor('manage', subscription)));
  });

  app.get<TokenQuery>('/subscribe/manage', async (request, reply) => {
    const link = await fromLink(request, reply, 'manage');
    if (!link) return reply;
    return send(reply, managePage(viewerOf(request, reply), link.token, link.subscription, pathFor('unsubscribe', link.subscription)));
  });

  app.post<TokenQuery>('/subscribe/manage', { preHandler: app.csrfProtection, config: { rateLimit: LINK_LIMIT } }, async (request, reply) => {
    const link = await fromLink(request, reply, 'manage');
    if (!link) return reply;
    const { token } = link;
    if (formString(request.body, 'action', 20) === 'resume') {
      const resumed = await resumeSubscription(db, link.subscription.id, link.subscription.linkVersion);
      return send(reply, managePage(viewerOf(request, reply), token, resumed, pathFor('unsubscribe', resumed), { saved: true }));
    }
    const form = preferencesForm(request.body);
    let saved: Subscription;
    try {
      saved = await updatePreferences(db, link.subscription.id, link.subscription.linkVersion, readPreferences(form));
    } catch (error) {
      // A wrong field is shown beside the form, which keeps what was typed.
      if (!(error instanceof SubscriptionError) || error.code !== 'invalid') throw error;
      const state = { values: form, message: error.message, ...(error.field ? { errors: { [error.field]: error.message } } : {}) };
      return send(reply, managePage(viewerOf(request, reply), token, link.subscription, pathFor('unsubscribe', link.subscription), state), refusalStatus(error));
    }
    return send(reply, managePage(viewerOf(request, reply), token, saved, pathFor('unsubscribe', saved), { saved: true }));
  });

  app.get<TokenQuery>('/subscribe/unsubscribe', async (request, reply) => {
    const link = await fromLink(request, reply, 'unsubscribe');
    if (!link) return reply;
    return send(reply, unsubscribePage(viewerOf(request, reply), link.token, link.subscription));
  });

  // RFC 8058 one-click: mail providers POST `List-Unsubscribe=One-Click` with neither cookies nor
  // a form token, as application/x-www-form-urlencoded or multipart/form-data. The signed token
  // is the proof, so there is no CSRF check; the body is not needed. Registered in a scope of its
  // own so multipart bodies are accepted here only.
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: ONE_CLICK_BODY_LIMIT }, (_request, _body, done) => done(null, {}));
    scope.post<TokenQuery>('/subscribe/unsubscribe', { bodyLimit: ONE_CLICK_BODY_LIMIT, config: { rateLimit: LINK_LIMIT } }, async (request, reply) => {
      const link = await fromLink(request, reply, 'unsubscribe');
      if (!link) return reply;
      const subscription = await unsubscribe(db, link.subscription.id, link.subscription.linkVersion);
      request.log.info({ subscription: subscription.id }, 'unsubscribed');
      const manage = subscription.confirmedAt !== null ? pathFor('manage', subscription) : undefined;
      return send(reply, unsubscribedPage(viewerOf(request, reply), subscription, manage));
    });
  });
}
