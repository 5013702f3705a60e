/**
 * A group's shared queue: members propose papers with a note, vote for them inside the group, and
 * move each from "to read" to "reading" to "discussed". Every group vote goes through
 * `toggleGroupVote`: the vote row and the item's counter change in one transaction, relative
 * (`votes = votes + 1`), so the count is always the number of vote rows, on either database.
 * A paper not yet in the catalog is fetched from arXiv the way submissions are, and stored in the
 * transaction that queues it, with the messages for the group's chat webhooks.
 */
import type { FetchPaper } from '../catalog/fetch-paper.js';
import { CommunityError, invalid } from '../community/errors.js';
import { fetchIfMissing, paperIdFrom } from '../community/submissions.js';
import type { PublicUser } from '../community/users.js';
import type { Paper } from '../papers/paper.js';
import { fromRow, upsertPapers } from '../store/papers.js';
import type { Db, QueueState } from '../store/schema.js';
import { enqueueChat } from './chat.js';
import { groupById, hasRole, requireRole } from './groups.js';
import { multilineText } from './text.js';

export const QUEUE_STATES: readonly QueueState[] = ['to_read', 'reading', 'discussed'];
export const STATE_NAMES: Readonly<Record<QueueState, string>> = { to_read: 'To read', reading: 'Reading', discussed: 'Discussed' };
export const MAX_NOTE_LENGTH = 1000;
/** Papers one member may queue in a day, over all their groups: each may cost a request to arXiv. */
export const MAX_QUEUED_PER_DAY = 50;

export interface QueueItem {
  paper: Paper;
  proposedBy: PublicUser | null;
  note: string;
  state: QueueState;
  votes: number;
  /** Whether the viewer voted for it. */
  voted: boolean;
  addedAt: string;
  stateChangedAt: string;
}

export async function addToQueue(
  db: Db,
  userId: number,
  groupId: number,
  input: { paper: string; note?: string },
  fetchPaper: FetchPaper,
  now = new Date(),
): Promise<{ paperId: string }> {
  const paperId = paperIdFrom(input.paper);
  const note = multilineText(input.note ?? '', 'note', MAX_NOTE_LENGTH, 'A note');
  await requireRole(db, groupId, userId, 'member');
  if (await db.selectFrom('group_queue').select('paper_id').where('group_id', '=', groupId).where('paper_id', '=', paperId).executeTakeFirst()) throw alreadyQueued(paperId);
  const recent = await db
    .selectFrom('group_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('proposed_by', '=', userId)
    .where('added_at', '>', new Date(now.getTime() - 24 * 3600_000).toISOString())
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= MAX_QUEUED_PER_DAY) throw new CommunityError('rate_limited', `You can queue ${MAX_QUEUED_PER_DAY} papers a day; please come back tomorrow.`, { retryAfterSeconds: 3600 });

  const fetched = await fetchIfMissing(db, paperId, fetchPaper);
  const [group, proposer] = await Promise.all([groupById(db, groupId), db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirstOrThrow()]);
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    if (fetched) await upsertPapers(trx, [fetched], at);
    const inserted = await trx
      .insertInto('group_queue')
      .values({ group_id: groupId, paper_id: paperId, proposed_by: userId, note, state: 'to_read', votes: 0, added_at: at, state_changed_at: at })
      .onConflict((oc) => oc.columns(['group_id', 'paper_id']).doNothing())
      .executeTakeFirst();
    // Another member queued it while we were asking arXiv.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw alreadyQueued(paperId);
    const paper = await trx.selectFrom('papers').select('title').where('id', '=', paperId).executeTakeFirstOrThrow();
    await enqueueChat(
      trx,
      groupId,
      `queue:${groupId}:${paperId}`,
      {
        segments: [
          'New in the queue of ',
          { label: group!.name, path: `/groups/${group!.slug}` },
          ': ',
          { label: paper.title, path: `/papers/${paperId}` },
          ` (arXiv:${paperId}), proposed by ${proposer.display_name}${note ? `: “${note.length > 280 ? `${note.slice(0, 279)}…` : note}”` : '.'}`,
        ],
      },
      now,
    );
  });
  return { paperId };
}

/** The member's group vote on a queued paper, on or off; the counter changes in the same transaction. */
export async function toggleGroupVote(db: Db, userId: number, groupId: number, paperId: string, now = new Date()): Promise<{ voted: boolean; votes: number }> {
  await requireRole(db, groupId, userId, 'member');
  return db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom('group_queue').select('votes').where('group_id', '=', groupId).where('paper_id', '=', paperId).executeTakeFirst();
    if (!item) throw notQueued(paperId);
    const removed = await trx.deleteFrom('group_votes').where('group_id', '=', groupId).where('paper_id', '=', paperId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(removed.numDeletedRows) > 0) return { voted: false, votes: await bump(trx, groupId, paperId, -1) };
    const added = await trx
      .insertInto('group_votes')
      .values({ group_id: groupId, paper_id: paperId, user_id: userId, created_at: now.toISOString() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0n) > 0) return { voted: true, votes: await bump(trx, groupId, paperId, 1) };
    // A concurrent toggle by the same member got there first (PostgreSQL): it is counted already.
    const counted = await trx.selectFrom('group_queue').select('votes').where('group_id', '=', groupId).where('paper_id', '=', paperId).executeTakeFirstOrThrow();
    return { voted: true, votes: Number(counted.votes) };
  });
}

