/**
 * The group digest: once a week, to each member of a group who asked for it, what happened in the
 * group over the seven days before the run (papers added to the queue, what members upvoted on the
 * site, among those who show their upvotes) and the next session. It goes through the outbox like
 * every digest, keyed by group, ISO week and member, so a member gets one a week however often the
 * run happens; each carries a one-click unsubscribe (RFC 8058) that stops this group's digest only.
 */
import { isoWeekKey, weekPeriod, type Period } from '../catalog/periods.js';
import { memberToken } from '../groups/links.js';
import { describeWhen, sessionsOf } from '../groups/sessions.js';
import { html } from '../html.js';
import type { MailMessage } from '../mail/mailer.js';
import type { Paper } from '../papers/paper.js';
import { paperPath } from '../papers/urls.js';
import { getPaper } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import type { OutboxRow } from './outbox.js';
import { count, LINK, mailDocument, paperBlock, paperEntry, sectionHeading } from './render.js';

export const GROUP_DIGEST_KIND = 'group-digest';
/** The span a group digest looks back over. */
const SPAN_MS = 7 * 24 * 3600_000;
const MAX_PAPERS = 20;

/** What an outbox row of a group digest carries (as JSON). */
export interface GroupDigestContent {
  group: { id: number; slug: string; name: string };
  /** The ISO week the digest is for (one per member and week). */
  week: string;
  queued: Array<{ paperId: string; proposedBy: string | null; note: string }>;
  nextSession: { id: number; title: string; startsAt: string; timeZone: string; presenter: string | null; papers: Array<{ id: string; title: string }> } | null;
  upvoted: Array<{ paperId: string; by: string[] }>;
}

export interface GroupDigestReport {
  week: string;
  readers: number;
  composed: number;
  alreadyComposed: number;
  nothingNew: number;
}

/** `group-digest:3:2026-W49:12`: one digest per group, week and member, ever. */
export function groupDigestKey(groupId: number, week: string, userId: number): string {
  return `${GROUP_DIGEST_KIND}:${groupId}:${week}:${userId}`;
}

/** The ISO week a run at `now` belongs to. */
export function groupDigestWeek(now: Date): Period {
  return weekPeriod(isoWeekKey(now))!;
}

/**
 * Writes this week's group digest of every member who wants one (confirmed address, not
 * suspended) to the outbox; members whose digest for the week is there already, and groups with
 * nothing to tell, get none.
 */
