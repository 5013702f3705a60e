/**
 * Journal-club sessions: a date and time where the group meets (an IANA time zone), a presenter
 * who is a member, the papers from the queue, and notes in Markdown with math, as comments have.
 * Sessions are kept after they happen: they are the group's history. The admins schedule and
 * change them; the presenter writes the notes. Each change raises the session's sequence, which
 * calendar programs use to replace the event they hold.
 */
import { CommunityError, FORBIDDEN_IN_LINE, invalid } from '../community/errors.js';
import type { PublicUser } from '../community/users.js';
import { isTimeZone } from '../config.js';
import { perStatement } from '../store/chunks.js';
import type { Db } from '../store/schema.js';
import { enqueueChat, type Segment } from './chat.js';
import { groupById, hasRole, membershipOf, requireRole } from './groups.js';
import { multilineText } from './text.js';

export const MAX_TITLE_LENGTH = 200;
export const MAX_NOTES_LENGTH = 50_000;
export const MAX_SESSION_PAPERS = 10;
export const DEFAULT_DURATION_MINUTES = 60;

export interface Session {
  id: number;
  groupId: number;
  title: string;
  /** ISO 8601 UTC. */
  startsAt: string;
  /** Where the group meets, as an IANA name; the page shows the time there. */
  timeZone: string;
  durationMinutes: number;
  presenter: PublicUser | null;
  /** Markdown as written. */
  notes: string;
  papers: Array<{ id: string; title: string }>;
  sequence: number;
  createdAt: string;
  updatedAt: string;
}

export interface SessionInput {
  title: string;
  /** Local date and time where the group meets: `2026-12-10T18:00`. */
  startsAt: string;
  timeZone: string;
  durationMinutes?: number;
  /** A member's id; null for none yet. */
  presenterId: number | null;
  paperIds: string[];
}

export async function scheduleSession(db: Db, userId: number, groupId: number, input: SessionInput, now = new Date()): Promise<Session> {
  await requireRole(db, groupId, userId, 'admin');
  const fields = await checkInput(db, groupId, input);
  const at = now.toISOString();
  const group = (await groupById(db, groupId))!;
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('group_sessions')
      .values({ group_id: groupId, ...fields.row, notes: '', created_by: userId, created_at: at, updated_at: at, sequence: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setPapers(trx, row.id, fields.paperIds);
    const session = (await sessionById(trx, groupId, row.id))!;
    await enqueueChat(trx, groupId, `session:${row.id}`, { segments: sessionAnnouncement(group, session) }, now);
    return row.id;
  });
  return (await sessionById(db, groupId, id))!;
}

/** The admins change anything; the presenter only the notes. */
export async function updateSession(db: Db, userId: number, groupId: number, sessionId: number, patch: Partial<SessionInput> & { notes?: string }, now = new Date()): Promise<Session> {
  const membership = await requireRole(db, groupId, userId, 'member');
  const session = await sessionById(db, groupId, sessionId);
  if (!session) throw new CommunityError('not_found', 'This group has no such session.');
  const isAdmin = hasRole(membership.role, 'admin');
  const onlyNotes = Object.keys(patch).every((k) => k === 'notes');
  if (!isAdmin && !(onlyNotes && session.presenter?.id === userId)) throw new CommunityError('forbidden', 'Only the admins can change a session; its presenter can write its notes.');
  const notes = patch.notes === undefined ? undefined : multilineText(patch.notes, 'notes', MAX_NOTES_LENGTH, 'The notes');
  const fields = onlyNotes
    ? null
    : await checkInput(db, groupId, {
        title: patch.title ?? session.title,
        startsAt: patch.startsAt ?? localDateTime(session.startsAt, patch.timeZone ?? session.timeZone),
        timeZone: patch.timeZone ?? session.timeZone,
        durationMinutes: patch.durationMinutes ?? session.durationMinutes,
        presenterId: patch.presenterId === undefined ? (session.presenter?.id ?? null) : patch.presenterId,
        paperIds: patch.paperIds ?? session.papers.map((p) => p.id),
      });
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('group_sessions')
      .set((eb) => ({ ...(fields?.row ?? {}), ...(notes === undefined ? {} : { notes }), updated_at: now.toISOString(), sequence: eb('sequence', '+', 1) }))
      .where('id', '=', sessionId)
      .where('group_id', '=', groupId)
      .execute();
    if (fields) await setPapers(trx, sessionId, fields.paperIds);
  });
  return (await sessionById(db, groupId, sessionId))!;
}

