/**
 * Enrichment inside `paperboy serve`: at every tick, the code stars, the Hub's links and the
 * summaries, one after the other, each a plain async function whose state is in the database (so
 * a run-once worker can call the same functions). A tick never overlaps the one before; a job that
 * fails is logged and the others still run. Pages never wait for any of it.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { ChatCompletions } from '../sources/chat-completions.js';
import { GitHubClient } from '../sources/github.js';
import { HubClient } from '../sources/hf-hub.js';
import type { Db } from '../store/schema.js';
import { refreshCodeStats } from './code.js';
import { refreshHubLinks } from './hub.js';
import { summarizePapers } from './summaries.js';

export interface EnrichmentClients {
  github: GitHubClient | null;
  hub: HubClient | null;
  llm: ChatCompletions | null;
}

/** The clients the configuration asks for; null for each service turned off or not configured. */
export function enrichmentClients(services: Config['services']): EnrichmentClients {
  const { timeoutMs } = services;
  return {
    github: services.github ? new GitHubClient({ ...services.github, timeoutMs }) : null,
    hub: services.hub ? new HubClient({ ...services.hub, timeoutMs }) : null,
    llm: services.llm ? new ChatCompletions({ ...services.llm, timeoutMs }) : null,
  };
}

/** One pass of every enrichment job. */
export async function enrichOnce(db: Db, clients: EnrichmentClients, services: Config['services'], log: Logger, now = new Date()): Promise<void> {
  const jobs: Array<[string, () => Promise<unknown>]> = [
    ['code stars', () => refreshCodeStats(db, clients.github, log, now)],
    ['Hub links', () => refreshHubLinks(db, clients.hub, log, now)],
    ['summaries', () => summarizePapers(db, clients.llm, services.llm ?? { perMinute: 0, dailyBudget: 0 }, log, now)],
  ];
  for (const [name, job] of jobs) {
    try {
      await job();
    } catch (error) {
      log.error({ err: error }, `enrichment (${name}) failed; trying again at the next tick`);
    }
  }
}

export function startEnrichment(db: Db, services: Config['services'], log: Logger, settings: { tickMs?: number; now?: () => Date } = {}): { stop(): Promise<void> } {
  const clients = enrichmentClients(services);
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    running = enrichOnce(db, clients, services, log, settings.now?.() ?? new Date()).finally(() => {
      busy = false;
    });
  };
  const timer = setInterval(tick, settings.tickMs ?? 60_000);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
