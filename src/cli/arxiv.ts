import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { HttpClient } from '../sources/http.js';

/** One polite client per run, so the pause between requests holds across every request of the run. */
export function arxivClient(config: Config, log: Logger): HttpClient {
  return new HttpClient({ minIntervalMs: config.arxivIntervalMs, logger: log });
}

/** Errors that end a network run early and need a sentence, not a stack trace. */
export function describeRunError(error: unknown): string | null {
  if (error instanceof Error && ['HttpError', 'OaiError', 'FeedError'].includes(error.name)) return error.message;
  return null;
}
