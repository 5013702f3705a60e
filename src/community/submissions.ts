import type { FetchPaper } from '../catalog/fetch-paper.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import type { Paper } from '../papers/paper.js';
import type { Db } from '../store/schema.js';
import { fromRow, upsertPapers } from '../store/papers.js';
import { listed } from '../store/visibility.js';
import { CommunityError, invalid } from './errors.js';
import { requireMember } from './users.js';

/** Submissions one member may make in 24 hours: enough for a reading group's day, too few to flood a page. */
export const MAX_SUBMISSIONS_PER_DAY = 10;
/** A paper can be submitted within this many days of its listing day, as on the model site: the daily page is for new papers. */
export const SUBMISSION_WINDOW_DAYS = 14;

export interface Submission {
  paperId: string;
  submittedBy: number;
  submittedAt: string;
  /** The day page the paper appears on (YYYY-MM-DD, UTC): the day it was submitted. */
  day: string;
}

/**
 * A member puts a paper on today's page by its arXiv id or URL (`2401.12345`, `arXiv:2401.12345v2`,
 * `https://arxiv.org/abs/2401.12345`). A paper already submitted is refused with `duplicate` and
 * its id (the page can link to it). A paper not yet in the catalog is fetched with `fetchPaper`.
 * A paper listed more than SUBMISSION_WINDOW_DAYS days ago is refused: the page is for new papers.
 */
export async function submitPaper(db: Db, userId: number, rawIdOrUrl: string, fetchPaper: FetchPaper, now = new Date()): Promise<Submission> {
  await requireMember(db, userId);
  const paperId = paperIdFrom(rawIdOrUrl);
  if (await existing(db, paperId)) throw duplicate(paperId);

  const since = new Date(now.getTime() - 24 * 3600_000).toISOString();
  const recent = await db
    .selectFrom('submissions')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('submitted_at').as('oldest')])
    .where('submitted_by', '=', userId)
    .where('submitted_at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= MAX_SUBMISSIONS_PER_DAY) {
    // The oldest submission in the window leaves it first, and frees a place.
    const freeAt = Date.parse(String(recent.oldest)) + 24 * 3600_000;
    const retryAfterSeconds = Number.isFinite(freeAt) ? Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) : 24 * 3600;
    throw new CommunityError('rate_limited', `You can submit ${MAX_SUBMISSIONS_PER_DAY} papers a day; please come back tomorrow.`, { retryAfterSeconds });
  }

  const inCatalog = await db.selectFrom('papers').select(['id', 'day']).where('id', '=', paperId).executeTakeFirst();
  const fetched = inCatalog ? null : await fetchFromArxiv(fetchPaper, paperId);
  const listedOn = inCatalog?.day ?? fetched!.day;
  const earliest = new Date(now.getTime() - SUBMISSION_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  if (listedOn < earliest) {
    throw invalid('paper', `arXiv:${paperId} was listed on ${listedOn}; papers can be submitted within ${SUBMISSION_WINDOW_DAYS} days of their listing, so from ${earliest} on.`);
  }

  const submission: Submission = { paperId, submittedBy: userId, submittedAt: now.toISOString(), day: now.toISOString().slice(0, 10) };
  await db.transaction().execute(async (trx) => {
    if (fetched) await upsertPapers(trx, [fetched], now.toISOString());
    const inserted = await trx
      .insertInto('submissions')
      .values({ paper_id: paperId, submitted_by: userId, submitted_at: submission.submittedAt, day: submission.day })
      .onConflict((oc) => oc.column('paper_id').doNothing())
      .executeTakeFirst();
    // Someone else submitted it while we were asking arXiv.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw duplicate(paperId);
  });
  return submission;
}

/** The arXiv id in what a member typed (an id or an arXiv link), or an `invalid` refusal on the field `paper`. */
export function paperIdFrom(rawIdOrUrl: string): string {
  const parsed = typeof rawIdOrUrl === 'string' && rawIdOrUrl.length <= 300 ? parseArxivId(rawIdOrUrl) : null;
  if (!parsed) {
    const shown = String(rawIdOrUrl ?? '').trim().slice(0, 80);
    throw invalid('paper', `"${shown}" is not an arXiv id or link. Use an id such as 2401.12345 or hep-th/9901001, or a link such as https://arxiv.org/abs/2401.12345.`);
  }
  return parsed.id;
}

/** Papers members submitted on a day, oldest first, for the day page to list beside the day's catalog papers. */
export async function submissionsOnDay(db: Db, day: string): Promise<Submission[]> {
  const rows = await db.selectFrom('submissions').selectAll().where('day', '=', day).orderBy('submitted_at').orderBy('paper_id').execute();
  return rows.map((r) => ({ paperId: r.paper_id, submittedBy: r.submitted_by, submittedAt: r.submitted_at, day: r.day }));
}

/** The papers a member submitted, newest submission first, hidden ones left out. */
export async function submittedPapers(db: Db, userId: number, limit = 50): Promise<Paper[]> {
  const rows = await db
    .selectFrom('submissions')
    .innerJoin('papers', 'papers.id', 'submissions.paper_id')
    .selectAll('papers')
    .where('submissions.submitted_by', '=', userId)
    .where(listed('papers.id'))
    .orderBy('submissions.submitted_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

export async function submissionOf(db: Db, paperId: string): Promise<Submission | null> {
  const r = await existing(db, paperId);
  return r ? { paperId: r.paper_id, submittedBy: r.submitted_by, submittedAt: r.submitted_at, day: r.day } : null;
}

async function existing(db: Db, paperId: string) {
  return db.selectFrom('submissions').selectAll().where('paper_id', '=', paperId).executeTakeFirst();
}

/**
 * The paper from arXiv when the catalog does not have it yet, for the caller to store in the
 * transaction of what it is doing with it (a submission, a group's queue); null when the catalog
 * has it. Refused with `unavailable` when arXiv cannot be reached, `not_found` when it has no such paper.
 */
export async function fetchIfMissing(db: Db, paperId: string, fetchPaper: FetchPaper): Promise<Paper | null> {
  const inCatalog = await db.selectFrom('papers').select('id').where('id', '=', paperId).executeTakeFirst();
  return inCatalog ? null : fetchFromArxiv(fetchPaper, paperId);
}

async function fetchFromArxiv(fetchPaper: FetchPaper, paperId: string): Promise<Paper> {
  let paper: Paper | null;
  try {
    paper = await fetchPaper(paperId);
  } catch (error) {
    throw new CommunityError('unavailable', `Could not reach arXiv to look up ${paperId}; please try again later.`, { cause: error });
  }
  if (!paper) throw new CommunityError('not_found', `arXiv has no paper ${paperId}.`, { field: 'paper' });
  if (paper.id !== paperId) throw new Error(`fetchPaper(${paperId}) returned paper ${paper.id}`);
  return paper;
}

function duplicate(paperId: string): CommunityError {
  return new CommunityError('duplicate', `Paper ${paperId} has already been submitted.`, { paperId, field: 'paper' });
}
