import { Ingest } from '../../src/catalog/ingest.js';
import type { SourceItem } from '../../src/papers/paper.js';
import { readSourceFile } from '../../src/sources/files.js';
import type { Db } from '../../src/store/db.js';
import { arxivSample } from '../support/paths.js';

/** Real papers for ranking tests: records `from` (0-based) up to `to` of the committed arXiv sample. */
export async function importSample(db: Db, from: number, to: number): Promise<void> {
  async function* slice(): AsyncIterable<SourceItem> {
    let i = 0;
    for await (const item of readSourceFile(arxivSample)) {
      if (i >= from) yield item;
      if (++i >= to) return;
    }
  }
  const report = await new Ingest(db).run(slice());
  if (report.rejected > 0) throw new Error(`sample had rejections: ${JSON.stringify(report.rejections.slice(0, 3))}`);
}
