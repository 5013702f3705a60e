import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FetchPaper } from '../catalog/fetch-paper.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mail/mailer.js';
import type { Db } from '../store/schema.js';
import type { Viewer } from './forms.js';

/** Everything the web routes use, wired once in the composition root (src/cli/serve.ts). */
export interface WebDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'baseUrl' | 'dataDir' | 'secret' | 'trustProxy' | 'search' | 'claimAutoApproveDomains'>;
  mailer: Mailer;
  /** Fetches a paper from arXiv into the catalog, for submissions. */
  fetchPaper: FetchPaper;
}

export function viewerOf(request: FastifyRequest, reply: FastifyReply): Viewer {
  return { user: request.user, csrf: reply.generateCsrf() };
}

/** Scripts on our own pages (votes, comments) ask for JSON; forms and links want a page. */
export function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

export function secureCookies(config: Pick<Config, 'baseUrl'>): boolean {
  return config.baseUrl.startsWith('https:');
}

/** Only same-site paths may be a redirect target after sign-in (no open redirects). */
export function safeNext(next: string): string {
  return /^\/(?![/\\])[\w\-./?=&%#]*$/.test(next) ? next : '/';
}
