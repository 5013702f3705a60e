/**
 * Author claims: a member says they are one of a paper's authors, choosing their name as the paper
 * writes it. A moderator approves or refuses the claim (each decision in the public moderation
 * log); the operator may have claims approved at once for members whose confirmed address is in a
 * domain they trust (PAPERBOY_CLAIM_AUTO_APPROVE_DOMAINS), logged the same way with no moderator.
 * Approved claims put the paper on the member's profile and the member on the author's page.
 *
 * A member claims a paper once, and an author name of a paper is one member's at most: a claim on
 * a name already approved for someone else is refused, and approval checks it again in the same
 * statement that approves (a conditional UPDATE), with a partial unique index behind it.
 */
import type { Selectable } from 'kysely';
import { foldName } from '../papers/authors.js';
import type { Paper } from '../papers/paper.js';
import { fromRow } from '../store/papers.js';
import type { AuthorClaimsTable, ClaimStatus, Db } from '../store/schema.js';
import { CommunityError, invalid } from './errors.js';
import { cleanReason, logAction } from './moderation.js';
import { requireAdmin, requireMember, type PublicUser } from './users.js';
import { listed } from '../store/visibility.js';

export interface Claim {
  id: number;
  member: PublicUser;
  paper: { id: string; title: string };
  authorName: string;
  status: ClaimStatus;
  createdAt: string;
  decidedAt: string | null;
}

export interface ClaimSettings {
  /** Lower-case domains whose members' claims are approved at once; a subdomain counts too. */
  autoApproveDomains: readonly string[];
}

/** Claims authorship of a paper under one of its author names; approved at once when the member's address is in a trusted domain. */
export async function claimAuthorship(db: Db, userId: number, paperId: string, authorName: string, settings: ClaimSettings, now = new Date()): Promise<Claim> {
  const member = await requireMember(db, userId);
  const paper = await db.selectFrom('papers').select(['id', 'authors']).where('id', '=', paperId).executeTakeFirst();
  if (!paper) throw new CommunityError('not_found', `No paper ${paperId} in the catalog.`);
  const wanted = foldName(typeof authorName === 'string' ? authorName : '');
  const name = (JSON.parse(paper.authors) as string[]).find((a) => foldName(a) === wanted);
  if (wanted === '' || name === undefined) throw invalid('author', `“${String(authorName).slice(0, 100)}” is not one of the authors of ${paperId}; choose your name as the paper writes it.`);
  const taken = await db
    .selectFrom('author_claims')
    .select('id')
    .where('paper_id', '=', paperId)
    .where('author_name', '=', name)
    .where('status', '=', 'approved')
    .where('user_id', '!=', userId)
    .executeTakeFirst();
  if (taken) throw new CommunityError('duplicate', `${name} on this paper is already claimed by another member; report it if that is wrong.`, { paperId });
  const domain = member.email.slice(member.email.lastIndexOf('@') + 1);
  const trusted = member.emailVerified && settings.autoApproveDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('author_claims')
      .values({ user_id: userId, paper_id: paperId, author_name: name, author_key: foldName(name), status: 'pending', created_at: now.toISOString(), decided_at: null, decided_by: null })
      .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new CommunityError('duplicate', `You have already claimed ${paperId}.`, { paperId });
    if (trusted && (await decide(trx, row.id, 'approved', null, now))) {
      await logAction(trx, null, 'approve_claim', 'claim', String(row.id), `by the operator's rule: the member's confirmed address is at ${domain}`, now);
    }
    return (await claimById(trx, row.id))!;
  });
}

export async function approveClaim(db: Db, adminId: number, claimId: number, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  return moderate(db, adminId, claimId, 'approved', reason, now);
}

export async function refuseClaim(db: Db, adminId: number, claimId: number, reason: string, now = new Date()): Promise<{ changed: boolean }> {
  return moderate(db, adminId, claimId, 'refused', reason, now);
}

/** Pending claims, oldest first, for the moderators' queue. */
export async function pendingClaims(db: Db, adminId: number, limit = 200): Promise<Claim[]> {
  await requireAdmin(db, adminId);
  const rows = await claimQuery(db).where('author_claims.status', '=', 'pending').orderBy('author_claims.id').limit(limit).execute();
  return rows.map(present);
}

/** A member's claims, newest first: all of them for the member, the approved ones for anyone else. */
export async function claimsOf(db: Db, userId: number, viewerId: number | null): Promise<Claim[]> {
  let query = claimQuery(db).where('author_claims.user_id', '=', userId);
  if (viewerId !== userId) query = query.where('author_claims.status', '=', 'approved');
  return (await query.orderBy('author_claims.id', 'desc').limit(500).execute()).map(present);
}

