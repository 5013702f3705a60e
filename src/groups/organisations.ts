/**
 * Organisations: a group its admins mark as one (a lab, a company) shows on its public page the
 * papers its members tag to it, such as the papers they wrote or released. The simplest honest
 * version: a tag says who made it, and only tags of current members count, so a member who leaves
 * takes their tags off the page.
 */
import type { FetchPaper } from '../catalog/fetch-paper.js';
import { CommunityError } from '../community/errors.js';
import { fetchIfMissing, paperIdFrom } from '../community/submissions.js';
import type { PublicUser } from '../community/users.js';
import type { Paper } from '../papers/paper.js';
import { fromRow, upsertPapers } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import { groupById, hasRole, requireRole } from './groups.js';

export interface TaggedPaper {
  paper: Paper;
  taggedBy: PublicUser;
  taggedAt: string;
}

/** A member tags a paper (an arXiv id or link) to their organisation; a paper not in the catalog is fetched from arXiv. */
export async function tagPaper(db: Db, userId: number, groupId: number, rawPaper: string, fetchPaper: FetchPaper, now = new Date()): Promise<{ paperId: string; tagged: boolean }> {
  const paperId = paperIdFrom(rawPaper);
  await requireRole(db, groupId, userId, 'member');
  if (!(await groupById(db, groupId))?.isOrganisation) throw new CommunityError('forbidden', 'Only an organisation has tagged papers; its admins can make the group one in its settings.');
  const fetched = await fetchIfMissing(db, paperId, fetchPaper);
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    if (fetched) await upsertPapers(trx, [fetched], at);
    const added = await trx
      .insertInto('organisation_papers')
      .values({ group_id: groupId, paper_id: paperId, tagged_by: userId, tagged_at: at })
      .onConflict((oc) => oc.columns(['group_id', 'paper_id']).doNothing())
      .executeTakeFirst();
    return { paperId, tagged: Number(added.numInsertedOrUpdatedRows ?? 0n) > 0 };
  });
}

/** Whoever tagged it, or an admin, takes the tag off. */
export async function untagPaper(db: Db, userId: number, groupId: number, paperId: string): Promise<void> {
  const membership = await requireRole(db, groupId, userId, 'member');
  const tag = await db.selectFrom('organisation_papers').select('tagged_by').where('group_id', '=', groupId).where('paper_id', '=', paperId).executeTakeFirst();
  if (!tag) throw new CommunityError('not_found', `arXiv:${paperId} is not tagged to this organisation.`);
  if (tag.tagged_by !== userId && !hasRole(membership.role, 'admin')) throw new CommunityError('forbidden', 'Only whoever tagged a paper, or an admin, can take the tag off.');
  await db.deleteFrom('organisation_papers').where('group_id', '=', groupId).where('paper_id', '=', paperId).execute();
}

/** Papers tagged by current members, newest tag first; papers a moderator hid are left out. */
export async function organisationPapers(db: Db, groupId: number, limit = 100): Promise<TaggedPaper[]> {
  const rows = await db
    .selectFrom('organisation_papers as t')
    .innerJoin('group_members as m', (join) => join.onRef('m.group_id', '=', 't.group_id').onRef('m.user_id', '=', 't.tagged_by'))
    .innerJoin('users as u', 'u.id', 't.tagged_by')
    .innerJoin('papers', 'papers.id', 't.paper_id')
    .selectAll('papers')
    .select(['t.tagged_at', 'u.id as tagger_id', 'u.username as tagger_username', 'u.display_name as tagger_name'])
    .where('t.group_id', '=', groupId)
    .where('t.paper_id', 'not in', db.selectFrom('hidden_papers').select('paper_id'))
    .orderBy('t.tagged_at', 'desc')
    .orderBy('t.paper_id')
    .limit(limit)
    .execute();
  return rows.map(({ tagged_at, tagger_id, tagger_username, tagger_name, ...paper }) => ({
    paper: fromRow(paper),
    taggedBy: { id: tagger_id, username: tagger_username, displayName: tagger_name },
    taggedAt: tagged_at,
  }));
}