async function bump(trx: Db, groupId: number, paperId: string, delta: 1 | -1): Promise<number> {
  const row = await trx
    .updateTable('group_queue')
    .set((eb) => ({ votes: eb('votes', delta === 1 ? '+' : '-', 1) }))
    .where('group_id', '=', groupId)
    .where('paper_id', '=', paperId)
    .returning('votes')
    .executeTakeFirstOrThrow();
  return Number(row.votes);
}

/**
 * Moves a queued paper to another state. The group's admins may, the member who proposed it, and
 * whoever presents it in one of the group's sessions (they mark it discussed after the session).
 */
export async function setQueueState(db: Db, userId: number, groupId: number, paperId: string, state: string, now = new Date()): Promise<void> {
  if (!QUEUE_STATES.includes(state as QueueState)) throw invalid('state', 'A state is to_read, reading or discussed.');
  const membership = await requireRole(db, groupId, userId, 'member');
  const item = await db.selectFrom('group_queue').select(['proposed_by', 'state']).where('group_id', '=', groupId).where('paper_id', '=', paperId).executeTakeFirst();
  if (!item) throw notQueued(paperId);
  if (!hasRole(membership.role, 'admin') && item.proposed_by !== userId && !(await presents(db, userId, groupId, paperId))) {
    throw new CommunityError('forbidden', 'Only the admins, the member who proposed this paper and its presenter can change its state.');
  }
  if (item.state === state) return;
  await db
    .updateTable('group_queue')
    .set({ state: state as QueueState, state_changed_at: now.toISOString() })
    .where('group_id', '=', groupId)
    .where('paper_id', '=', paperId)
    .execute();
}

/** Takes a paper off the queue (its votes go with it); the admins may, and the member who proposed it. */
export async function removeFromQueue(db: Db, userId: number, groupId: number, paperId: string): Promise<void> {
  const membership = await requireRole(db, groupId, userId, 'member');
  const item = await db.selectFrom('group_queue').select('proposed_by').where('group_id', '=', groupId).where('paper_id', '=', paperId).executeTakeFirst();
  if (!item) throw notQueued(paperId);
  if (!hasRole(membership.role, 'admin') && item.proposed_by !== userId) throw new CommunityError('forbidden', 'Only the admins and the member who proposed this paper can take it off the queue.');
  await db.deleteFrom('group_queue').where('group_id', '=', groupId).where('paper_id', '=', paperId).execute();
}

/**
 * The queue: most group votes first, then the longest waiting; `state` narrows it. Papers a
 * moderator hid from the site are left out, as in collections.
 */
export async function queueOf(db: Db, groupId: number, viewerId: number | null, options: { states?: readonly QueueState[]; limit?: number } = {}): Promise<QueueItem[]> {
  let query = db
    .selectFrom('group_queue as q')
    .innerJoin('papers', 'papers.id', 'q.paper_id')
    .leftJoin('users as u', 'u.id', 'q.proposed_by')
    .selectAll('papers')
    .select(['q.note', 'q.state', 'q.votes', 'q.added_at', 'q.state_changed_at', 'u.id as proposer_id', 'u.username as proposer_username', 'u.display_name as proposer_name'])
    .where('q.group_id', '=', groupId)
    .where('q.paper_id', 'not in', db.selectFrom('hidden_papers').select('paper_id'));
  if (options.states) query = query.where('q.state', 'in', [...options.states]);
  const rows = await query.orderBy('q.votes', 'desc').orderBy('q.added_at').orderBy('q.paper_id').limit(options.limit ?? 500).execute();
  const voted =
    viewerId === null || rows.length === 0
      ? new Set<string>()
      : new Set((await db.selectFrom('group_votes').select('paper_id').where('group_id', '=', groupId).where('user_id', '=', viewerId).execute()).map((r) => r.paper_id));
  return rows.map(({ note, state, votes, added_at, state_changed_at, proposer_id, proposer_username, proposer_name, ...paper }) => ({
    paper: fromRow(paper),
    proposedBy: proposer_id !== null && proposer_username !== null && proposer_name !== null ? { id: proposer_id, username: proposer_username, displayName: proposer_name } : null,
    note,
    state,
    votes: Number(votes),
    voted: voted.has(paper.id),
    addedAt: added_at,
    stateChangedAt: state_changed_at,
  }));
}

async function presents(db: Db, userId: number, groupId: number, paperId: string): Promise<boolean> {
  const row = await db
    .selectFrom('group_sessions as s')
    .innerJoin('group_session_papers as sp', 'sp.session_id', 's.id')
    .select('s.id')
    .where('s.group_id', '=', groupId)
    .where('s.presenter_id', '=', userId)
    .where('sp.paper_id', '=', paperId)
    .executeTakeFirst();
  return row !== undefined;
}

function alreadyQueued(paperId: string): CommunityError {
  return new CommunityError('duplicate', `arXiv:${paperId} is in this group's queue already.`, { paperId, field: 'paper' });
}

function notQueued(paperId: string): CommunityError {
  return new CommunityError('not_found', `arXiv:${paperId} is not in this group's queue.`);
}