/** Sessions not over yet (soonest first) and the group's history (latest first). */
export async function sessionsOf(db: Db, groupId: number, now = new Date(), options: { pastLimit?: number } = {}): Promise<{ upcoming: Session[]; past: Session[] }> {
  const rows = await sessionQuery(db).where('s.group_id', '=', groupId).orderBy('s.starts_at').orderBy('s.id').execute();
  const sessions = await withPapers(db, rows);
  const over = (s: Session) => Date.parse(s.startsAt) + s.durationMinutes * 60_000 <= now.getTime();
  return { upcoming: sessions.filter((s) => !over(s)), past: sessions.filter(over).reverse().slice(0, options.pastLimit ?? 100) };
}

export async function sessionById(db: Db, groupId: number, sessionId: number): Promise<Session | null> {
  if (!Number.isSafeInteger(sessionId)) return null;
  const rows = await sessionQuery(db).where('s.group_id', '=', groupId).where('s.id', '=', sessionId).execute();
  return (await withPapers(db, rows))[0] ?? null;
}

/** "Thursday 10 December 2026, 18:00 (Europe/Paris)": the time where the group meets. */
export function describeWhen(startsAt: string, timeZone: string): string {
  const p = parts(formatter('long', timeZone), startsAt);
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} (${timeZone})`;
}

/**
 * The instant of a wall-clock time in a time zone. A time that the zone skips (clocks going
 * forward) is refused; one it passes twice (clocks going back) is the first of the two.
 */
export function instantOf(local: string, timeZone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(typeof local === 'string' ? local.trim() : '');
  if (!match) throw invalid('startsAt', 'Give the date and time as 2026-12-10T18:00.');
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(asUtc) || new Date(asUtc).getUTCDate() !== d || h > 23 || mi > 59) throw invalid('startsAt', `${local} is not a date and time.`);
  // Offsets of the zone around that time; the right one maps back to the wall clock asked for.
  for (const guess of [asUtc - offsetAt(asUtc, timeZone), asUtc - offsetAt(asUtc - 12 * 3600_000, timeZone), asUtc - offsetAt(asUtc + 12 * 3600_000, timeZone)].sort((a, b) => a - b)) {
    if (localDateTime(new Date(guess).toISOString(), timeZone) === `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}`) return new Date(guess);
  }
  throw invalid('startsAt', `${local} does not happen in ${timeZone}: the clocks skip it.`);
}

/** The wall-clock time of an instant in a time zone, as `2026-12-10T18:00` (what a form shows). */
export function localDateTime(instant: string, timeZone: string): string {
  const p = parts(formatter('numeric', timeZone), instant);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Formatters are costly to make (a fraction of a millisecond each) and a page shows many sessions: one per style and zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: 'long' | 'numeric', timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      style === 'long'
        ? new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        : new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

function parts(f: Intl.DateTimeFormat, instant: string): Record<string, string> {
  return Object.fromEntries(f.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
}

/** How far the zone's wall clock is ahead of UTC at that instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const local = localDateTime(new Date(instant).toISOString(), timeZone);
  const [date, time] = local.split('T') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return Date.UTC(y, mo - 1, d, h, mi) - Math.floor(instant / 60_000) * 60_000;
}

/** What the group's chat hears when a session is scheduled. */
function sessionAnnouncement(group: { name: string; slug: string }, session: Session): Segment[] {
  const segments: Segment[] = [
    'Next session of ',
    { label: group.name, path: `/groups/${group.slug}` },
    ': ',
    { label: session.title, path: `/groups/${group.slug}/sessions/${session.id}` },
    `, ${describeWhen(session.startsAt, session.timeZone)}${session.presenter ? `, presented by ${session.presenter.displayName}` : ''}.`,
  ];
  session.papers.forEach((p, i) => segments.push(i === 0 ? ' Papers: ' : '; ', { label: p.title, path: `/papers/${p.id}` }));
  return segments;
}

async function checkInput(db: Db, groupId: number, input: SessionInput) {
  const title = typeof input.title === 'string' ? input.title.normalize('NFC').trim().replace(/\s+/g, ' ') : '';
  if (title === '') throw invalid('title', 'A session needs a title.');
  if (FORBIDDEN_IN_LINE.test(title) || [...title].length > MAX_TITLE_LENGTH) throw invalid('title', `A title is one line of at most ${MAX_TITLE_LENGTH} characters.`);
  const timeZone = typeof input.timeZone === 'string' ? input.timeZone.trim() : '';
  if (timeZone === '' || timeZone.length > 64 || !isTimeZone(timeZone)) throw invalid('timeZone', 'Give an IANA time zone such as Europe/Paris, America/New_York or UTC.');
  const startsAt = instantOf(input.startsAt, timeZone);
  const duration = input.durationMinutes ?? DEFAULT_DURATION_MINUTES;
  if (!Number.isInteger(duration) || duration < 5 || duration > 24 * 60) throw invalid('durationMinutes', 'A session lasts between 5 minutes and 24 hours.');
  if (input.presenterId !== null && !(Number.isSafeInteger(input.presenterId) && (await membershipOf(db, groupId, input.presenterId)))) throw invalid('presenter', 'The presenter must be a member of the group.');
  const paperIds = [...new Set(input.paperIds)];
  if (paperIds.length > MAX_SESSION_PAPERS) throw invalid('papers', `A session has at most ${MAX_SESSION_PAPERS} papers.`);
  if (paperIds.length > 0) {
    const queued = await db.selectFrom('group_queue').select('paper_id').where('group_id', '=', groupId).where('paper_id', 'in', paperIds).execute();
    const missing = paperIds.filter((id) => !queued.some((q) => q.paper_id === id));
    if (missing.length > 0) throw invalid('papers', `Only papers of the group's queue can be on a session; arXiv:${missing[0]} is not.`);
  }
  return {
    row: { title, starts_at: startsAt.toISOString(), time_zone: timeZone, duration_minutes: duration, presenter_id: input.presenterId },
    paperIds,
  };
}