/** The papers a member has authored, by their approved claims, newest first, hidden ones left out. */
export async function claimedPapers(db: Db, userId: number, limit = 100): Promise<Paper[]> {
  const rows = await db
    .selectFrom('author_claims')
    .innerJoin('papers', 'papers.id', 'author_claims.paper_id')
    .selectAll('papers')
    .where('author_claims.user_id', '=', userId)
    .where('author_claims.status', '=', 'approved')
    .where(listed('papers.id'))
    .orderBy('papers.day', 'desc')
    .orderBy('papers.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/** The members whose approved claims say they are this author (names compared folded, as follows are). */
export async function membersForAuthor(db: Db, authorName: string): Promise<PublicUser[]> {
  const rows = await db
    .selectFrom('author_claims')
    .innerJoin('users', 'users.id', 'author_claims.user_id')
    .select(['users.id', 'users.username', 'users.display_name'])
    .distinct()
    .where('author_claims.author_key', '=', foldName(authorName))
    .where('author_claims.status', '=', 'approved')
    .orderBy('users.id')
    .execute();
  return rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name }));
}

/** The viewer's claim on a paper, and the approved claims on it, for the paper's page. */
export async function claimsOnPaper(db: Db, paperId: string, viewerId: number | null): Promise<{ approved: Claim[]; mine: Claim | null }> {
  const rows = await claimQuery(db)
    .where('author_claims.paper_id', '=', paperId)
    .where((eb) => eb.or([eb('author_claims.status', '=', 'approved'), eb('author_claims.user_id', '=', viewerId ?? -1)]))
    .orderBy('author_claims.id')
    .execute();
  const claims = rows.map(present);
  return { approved: claims.filter((c) => c.status === 'approved'), mine: claims.find((c) => c.member.id === viewerId) ?? null };
}

async function moderate(db: Db, adminId: number, claimId: number, status: 'approved' | 'refused', reason: string, now: Date): Promise<{ changed: boolean }> {
  await requireAdmin(db, adminId);
  const why = cleanReason(reason);
  return db.transaction().execute(async (trx) => {
    const claim = await claimById(trx, claimId);
    if (!claim) throw new CommunityError('not_found', 'No such claim.');
    if (claim.member.id === adminId) throw new CommunityError('forbidden', 'Another moderator decides your own claims.');
    const changed = await decide(trx, claimId, status, adminId, now);
    if (!changed && status === 'approved' && claim.status === 'pending') {
      throw new CommunityError('duplicate', `${claim.authorName} on ${claim.paper.id} is already another member's; refuse this claim instead.`);
    }
    if (changed) await logAction(trx, adminId, status === 'approved' ? 'approve_claim' : 'refuse_claim', 'claim', String(claimId), why, now);
    return { changed };
  });
}

/**
 * Moves a pending claim to its decision; approving only while no other member holds the name on
 * that paper, in the one statement. False when nothing changed.
 */
async function decide(trx: Db, claimId: number, status: 'approved' | 'refused', moderatorId: number | null, now: Date): Promise<boolean> {
  let query = trx
    .updateTable('author_claims')
    .set({ status, decided_at: now.toISOString(), decided_by: moderatorId })
    .where('id', '=', claimId)
    .where('status', '=', 'pending');
  if (status === 'approved') {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('author_claims as other')
            .select('other.id')
            .whereRef('other.paper_id', '=', 'author_claims.paper_id')
            .whereRef('other.author_name', '=', 'author_claims.author_name')
            .where('other.status', '=', 'approved'),
        ),
      ),
    );
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function claimQuery(db: Db) {
  return db
    .selectFrom('author_claims')
    .innerJoin('users', 'users.id', 'author_claims.user_id')
    .innerJoin('papers', 'papers.id', 'author_claims.paper_id')
    .selectAll('author_claims')
    .select(['users.username', 'users.display_name', 'papers.title']);
}

async function claimById(db: Db, id: number): Promise<Claim | null> {
  const row = await claimQuery(db).where('author_claims.id', '=', id).executeTakeFirst();
  return row ? present(row) : null;
}

function present(row: Selectable<AuthorClaimsTable> & { username: string; display_name: string; title: string }): Claim {
  return {
    id: row.id,
    member: { id: row.user_id, username: row.username, displayName: row.display_name },
    paper: { id: row.paper_id, title: row.title },
    authorName: row.author_name,
    status: row.status,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
  };
}