export async function composeGroupDigests(db: Db, now = new Date()): Promise<GroupDigestReport> {
  const week = groupDigestWeek(now).key;
  const readers = await db
    .selectFrom('group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.group_id', 'm.user_id'])
    .where('m.digest', '=', 1)
    .where('u.suspended_at', 'is', null)
    .where('u.email_verified_at', 'is not', null)
    .orderBy('m.group_id')
    .orderBy('m.user_id')
    .execute();
  const report: GroupDigestReport = { week, readers: readers.length, composed: 0, alreadyComposed: 0, nothingNew: 0 };
  const byGroup = new Map<number, number[]>();
  for (const r of readers) byGroup.set(r.group_id, [...(byGroup.get(r.group_id) ?? []), r.user_id]);
  const at = now.toISOString();
  for (const [groupId, members] of byGroup) {
    const content = await groupContent(db, groupId, week, now);
    if (!content) {
      report.nothingNew += members.length;
      continue;
    }
    const rows = await db
      .insertInto('mail_outbox')
      .values(
        members.map((userId) => ({
          key: groupDigestKey(groupId, week, userId),
          subscription_id: null,
          group_id: groupId,
          user_id: userId,
          kind: GROUP_DIGEST_KIND,
          period: week,
          content: JSON.stringify(content),
          status: 'queued' as const,
          attempts: 0,
          next_attempt_at: at,
          created_at: at,
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('id')
      .execute();
    report.composed += rows.length;
    report.alreadyComposed += members.length - rows.length;
  }
  return report;
}

/** What the group's digest says this week, or null when there is nothing to say. */
async function groupContent(db: Db, groupId: number, week: string, now: Date): Promise<GroupDigestContent | null> {
  const group = await db.selectFrom('groups').select(['id', 'slug', 'name']).where('id', '=', groupId).executeTakeFirst();
  if (!group) return null;
  const since = new Date(now.getTime() - SPAN_MS).toISOString();
  const hidden = db.selectFrom('hidden_papers').select('paper_id');
  const queued = await db
    .selectFrom('group_queue as q')
    .leftJoin('users as u', 'u.id', 'q.proposed_by')
    .select(['q.paper_id', 'q.note', 'u.display_name'])
    .where('q.group_id', '=', groupId)
    .where('q.added_at', '>=', since)
    .where('q.paper_id', 'not in', hidden)
    .orderBy('q.added_at')
    .limit(MAX_PAPERS)
    .execute();
  const votes = await db
    .selectFrom('votes as v')
    .innerJoin('group_members as m', 'm.user_id', 'v.user_id')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .select(['v.paper_id', 'u.display_name'])
    .where('m.group_id', '=', groupId)
    .where('u.upvotes_public', '=', 1)
    .where('v.created_at', '>=', since)
    .where('v.paper_id', 'not in', hidden)
    .orderBy('v.created_at', 'desc')
    .execute();
  const upvoted = new Map<string, string[]>();
  for (const v of votes) upvoted.set(v.paper_id, [...(upvoted.get(v.paper_id) ?? []), v.display_name]);
  const next = (await sessionsOf(db, groupId, now, { pastLimit: 0 })).upcoming.find((s) => Date.parse(s.startsAt) > now.getTime()) ?? null;
  if (queued.length === 0 && upvoted.size === 0 && next === null) return null;
  return {
    group,
    week,
    queued: queued.map((q) => ({ paperId: q.paper_id, proposedBy: q.display_name, note: q.note })),
    nextSession: next && { id: next.id, title: next.title, startsAt: next.startsAt, timeZone: next.timeZone, presenter: next.presenter?.displayName ?? null, papers: next.papers },
    upvoted: [...upvoted].sort((a, b) => b[1].length - a[1].length).slice(0, MAX_PAPERS).map(([paperId, by]) => ({ paperId, by })),
  };
}

/** Makes the mail of a group digest's outbox row, addressed to the member as they are now. */
export class GroupDigestRenderer {
  private readonly papers = new Map<string, Paper | null>();

  constructor(
    private readonly db: Db,
    private readonly settings: { baseUrl: string; secret: string },
  ) {}

  async render(row: OutboxRow): Promise<MailMessage> {
    const content = JSON.parse(row.content) as GroupDigestContent;
    const member = await this.db
      .selectFrom('group_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.email', 'm.link_version'])
      .where('m.group_id', '=', row.group_id!)
      .where('m.user_id', '=', row.user_id!)
      .executeTakeFirst();
    if (!member) throw new Error(`member ${row.user_id} is not in group ${row.group_id} any more`);
    const { baseUrl, secret } = this.settings;
    const group = content.group;
    const groupUrl = `${baseUrl}/groups/${group.slug}`;
    const unsubscribe = `${groupUrl}/digest/unsubscribe?token=${memberToken(secret, 'unsubscribe', group.id, { userId: row.user_id!, linkVersion: member.link_version })}`;

    const queued = await this.entries(content.queued.map((q) => ({ paperId: q.paperId, reason: `Added by ${q.proposedBy ?? 'a former member'}${q.note ? `: “${q.note}”` : ''}` })));
    const upvoted = await this.entries(content.upvoted.map((u) => ({ paperId: u.paperId, reason: `Upvoted by ${u.by.join(', ')}` })));
    const next = content.nextSession;
    const nextText = next ? `${next.title}, ${describeWhen(next.startsAt, next.timeZone)}${next.presenter ? `, presented by ${next.presenter}` : ''}` : null;
    const nextUrl = next ? `${groupUrl}/sessions/${next.id}` : null;
    const subject = `${group.name} this week: ${count(queued.length)} new in the queue${next ? ', next session ahead' : ''}`;

    const text = [
      `${group.name}: the week on Paperboy`,
      '',
      ...(nextText ? ['NEXT SESSION', '', nextText, ...next!.papers.map((p) => `   ${p.title} (${baseUrl}${paperPath(p.id)})`), nextUrl!, ''] : []),
      ...(queued.length > 0 ? ['NEW IN THE QUEUE', '', ...queued.flatMap((e) => [`- ${e.block.text}`, `   ${e.reason}`, `   ${baseUrl}${paperPath(e.paper.id)}`, '']) ] : []),
      ...(upvoted.length > 0 ? ['UPVOTED BY MEMBERS', '', ...upvoted.flatMap((e) => [`- ${e.block.text}`, `   ${e.reason}`, `   ${baseUrl}${paperPath(e.paper.id)}`, '']) ] : []),
      '-- ',
      `You get this weekly digest because you asked for it as a member of ${group.name}: ${groupUrl}`,
      `Stop it: ${unsubscribe}`,
    ].join('\n');

    const body = html`${nextText
      ? html`${sectionHeading('Next session')}<p style="margin:0 0 22px;"><a href="${nextUrl!}" style="${LINK}">${nextText}</a>${next!.papers.length > 0 ? html`<br><span style="font-size:14px;color:#52525b;">${next!.papers.map((p, i) => html`${i > 0 ? '; ' : ''}${p.title}`)}</span>` : ''}</p>`
      : ''}
${queued.length > 0 ? html`${sectionHeading('New in the queue')}${queued.map((e) => paperEntry(e.block, e.reason))}` : ''}
${upvoted.length > 0 ? html`${sectionHeading('Upvoted by members')}${upvoted.map((e) => paperEntry(e.block, e.reason))}` : ''}`;
    return {
      to: member.email,
      subject,
      text: `${text}\n`,
      html: mailDocument({
        baseUrl,
        subject,
        preheader: nextText ?? `${count(queued.length)} new in the queue`,
        heading: group.name,
        lead: `The week in the group · ${count(queued.length)} new in the queue`,
        body,
        footer: html`You get this weekly digest because you asked for it as a member of <a href="${groupUrl}" style="color:#71717a;">${group.name}</a>.<br><a href="${unsubscribe}" style="${LINK}">Stop this group's digest</a>`,
      }).value,
      headers: {
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': `${group.name.replace(/[<>"\\]/g, '')} <${group.slug}.groups.${new URL(baseUrl).hostname}>`,
      },
    };
  }

  /** The papers still in the catalog and not hidden, each with its block and reason. */
  private async entries(items: Array<{ paperId: string; reason: string }>) {
    const hidden = new Set((await this.db.selectFrom('hidden_papers').select('paper_id').execute()).map((r) => r.paper_id));
    const out = [];
    for (const item of items) {
      if (hidden.has(item.paperId)) continue;
      if (!this.papers.has(item.paperId)) this.papers.set(item.paperId, await getPaper(this.db, item.paperId));
      const paper = this.papers.get(item.paperId);
      if (paper) out.push({ paper, reason: item.reason, block: paperBlock(this.settings.baseUrl, paper) });
    }
    return out;
  }
}
