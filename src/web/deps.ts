import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FetchPaper } from '../catalog/fetch-paper.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mail/mailer.js';
import type { Notices } from '../store/notices.js';
import type { Db } from '../store/schema.js';
import type { Viewer } from './forms.js';
import { formToken } from './security.js';

/** Everything the web routes use, wired once in the composition root (src/cli/serve.ts). */
export interface WebDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'baseUrl' | 'dataDir' | 'secret' | 'trustProxy' | 'search' | 'claimAutoApproveDomains' | 'webhookAllowPrivate' | 'dayPage'>;
  mailer: Mailer;
  /** Fetches a paper from arXiv into the catalog, for submissions. */
  fetchPaper: FetchPaper;
  /** What the other processes of the site are told of writes here, and tell in turn (PostgreSQL); by default none, one process. */
  notices?: Notices;
  /** The time submissions are made at (a paper may be submitted within 14 days of its listing); tests set it. */
  now?: () => Date;
}

export function viewerOf(request: FastifyRequest, reply: FastifyReply): Viewer {
  return { user: request.user, csrf: formToken(reply) };
}

/** Scripts on our own pages (votes, comments) ask for JSON; forms and links want a page. */
export function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

export function secureCookies(config: Pick<Config, 'baseUrl'>): boolean {
  return config.baseUrl.startsWith('https:');
}
