/**
 * One-line summaries and keywords written by the configured language model for recent papers,
 * featured ones first, within the configured rate (papers per run; a run a minute) and daily
 * budget (requests a UTC day, counted in `llm_usage` with a conditional update, so two processes
 * never spend more than it together). A reply that is not usable is tried again later, up to
 * MAX_ATTEMPTS; the service failing (down, time-out, 429) ends the run and leaves the paper as it
 * was. A plain async function with its state in the database; `jobs/enrich.ts` runs it in `serve`'s scheduler.
 */
import type { LlmSettings } from '../config.js';
import type { Logger } from '../log.js';
import { UnusableAnswer, type ChatCompletions } from '../sources/chat-completions.js';
import { ServiceError } from '../sources/service.js';
import type { Db } from '../store/schema.js';
import { pause, pausedUntil } from './pauses.js';
import { recentPapers, recentSince } from './recent.js';

export const MAX_ATTEMPTS = 3;
const RETRY_MS = 3600_000;

export interface SummaryRunReport {
  written: number;
  unusable: number;
  /** The run stopped: the budget is spent, the service is paused, or it failed. */
  stopped: 'budget' | 'paused' | 'failed' | null;
}

export async function summarizePapers(
  db: Db,
  llm: ChatCompletions | null,
  limits: Pick<LlmSettings, 'perMinute' | 'dailyBudget'>,
  log: Logger,
  now = new Date(),
): Promise<SummaryRunReport> {
  const report: SummaryRunReport = { written: 0, unusable: 0, stopped: null };
  if (!llm) return report;
  if ((await pausedUntil(db, 'llm')) > now.getTime()) return { ...report, stopped: 'paused' };
  const since = await recentSince(db);
  if (since === null) return report;
  const ids = await recentPapers(db, since, limits.perMinute, (q) =>
    q
      .leftJoin('paper_summaries', 'paper_summaries.paper_id', 'papers.id')
      .where((eb) =>
        eb.or([
          eb('paper_summaries.paper_id', 'is', null),
          eb.and([eb('paper_summaries.status', '=', 'failed'), eb('paper_summaries.attempts', '<', MAX_ATTEMPTS), eb('paper_summaries.next_attempt_at', '<=', now.toISOString())]),
        ]),
      ),
  );
  for (const paperId of ids) {
    if (!(await spendOneRequest(db, now, limits.dailyBudget))) return { ...report, stopped: 'budget' };
    const paper = await db.selectFrom('papers').select(['title', 'abstract']).where('id', '=', paperId).executeTakeFirst();
    if (!paper) continue;
    try {
      const written = await llm.summarize(paper, now.getTime());
      const values = { status: 'done' as const, summary: written.summary, keywords: JSON.stringify(written.keywords), model: written.model, next_attempt_at: null, updated_at: now.toISOString() };
      await db.insertInto('paper_summaries').values({ paper_id: paperId, ...values, attempts: 1 }).onConflict((oc) => oc.column('paper_id').doUpdateSet((eb) => ({ ...values, attempts: eb('paper_summaries.attempts', '+', 1) }))).execute();
      report.written++;
    } catch (error) {
      if (error instanceof UnusableAnswer) {
        report.unusable++;
        log.warn({ paper: paperId }, `the language model's summary of ${paperId} is not usable: ${error.message}`);
        const values = { status: 'failed' as const, next_attempt_at: new Date(now.getTime() + RETRY_MS).toISOString(), updated_at: now.toISOString() };
        await db.insertInto('paper_summaries').values({ paper_id: paperId, ...values, attempts: 1 }).onConflict((oc) => oc.column('paper_id').doUpdateSet((eb) => ({ ...values, attempts: eb('paper_summaries.attempts', '+', 1) }))).execute();
        continue;
      }
      if (!(error instanceof ServiceError)) throw error;
      if (error.pauseUntil !== null) await pause(db, 'llm', error.pauseUntil);
      log.warn({ paper: paperId, ...(error.pauseUntil === null ? {} : { until: new Date(error.pauseUntil).toISOString() }) }, error.message);
      return { ...report, stopped: error.pauseUntil === null ? 'failed' : 'paused' };
    }
  }
  return report;
}

/** Counts one request against today's budget; false when it is spent. */
async function spendOneRequest(db: Db, now: Date, budget: number): Promise<boolean> {
  const day = now.toISOString().slice(0, 10);
  await db.insertInto('llm_usage').values({ day, requests: 0 }).onConflict((oc) => oc.column('day').doNothing()).execute();
  const spent = await db.updateTable('llm_usage').set((eb) => ({ requests: eb('requests', '+', 1) })).where('day', '=', day).where('requests', '<', budget).executeTakeFirst();
  return Number(spent.numUpdatedRows) > 0;
}
