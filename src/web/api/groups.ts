/**
 * Groups in the JSON API: `GET /api/groups` (the public groups, and with a personal API token the
 * member's own too) and `GET /api/groups/{slug}` (a group with its members, queue and sessions).
 * A private group is answered only with the token of one of its members; to anyone else it is a
 * 404, as it is on the site, so its name never shows. Answers for a member are `private` to caches.
 * The shapes are zod schemas so that the OpenAPI description is made from them (openapi.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { groupFor, listGroups, type Group } from '../../groups/groups.js';
import { listMembers } from '../../groups/members.js';
import { organisationPapers } from '../../groups/organisations.js';
import { queueOf } from '../../groups/queue.js';
import { sessionsOf, type Session } from '../../groups/sessions.js';
import { describePapers } from '../../ranking/period-papers.js';
import type { WebDeps } from '../deps.js';
import { LIMITS } from '../security.js';
import { tokenUser } from './auth.js';
import { sendJsonCached } from './http.js';
import { paperSchema, presentPaper, presentSubmitter, submitterSchema } from './present.js';

const dateTime = z.string().meta({ format: 'date-time' });

export const groupSummarySchema = z
  .object({
    slug: z.string().meta({ description: 'Its short name, as in `/groups/<slug>`.' }),
    name: z.string(),
    description: z.string(),
    isPublic: z.boolean(),
    isOrganisation: z.boolean().meta({ description: 'An organisation shows the papers its members tag to it.' }),
    numMembers: z.number().int().min(0),
  })
  .meta({ description: 'A group.' });

const sessionSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  startsAt: dateTime.meta({ description: 'The start, in UTC.' }),
  timeZone: z.string().meta({ description: 'Where the group meets, an IANA name such as `Europe/Paris`.' }),
  durationMinutes: z.number().int(),
  presenter: submitterSchema.nullable(),
  papers: z.array(z.object({ id: z.string(), title: z.string() })),
  notes: z.string().meta({ description: 'Markdown with `$…$` math, as written.' }),
});

export const groupDetailSchema = groupSummarySchema
  .extend({
    members: z.array(submitterSchema.extend({ role: z.enum(['owner', 'admin', 'member']) })),
    queue: z
      .array(
        z.object({
          paper: paperSchema,
          note: z.string(),
          state: z.enum(['to_read', 'reading', 'discussed']),
          votes: z.number().int().min(0).meta({ description: "The group's votes (not the site's upvotes, which `paper.upvotes` gives)." }),
          proposedBy: submitterSchema.nullable(),
          addedAt: dateTime,
        }),
      )
      .meta({ description: "Every paper of the queue, most group votes first; discussed ones have the state `discussed`." }),
    upcomingSessions: z.array(sessionSchema),
    pastSessions: z.array(sessionSchema).meta({ description: 'The 50 latest, newest first.' }),
    taggedPapers: z.array(paperSchema).nullable().meta({ description: "An organisation's papers, tagged by its members; null for other groups." }),
  })
  .meta({ description: 'A group with its members, queue and sessions.' });

export function registerGroupApiRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { db } = deps;
  const read = { config: { rateLimit: LIMITS.api } };

  app.get('/api/groups', read, async (request, reply) => {
    const user = await tokenUser(db, request, reply, { optional: true });
    if (user === null) return reply;
    const { mine, others } = await listGroups(db, user?.id ?? null);
    const groups = [...mine.map((m) => m.group), ...others].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
    return sendJsonCached(request, reply, groups.map(summary), user ? 'private' : 'public');
  });

  app.get<{ Params: { slug: string } }>('/api/groups/:slug', read, async (request, reply) => {
    const user = await tokenUser(db, request, reply, { optional: true });
    if (user === null) return reply;
    const { group } = await groupFor(db, request.params.slug, user?.id ?? null);
    const now = new Date();
    const [members, queue, sessions, tagged] = await Promise.all([
      listMembers(db, group.id),
      queueOf(db, group.id, null),
      sessionsOf(db, group.id, now, { pastLimit: 50 }),
      group.isOrganisation ? organisationPapers(db, group.id) : Promise.resolve(null),
    ]);
    const listed = new Map((await describePapers(db, [...queue.map((q) => q.paper), ...(tagged ?? []).map((t) => t.paper)], now, { includeHidden: true })).map((l) => [l.paper.id, l]));
    const body = {
      ...summary(group),
      members: members.map((m) => ({ ...presentSubmitter(m)!, role: m.role })),
      queue: queue.map((q) => ({
        paper: presentPaper(listed.get(q.paper.id)!),
        note: q.note,
        state: q.state,
        votes: q.votes,
        proposedBy: presentSubmitter(q.proposedBy),
        addedAt: q.addedAt,
      })),
      upcomingSessions: sessions.upcoming.map(presentSession),
      pastSessions: sessions.past.map(presentSession),
      taggedPapers: tagged ? tagged.map((t) => presentPaper(listed.get(t.paper.id)!)) : null,
    };
    return sendJsonCached(request, reply, body, group.isPublic ? 'public' : 'private');
  });
}

function summary(g: Group): z.output<typeof groupSummarySchema> {
  return { slug: g.slug, name: g.name, description: g.description, isPublic: g.isPublic, isOrganisation: g.isOrganisation, numMembers: g.memberCount };
}

function presentSession(s: Session): z.output<typeof sessionSchema> {
  return {
    id: s.id,
    title: s.title,
    startsAt: s.startsAt,
    timeZone: s.timeZone,
    durationMinutes: s.durationMinutes,
    presenter: presentSubmitter(s.presenter),
    papers: s.papers,
    notes: s.notes,
  };
}
