/**
 * Code stars: which code each recent paper names (`paper_code`), and its GitHub repository's
 * stars and last push, asked of GitHub at most once a day for each repository (a conditional
 * request with the last ETag), with one star count kept a day for "trending code". A plain async
 * function with its state in the database; `jobs/enrich.ts` runs it in `serve`'s scheduler.
 */
import type { Logger } from '../log.js';
import { codeLinkOf } from '../papers/code.js';
import type { Paper } from '../papers/paper.js';
import type { GitHubClient } from '../sources/github.js';
import { ServiceError } from '../sources/service.js';
import type { Db } from '../store/schema.js';
import { pause, pausedUntil } from './pauses.js';
import { recentPapers, recentSince } from './recent.js';

/** Papers whose links are read in one run. */
const INDEX_BATCH = 5000;
/** Papers written in one transaction. */
const WRITE_BATCH = 500;
/** Repositories asked about in one run; the rate limit stops a run earlier when it must. */
export const REPOS_PER_RUN = 30;
const REFRESH_MS = 24 * 3600_000;
/** A repository GitHub does not know is asked about again after a week (it may come back public). */
const MISSING_RECHECK_MS = 7 * 24 * 3600_000;
/** After a failure (5xx, time-out), the repository waits an hour; this many in a row end the run. */
const FAILURE_RETRY_MS = 3600_000;
const FAILURES_TO_STOP = 3;

export interface CodeRunReport {
  indexed: number;
  asked: number;
  updated: number;
  paused: boolean;
}

export async function refreshCodeStats(db: Db, github: GitHubClient | null, log: Logger, now = new Date()): Promise<CodeRunReport> {
  const report: CodeRunReport = { indexed: 0, asked: 0, updated: 0, paused: false };
  const since = await recentSince(db);
  if (since === null) return report;
  report.indexed = await indexPaperCode(db, since, now);
  if (!github) return report;
  if ((await pausedUntil(db, 'github')) > now.getTime()) return { ...report, paused: true };

  const due = await db
    .selectFrom('code_repos')
    .select(['repo', 'etag', 'stars'])
    .where('next_check_at', '<=', now.toISOString())
    .where('repo', 'in', db.selectFrom('paper_code').innerJoin('papers', 'papers.id', 'paper_code.paper_id').select('paper_code.repo').where('papers.day', '>=', since).where('paper_code.repo', 'is not', null).$narrowType<{ repo: string }>())
    .orderBy('next_check_at')
    .orderBy('repo')
    .limit(REPOS_PER_RUN)
    .execute();
  let failures = 0;
  for (const row of due) {
    report.asked++;
    try {
      const answer = await github.repo(row.repo, row.etag, now.getTime());
      if (answer.kind === 'missing') {
        await db.updateTable('code_repos').set({ status: 'missing', checked_at: now.toISOString(), next_check_at: at(now, MISSING_RECHECK_MS) }).where('repo', '=', row.repo).execute();
      } else if (answer.kind === 'not-modified') {
        await db.updateTable('code_repos').set({ checked_at: now.toISOString(), next_check_at: at(now, REFRESH_MS) }).where('repo', '=', row.repo).execute();
        if (row.stars !== null) await sampleStars(db, row.repo, Number(row.stars), now);
      } else {
        await db
          .updateTable('code_repos')
          .set({ status: 'ok', stars: answer.stars, pushed_at: answer.pushedAt, created_at: answer.createdAt, etag: answer.etag, checked_at: now.toISOString(), next_check_at: at(now, REFRESH_MS) })
          .where('repo', '=', row.repo)
          .execute();
        await sampleStars(db, row.repo, answer.stars, now);
        report.updated++;
      }
      failures = 0;
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.pauseUntil !== null) {
        await pause(db, 'github', error.pauseUntil);
        log.warn({ until: new Date(error.pauseUntil).toISOString() }, `${error.message}; GitHub is left alone until then`);
        return { ...report, paused: true };
      }
      await db.updateTable('code_repos').set({ next_check_at: at(now, FAILURE_RETRY_MS) }).where('repo', '=', row.repo).execute();
      log.warn({ repo: row.repo }, error.message);
      if (++failures >= FAILURES_TO_STOP) break;
    }
    // GitHub said the hour's requests are used up: the next run waits for its reset.
    if (github.pausedUntil > now.getTime()) {
      await pause(db, 'github', github.pausedUntil);
      return { ...report, paused: true };
    }
  }
  return report;
}

/** Reads the code link of recent papers not read yet, or changed since (a new version), and adds their repositories to be asked about. */
export async function indexPaperCode(db: Db, since: string, now: Date): Promise<number> {
  const ids = await recentPapers(db, since, INDEX_BATCH, (q) =>
    q.leftJoin('paper_code', 'paper_code.paper_id', 'papers.id').where((eb) => eb.or([eb('paper_code.paper_id', 'is', null), eb('paper_code.paper_modified_at', '<', eb.ref('papers.modified_at'))])),
  );
  if (ids.length === 0) return 0;
  const rows = await db.selectFrom('papers').select(['id', 'links', 'modified_at']).where('id', 'in', ids).execute();
  for (let i = 0; i < rows.length; i += WRITE_BATCH) {
    await db.transaction().execute(async (trx) => {
      for (const row of rows.slice(i, i + WRITE_BATCH)) {
        const link = codeLinkOf({ links: JSON.parse(row.links) as Paper['links'] });
        const values = { code_url: link?.url ?? null, repo: link?.repo ?? null, paper_modified_at: row.modified_at };
        await trx.insertInto('paper_code').values({ paper_id: row.id, ...values }).onConflict((oc) => oc.column('paper_id').doUpdateSet(values)).execute();
        if (values.repo) await trx.insertInto('code_repos').values({ repo: values.repo, status: 'pending', next_check_at: now.toISOString() }).onConflict((oc) => oc.column('repo').doNothing()).execute();
      }
    });
  }
  return rows.length;
}

async function sampleStars(db: Db, repo: string, stars: number, now: Date): Promise<void> {
  const day = now.toISOString().slice(0, 10);
  await db.insertInto('code_repo_stars').values({ repo, day, stars }).onConflict((oc) => oc.columns(['repo', 'day']).doUpdateSet({ stars })).execute();
}

function at(now: Date, ms: number): string {
  return new Date(now.getTime() + ms).toISOString();
}
