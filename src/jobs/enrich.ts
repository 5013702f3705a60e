/**
 * Enrichment as jobs of `serve`'s scheduler, after the daily read and the digests (jobs/daily.ts):
 * code stars, the Hub's links and summaries of recent papers, each a plain async function of
 * src/enrich/ whose state is in the database, so another process can run them as well. Pages never
 * wait for them; a service turned off or not configured is simply not asked.
 */
import type { Config } from '../config.js';
import { refreshCodeStats } from '../enrich/code.js';
import { refreshHubLinks } from '../enrich/hub.js';
import { summarizePapers } from '../enrich/summaries.js';
import type { Logger } from '../log.js';
import { ChatCompletions } from '../sources/chat-completions.js';
import { GitHubClient } from '../sources/github.js';
import { HubClient } from '../sources/hf-hub.js';
import type { Db } from '../store/schema.js';
import type { Job } from './scheduler.js';

export function enrichmentJobs(db: Db, services: Config['services'], log: Logger): Job[] {
  const { timeoutMs } = services;
  const github = services.github ? new GitHubClient({ ...services.github, timeoutMs }) : null;
  const hub = services.hub ? new HubClient({ ...services.hub, timeoutMs }) : null;
  const llm = services.llm ? new ChatCompletions({ ...services.llm, timeoutMs }) : null;
  const jobs: Job[] = [{ name: 'reading code links and GitHub stars', run: (now) => refreshCodeStats(db, github, log, now).then(() => undefined) }];
  if (hub) jobs.push({ name: 'looking up papers on the Hugging Face Hub', run: (now) => refreshHubLinks(db, hub, log, now).then(() => undefined) });
  if (llm && services.llm) {
    const limits = services.llm;
    jobs.push({ name: 'summarizing papers', run: (now) => summarizePapers(db, llm, limits, log, now).then(() => undefined) });
  }
  return jobs;
}
