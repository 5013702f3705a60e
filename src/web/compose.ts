import { arxivPaperFetcher } from '../catalog/fetch-paper.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { configuredMailer } from '../mail/mailer.js';
import { arxivClient, type HttpGetter } from '../sources/http.js';
import type { Db } from '../store/schema.js';
import type { WebDeps } from './deps.js';

/**
 * The one place that wires the web application's parts from the configuration. `arxiv` is the
 * process's one client for arXiv (serve shares it with the daily read); by default one of its own.
 */
export function webDeps(db: Db, log: Logger, config: Config, arxiv: HttpGetter = arxivClient(config, log)): WebDeps {
  return {
    db,
    log,
    config,
    mailer: configuredMailer(config, log),
    fetchPaper: arxivPaperFetcher(arxiv, config.arxivApiUrl),
  };
}