async function setPapers(trx: Db, sessionId: number, paperIds: string[]): Promise<void> {
  await trx.deleteFrom('group_session_papers').where('session_id', '=', sessionId).execute();
  if (paperIds.length > 0) await trx.insertInto('group_session_papers').values(paperIds.map((paper_id, position) => ({ session_id: sessionId, paper_id, position }))).execute();
}

function sessionQuery(db: Db) {
  return db
    .selectFrom('group_sessions as s')
    .leftJoin('users as u', 'u.id', 's.presenter_id')
    .selectAll('s')
    .select(['u.username as presenter_username', 'u.display_name as presenter_name']);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionQuery>['execute']>>[number];

async function withPapers(db: Db, rows: SessionRow[]): Promise<Session[]> {
  const papers = new Map<number, Array<{ id: string; title: string }>>();
  for (const chunk of perStatement(rows.map((r) => r.id))) {
    const found = await db
      .selectFrom('group_session_papers as sp')
      .innerJoin('papers as p', 'p.id', 'sp.paper_id')
      .select(['sp.session_id', 'p.id', 'p.title'])
      .where('sp.session_id', 'in', chunk)
      .orderBy('sp.session_id')
      .orderBy('sp.position')
      .execute();
    for (const f of found) papers.set(f.session_id, [...(papers.get(f.session_id) ?? []), { id: f.id, title: f.title }]);
  }
  return rows.map((r) => ({
    id: r.id,
    groupId: r.group_id,
    title: r.title,
    startsAt: r.starts_at,
    timeZone: r.time_zone,
    durationMinutes: r.duration_minutes,
    presenter: r.presenter_id !== null && r.presenter_username !== null && r.presenter_name !== null ? { id: r.presenter_id, username: r.presenter_username, displayName: r.presenter_name } : null,
    notes: r.notes,
    papers: papers.get(r.id) ?? [],
    sequence: r.sequence,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}
