import { arxivPaperFetcher } from '../catalog/fetch-paper.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { configuredMailer } from '../mail/mailer.js';
import { HttpClient } from '../sources/http.js';
import type { Db } from '../store/schema.js';
import type { WebDeps } from './deps.js';

/** The one place that wires the web application's parts from the configuration. */
export function webDeps(db: Db, log: Logger, config: Config): WebDeps {
  const client = new HttpClient({ minIntervalMs: config.arxivIntervalMs, logger: log });
  return {
    db,
    log,
    config,
    mailer: configuredMailer(config, log),
    fetchPaper: arxivPaperFetcher(client, config.arxivApiUrl),
  };
}
