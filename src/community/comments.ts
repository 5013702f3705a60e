import type { Selectable } from 'kysely';
import type { CommentsTable, Db } from '../store/schema.js';
import { CommunityError, invalid } from './errors.js';
import { renderMarkdown } from './markdown.js';
import { bumpCounter } from './paper-stats.js';
import { getUser, requireMember, type PublicUser } from './users.js';

export const MAX_COMMENT_LENGTH = 10_000;
/** Comments one member may post in `COMMENT_WINDOW_MS`: a lively discussion fits, a flood does not. */
export const MAX_COMMENTS_PER_WINDOW = 20;
export const COMMENT_WINDOW_MS = 10 * 60_000;

export type CommentState = 'visible' | 'deleted' | 'hidden';

export interface Comment {
  id: number;
  paperId: string;
  parentId: number | null;
  /** Null for a deleted or hidden comment (unless an admin is looking at a hidden one). */
  author: PublicUser | null;
  /** Markdown as written, for the edit form; empty when deleted or hidden. */
  body: string;
  /** Safe HTML (see markdown.ts); empty when deleted or hidden. */
  html: string;
  state: CommentState;
  createdAt: string;
  editedAt: string | null;
}

export interface CommentNode extends Comment {
  children: CommentNode[];
}

/** Adds a comment, or a reply when `parentId` names a live comment on the same paper; counts it in the same transaction. */
export async function addComment(
  db: Db,
  userId: number,
  input: { paperId: string; body: string; parentId?: number | null },
  now = new Date(),
): Promise<Comment> {
  const user = await requireMember(db, userId);
  const body = cleanBody(input.body);
  const since = new Date(now.getTime() - COMMENT_WINDOW_MS).toISOString();
  const recent = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= MAX_COMMENTS_PER_WINDOW) throw new CommunityError('rate_limited', 'You are commenting very fast; please wait a few minutes.');

  const row = await db.transaction().execute(async (trx) => {
    const paper = await trx.selectFrom('papers').select('id').where('id', '=', input.paperId).executeTakeFirst();
    if (!paper) throw new CommunityError('not_found', `No paper ${input.paperId} in the catalog.`);
    const parentId = input.parentId ?? null;
    if (parentId !== null) {
      const parent = await trx.selectFrom('comments').selectAll().where('id', '=', parentId).executeTakeFirst();
      if (!parent || parent.paper_id !== input.paperId) throw invalid('parentId', 'The comment you reply to is not on this paper.');
      if (parent.deleted_at !== null || parent.hidden_at !== null) throw invalid('parentId', 'The comment you reply to has been removed.');
    }
    const inserted = await trx
      .insertInto('comments')
      .values({ paper_id: input.paperId, user_id: userId, parent_id: parentId, body, created_at: now.toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    await bumpCounter(trx, input.paperId, 'comments', 1);
    return inserted;
  });
  return present(row, { id: user.id, username: user.username, displayName: user.displayName }, false);
}

/** The author changes the text of a live comment. Nobody else may, admins included (they hide). */
export async function editComment(db: Db, userId: number, commentId: number, newBody: string, now = new Date()): Promise<Comment> {
  const user = await requireMember(db, userId);
  const body = cleanBody(newBody);
  const row = await ownComment(db, userId, commentId);
  const updated = await db
    .updateTable('comments')
    .set({ body, edited_at: now.toISOString() })
    .where('id', '=', row.id)
    // Deleted or hidden since it was read: the text stays erased.
    .where('deleted_at', 'is', null)
    .where('hidden_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw new CommunityError('not_found', 'No such comment.');
  return present(updated, { id: user.id, username: user.username, displayName: user.displayName }, false);
}

/**
 * The author deletes a comment: its text is erased, its place in the thread stays (replies keep
 * their parent), and it stops counting.
 */
export async function deleteComment(db: Db, userId: number, commentId: number, now = new Date()): Promise<void> {
  await requireMember(db, userId, { verified: false });
  const row = await ownComment(db, userId, commentId);
  await db.transaction().execute(async (trx) => {
    // Conditional, and counted from the row as it is now: a second delete (a double submit) or a
    // moderator's hide in between changes the count once, never twice.
    const deleted = await trx
      .updateTable('comments')
      .set({ body: '', deleted_at: now.toISOString() })
      .where('id', '=', row.id)
      .where('deleted_at', 'is', null)
      .returning(['paper_id', 'hidden_at'])
      .executeTakeFirst();
    if (deleted && deleted.hidden_at === null) await bumpCounter(trx, deleted.paper_id, 'comments', -1);
  });
}

/**
 * A paper's discussion as a tree, oldest first at each level. Removed comments with no live reply
 * below them are left out; those with replies stay as empty placeholders so the thread keeps its
 * shape. An admin viewer sees hidden comments' text (state `hidden`).
 */
export async function listComments(db: Db, paperId: string, viewerId: number | null = null): Promise<CommentNode[]> {
  const viewer = viewerId === null ? null : await getUser(db, viewerId);
  const showHidden = viewer?.role === 'admin';
  const rows = await db
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.user_id')
    .selectAll('comments')
    .select(['users.username', 'users.display_name'])
    .where('comments.paper_id', '=', paperId)
    .orderBy('comments.id')
    .execute();

  const nodes = new Map<number, CommentNode>();
  const roots: CommentNode[] = [];
  for (const row of rows) {
    const node: CommentNode = { ...present(row, { id: row.user_id, username: row.username, displayName: row.display_name }, showHidden), children: [] };
    nodes.set(row.id, node);
    const parent = row.parent_id === null ? undefined : nodes.get(row.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return prune(roots, showHidden);
}

export async function getComment(db: Db, commentId: number): Promise<Comment | null> {
  const row = await db
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.user_id')
    .selectAll('comments')
    .select(['users.username', 'users.display_name'])
    .where('comments.id', '=', commentId)
    .executeTakeFirst();
  return row ? present(row, { id: row.user_id, username: row.username, displayName: row.display_name }, false) : null;
}

function cleanBody(raw: string): string {
  const body = typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n').replaceAll('\0', '').trim() : '';
  if (body === '') throw invalid('body', 'The comment is empty.');
  if (body.length > MAX_COMMENT_LENGTH) throw invalid('body', `A comment can be at most ${MAX_COMMENT_LENGTH} characters long (this one has ${body.length}).`);
  return body;
}

/** A live comment of this member; anyone else's is `forbidden`. */
async function ownComment(db: Db, userId: number, commentId: number): Promise<Selectable<CommentsTable>> {
  const row = await db.selectFrom('comments').selectAll().where('id', '=', commentId).executeTakeFirst();
  if (!row || row.deleted_at !== null) throw new CommunityError('not_found', 'No such comment.');
  if (row.user_id !== userId) throw new CommunityError('forbidden', 'Only its author can change a comment.');
  if (row.hidden_at !== null) throw new CommunityError('forbidden', 'A moderator has hidden this comment.');
  return row;
}

function present(row: Selectable<CommentsTable>, author: PublicUser, showHidden: boolean): Comment {
  const state: CommentState = row.deleted_at !== null ? 'deleted' : row.hidden_at !== null ? 'hidden' : 'visible';
  const shown = state === 'visible' || (state === 'hidden' && showHidden);
  return {
    id: row.id,
    paperId: row.paper_id,
    parentId: row.parent_id,
    author: shown ? author : null,
    body: shown ? row.body : '',
    html: shown ? renderMarkdown(row.body) : '',
    state,
    createdAt: row.created_at,
    editedAt: row.edited_at,
  };
}

function prune(nodes: CommentNode[], showHidden: boolean): CommentNode[] {
  const kept: CommentNode[] = [];
  for (const node of nodes) {
    node.children = prune(node.children, showHidden);
    const removed = node.state === 'deleted' || (node.state === 'hidden' && !showHidden);
    if (!removed || node.children.length > 0) kept.push(node);
  }
  return kept;
}
