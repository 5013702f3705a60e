/**
 * Models, datasets and Spaces on the Hugging Face Hub that cite recent papers, looked up once when
 * a paper is new and again after HUB_RECHECK_DAYS (what cites a paper grows in its first weeks). A
 * plain async function with its state in the database; `jobs/enrich.ts` runs it in `serve`'s scheduler.
 */
import type { Logger } from '../log.js';
import type { HubClient } from '../sources/hf-hub.js';
import { ServiceError } from '../sources/service.js';
import type { Db } from '../store/schema.js';
import { pause, pausedUntil } from './pauses.js';
import { recentPapers, recentSince } from './recent.js';

/** Papers looked up in one run (three requests each). */
export const HUB_PAPERS_PER_RUN = 10;
export const HUB_RECHECK_DAYS = 3;
const FAILURES_TO_STOP = 3;

export async function refreshHubLinks(db: Db, hub: HubClient | null, log: Logger, now = new Date()): Promise<{ looked: number; paused: boolean }> {
  if (!hub) return { looked: 0, paused: false };
  if ((await pausedUntil(db, 'hub')) > now.getTime()) return { looked: 0, paused: true };
  const since = await recentSince(db);
  if (since === null) return { looked: 0, paused: false };
  const stale = new Date(now.getTime() - HUB_RECHECK_DAYS * 86_400_000).toISOString();
  const ids = await recentPapers(db, since, HUB_PAPERS_PER_RUN, (q) =>
    q.leftJoin('hub_lookups', 'hub_lookups.paper_id', 'papers.id').where((eb) => eb.or([eb('hub_lookups.paper_id', 'is', null), eb('hub_lookups.checked_at', '<', stale)])),
  );
  let looked = 0;
  let failures = 0;
  for (const paperId of ids) {
    try {
      const repos = await hub.citing(paperId, now.getTime());
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('hub_links').where('paper_id', '=', paperId).execute();
        if (repos.length > 0) {
          await trx.insertInto('hub_links').values(repos.map((r) => ({ paper_id: paperId, kind: r.kind, hub_id: r.id, likes: r.likes, downloads: r.downloads }))).onConflict((oc) => oc.doNothing()).execute();
        }
        const checked = { checked_at: now.toISOString() };
        await trx.insertInto('hub_lookups').values({ paper_id: paperId, ...checked }).onConflict((oc) => oc.column('paper_id').doUpdateSet(checked)).execute();
      });
      looked++;
      failures = 0;
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.pauseUntil !== null) {
        await pause(db, 'hub', error.pauseUntil);
        log.warn({ until: new Date(error.pauseUntil).toISOString() }, `${error.message}; the Hub is left alone until then`);
        return { looked, paused: true };
      }
      log.warn({ paper: paperId }, error.message);
      // Asked again in an hour, not at every run: stored as if looked up that long before it is due.
      const retry = { checked_at: new Date(now.getTime() - HUB_RECHECK_DAYS * 86_400_000 + 3600_000).toISOString() };
      await db.insertInto('hub_lookups').values({ paper_id: paperId, ...retry }).onConflict((oc) => oc.column('paper_id').doUpdateSet(retry)).execute();
      if (++failures >= FAILURES_TO_STOP) break;
    }
  }
  return { looked, paused: false };
}
