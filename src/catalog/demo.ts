import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';
import type { Db } from '../store/schema.js';
import { catalogStats } from '../store/papers.js';
import { readSourceFile } from '../sources/files.js';
import { Ingest } from './ingest.js';

/** A few thousand real arXiv listings (CC0 metadata) shipped with the code, so a new instance shows real papers. */
export const DEMO_CATALOG = fileURLToPath(new URL('../../demo/arxiv-demo.jsonl.gz', import.meta.url));

/** Loads the demo catalog into an empty database; a database with any paper is left alone. */
export async function loadDemoIfEmpty(db: Db, log: Logger): Promise<boolean> {
  const { papers } = await catalogStats(db, 0);
  if (papers > 0) return false;
  log.info({ file: DEMO_CATALOG }, 'empty catalog: loading the bundled demo papers');
  const report = await new Ingest(db).run(readSourceFile(DEMO_CATALOG));
  log.info({ inserted: report.inserted, rejected: report.rejected }, `demo catalog loaded: ${report.inserted} papers`);
  return true;
}
