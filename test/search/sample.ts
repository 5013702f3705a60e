import path from 'node:path';
import { Ingest } from '../../src/catalog/ingest.js';
import type { SourceItem } from '../../src/papers/paper.js';
import { readSourceFile } from '../../src/sources/files.js';
import type { Db } from '../../src/store/db.js';
import { dataDir } from '../support/paths.js';

export const SAMPLE = path.join(dataDir, 'arxiv-cs-143k.jsonl.gz');

/** Real papers for ranking tests: records `from` (0-based) up to `to` of the shared arXiv sample. */
export async function importSample(db: Db, from: number, to: number): Promise<void> {
  async function* slice(): AsyncIterable<SourceItem> {
    let i = 0;
    for await (const item of readSourceFile(SAMPLE)) {
      if (i >= from) yield item;
      if (++i >= to) return;
    }
  }
  const report = await new Ingest(db).run(slice());
  if (report.rejected > 0) throw new Error(`sample had rejections: ${JSON.stringify(report.rejections.slice(0, 3))}`);
}
