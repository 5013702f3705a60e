import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { Paper } from '../../src/papers/paper.js';
import type { SearchService } from '../../src/search/service.js';
import { locationOf } from '../../src/store/db.js';
import type { Db } from '../../src/store/schema.js';
import { webDeps } from '../../src/web/compose.js';
import { buildServer } from '../../src/web/server.js';

export interface TestServerOptions {
  search?: SearchService;
  /** Stands in for arXiv when members submit papers. */
  fetchPaper?: (id: string) => Promise<Paper | null>;
  env?: Record<string, string>;
  /** The clock submissions are checked against (papers may be submitted within 14 days of their listing). */
  now?: () => Date;
}

/** The real web application over a test database; mail goes to `<dir>/outbox` unless PAPERBOY_SMTP_URL is given. */
export async function testServer(db: Db, dir: string, options: TestServerOptions = {}): Promise<FastifyInstance> {
  const location = locationOf(db);
  const database = location.kind === 'postgres' ? { PAPERBOY_DATABASE_URL: location.url } : {};
  const config = loadConfig({ PAPERBOY_DATA_DIR: dir, ...database, ...options.env });
  const deps = webDeps(db, createLogger('silent'), config);
  if (options.fetchPaper) deps.fetchPaper = options.fetchPaper;
  if (options.now) deps.now = options.now;
  return buildServer({ ...deps, search: options.search ? { search: options.search } : {} });
}
