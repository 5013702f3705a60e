// The 143k catalog as benchmarks over a whole catalog use it: imported and embedded with the
// default catalog embedder once (about 4 minutes), kept under bench/.cache/ and reused by later
// runs. Named after the source file, so that a quick run on a small file never stands in for the
// big one later.
import fs from 'node:fs';
import path from 'node:path';
import { Ingest } from '../../src/catalog/ingest.js';
import { trainCatalogModel } from '../../src/search/maintain.js';
import { readSourceFile } from '../../src/sources/files.js';
import { openDatabase } from '../../src/store/db.js';
import { searchDb } from '../../src/store/search-docs.js';
import { requireData } from './data.js';

/** Where the built catalog of `source` is kept unless a benchmark is told otherwise. */
export function cachedCatalogPath(source: string): string {
  return path.resolve(import.meta.dirname, '..', '.cache', `catalog-${path.basename(source).replace(/\.jsonl(\.gz)?$/, '')}.sqlite`);
}

/** `file`, built from `source` first when it does not exist yet (import, then train and embed). */
export async function builtCatalog(file: string, source: string): Promise<string> {
  if (fs.existsSync(file)) return file;
  requireData(source, '--file', 'arxiv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const building = `${file}.building`;
  fs.rmSync(building, { force: true });
  const db = await openDatabase({ kind: 'sqlite', file: building });
  console.error(`building the catalog once into ${file} (import and vectors, a few minutes)`);
  await new Ingest(db).run(readSourceFile(source));
  await trainCatalogModel(searchDb(db), {});
  await db.destroy();
  fs.renameSync(building, file);
  return file;
}
