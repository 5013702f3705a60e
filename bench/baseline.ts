/**
 * The search service as it was at a git revision, for benchmarks that time a change against its
 * baseline side by side in one process (this machine is shared: absolute times drift between
 * runs, ratios within a run do not). The query-side files are taken from git into a temporary
 * directory under bench/ (so that packages resolve from the project's node_modules) that mirrors
 * `src/`; their imports of anything else point back at the working tree, so both services run over
 * the same database, vector index code and embedder.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SearchService } from '../src/search/service.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The files whose old versions make up the baseline: the query path of search. sqlite-search.ts
 * moved from store/ to search/; both places are listed so that revisions from before the move work.
 * The keyword index's interface and its PostgreSQL half came later: older revisions get today's.
 */
const QUERY_SIDE = [
  'src/search/service.ts', 'src/search/fusion.ts', 'src/search/feedback.ts', 'src/search/query.ts', 'src/search/stopwords.ts', 'src/search/term-stats.ts',
  'src/search/keyword-plan.ts', 'src/search/keyword-index.ts', 'src/search/sqlite-search.ts', 'src/search/postgres-search.ts',
  'src/search/tsquery.ts', 'src/search/bm25.ts', 'src/store/sqlite-search.ts',
];

/** Rewrites one relative import: to the copy when it is part of the baseline, else to the working tree. */
function rewriteImport(spec: string, fileInRepo: string, copied: Set<string>, tmp: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(fileInRepo), spec)).replace(/\.js$/, '.ts');
  const base = copied.has(target) ? tmp : ROOT;
  return pathToFileURL(path.join(base, target)).href;
}

/** The SearchService class as of `revision` (a commit, branch or tag). */
export async function baselineSearchService(revision: string): Promise<{ SearchService: typeof SearchService; cleanup: () => void }> {
  const tmp = fs.mkdtempSync(path.join(ROOT, 'bench', '.baseline-'));
  const copied = new Set(QUERY_SIDE);
  for (const file of QUERY_SIDE) {
    let text: string;
    try {
      text = execFileSync('git', ['show', `${revision}:${file}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      // A file the baseline did not have yet: the working tree's stands in (nothing imports it there);
      // one that is in neither (the old place of a moved file) is not needed.
      if (!fs.existsSync(path.join(ROOT, file))) continue;
      text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    }
    text = text.replace(/(from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g, (_, head: string, spec: string) => `${head}'${rewriteImport(spec, file, copied, tmp)}'`);
    fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
    fs.writeFileSync(path.join(tmp, file), text);
  }
  const module = (await import(pathToFileURL(path.join(tmp, 'src/search/service.ts')).href)) as { SearchService: typeof SearchService };
  return { SearchService: module.SearchService, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
