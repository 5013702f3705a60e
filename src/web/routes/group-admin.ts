/**
 * A group's settings page and the admins' writes: the group's name and visibility, invitations
 * (a link shown once, or a mail), members' roles, removal and handing the group on, and the chat
 * webhooks with their failures. The domain checks every role; these routes only say it as pages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CommunityError } from '../../community/errors.js';
import { addWebhook, removeWebhook, webhooksOf } from '../../groups/chat.js';
import { groupFor, hasRole, requireRole, updateGroup, type GroupView } from '../../groups/groups.js';
import { invitationMail, invitationUrl } from '../../groups/invitation-mail.js';
import { createInvitation } from '../../groups/invitations.js';
import { listMembers, removeMember, setRole, transferOwnership } from '../../groups/members.js';
import type { WebDeps } from '../deps.js';
import { formString } from '../forms.js';
import type { PageCache } from '../page-cache.js';
import { settingsPage, type SettingsData } from '../pages/group-settings.js';
import { refusalStatus } from '../refusals.js';
import { serverSecret } from '../secret.js';
import { formToken, LIMITS } from '../security.js';
import { sendHtml } from './catalog.js';

type SlugParams = { Params: { slug: string } };
/** Invitations by mail, per member: each one sends a mail to an address someone typed. */
const INVITE_LIMIT = { max: 20, timeWindow: '1 hour' };

export function registerGroupAdminRoutes(app: FastifyInstance, deps: WebDeps & { cache: PageCache }): void {
  const { db, cache, config } = deps;
  const secret = serverSecret(config.dataDir, config.secret);
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const policy = { allowPrivate: config.webhookAllowPrivate };
  const write = { preHandler: app.csrfProtection, config: { rateLimit: LIMITS.write } };

  /** The group and the admin looking at it, or null after sending them to sign in. Non-admins are refused by the domain. */
  const asAdmin = async (request: FastifyRequest<SlugParams>, reply: FastifyReply): Promise<(GroupView & { userId: number }) | null> => {
    if (!request.user) {
      await reply.redirect(`/signin?next=${encodeURIComponent(`/groups/${request.params.slug}/settings`)}`, 303);
      return null;
    }
    const view = await groupFor(db, request.params.slug, request.user.id);
    await requireRole(db, view.group.id, request.user.id, 'admin');
    return { ...view, userId: request.user.id };
  };

  const showSettings = async (request: FastifyRequest<SlugParams>, reply: FastifyReply, view: GroupView & { userId: number }, extra: Partial<SettingsData> = {}, status = 200) => {
    const [members, webhooks] = await Promise.all([listMembers(db, view.group.id), webhooksOf(db, view.userId, view.group.id)]);
    reply.header('Cache-Control', 'private, no-store');
    return sendHtml(reply, settingsPage({ group: view.group, membership: view.membership!, members, webhooks, ...extra }, { user: request.user, csrf: formToken(reply) }), status);
  };

  /** Runs an admin's write; a refusal with a field is shown on the settings page beside the form. */
  const adminWrite = async (request: FastifyRequest<SlugParams>, reply: FastifyReply, action: (view: GroupView & { userId: number }) => Promise<Partial<SettingsData> | string>) => {
    const view = await asAdmin(request, reply);
    if (!view) return reply;
    try {
      const result = await action(view);
      cache.invalidate();
      if (typeof result === 'string') return reply.redirect(result, 303);
      const fresh = await groupFor(db, view.group.slug, view.userId);
      return showSettings(request, reply, { ...fresh, userId: view.userId }, result);
    } catch (error) {
      if (!(error instanceof CommunityError) || error.field === undefined) throw error;
      const values = Object.fromEntries(['name', 'description', 'email', 'service'].map((k) => [k, formString(request.body, k, 4000)]));
      return showSettings(request, reply, view, { errors: { [error.field]: error.message }, values, message: { kind: 'error', text: error.message } }, refusalStatus(error));
    }
  };

  app.get<SlugParams>('/groups/:slug/settings', async (request, reply) => {
    const view = await asAdmin(request, reply);
    return view ? showSettings(request, reply, view) : reply;
  });

  app.post<SlugParams>('/groups/:slug/settings', write, async (request, reply) =>
    adminWrite(request, reply, async (view) => {
      await updateGroup(db, view.userId, view.group.id, {
        name: formString(request.body, 'name', 200),
        description: formString(request.body, 'description', 4000),
        isPublic: formString(request.body, 'isPublic') === '1',
        isOrganisation: formString(request.body, 'isOrganisation') === '1',
      });
      return { message: { kind: 'info', text: 'Saved.' } };
    }),
  );

  app.post<SlugParams>('/groups/:slug/invitations', { preHandler: app.csrfProtection, config: { rateLimit: INVITE_LIMIT } }, async (request, reply) =>
    adminWrite(request, reply, async (view) => {
      const email = formString(request.body, 'email', 400);
      const { invitation, token } = await createInvitation(db, secret, view.userId, view.group.id, email === '' ? {} : { email });
      if (invitation.email === null) return { invitationLink: invitationUrl(baseUrl, token) };
      const inviter = request.user!.displayName;
      try {
        await deps.mailer.send(invitationMail({ to: invitation.email, inviter, group: view.group.name, token, baseUrl }));
      } catch (error) {
        request.log.warn({ err: error, group: view.group.id, invitation: invitation.id }, 'invitation mail not sent');
        throw new CommunityError('unavailable', 'The invitation could not be mailed just now; try again later, or send a link yourself.', { cause: error });
      }
      return { message: { kind: 'info', text: `Invitation sent to ${invitation.email}.` } };
    }),
  );

  app.post<{ Params: { slug: string; id: string; action: string } }>('/groups/:slug/members/:id/:action', write, async (request, reply) =>
    adminWrite(request as FastifyRequest<SlugParams>, reply, async (view) => {
      const { id, action } = request.params as { id: string; action: string };
      const target = Number.parseInt(id, 10);
      if (action === 'role') {
        const role = formString(request.body, 'role', 20);
        await setRole(db, view.userId, view.group.id, target, role === 'admin' ? 'admin' : 'member');
      } else if (action === 'transfer') {
        await transferOwnership(db, view.userId, view.group.id, target);
      } else if (action === 'remove') {
        await removeMember(db, view.userId, view.group.id, target);
      } else {
        throw new CommunityError('not_found', 'Unknown action.');
      }
      // Handing the group on may leave the former owner without this page.
      const still = hasRole((await groupFor(db, view.group.slug, view.userId)).membership?.role, 'admin');
      return still ? { message: { kind: 'info', text: 'Done.' } } : `/groups/${view.group.slug}`;
    }),
  );

  app.post<SlugParams>('/groups/:slug/webhooks', write, async (request, reply) =>
    adminWrite(request, reply, async (view) => {
      const hook = await addWebhook(db, view.userId, view.group.id, { service: formString(request.body, 'service', 20), url: formString(request.body, 'url', 4000) }, policy);
      return { message: { kind: 'info', text: `Added; new queue items and sessions will be posted to ${hook.shownUrl}` } };
    }),
  );

  app.post<{ Params: { slug: string; id: string } }>('/groups/:slug/webhooks/:id/delete', write, async (request, reply) =>
    adminWrite(request as FastifyRequest<SlugParams>, reply, async (view) => {
      await removeWebhook(db, view.userId, view.group.id, Number.parseInt((request.params as { id: string }).id, 10));
      return { message: { kind: 'info', text: 'Removed.' } };
    }),
  );
}
