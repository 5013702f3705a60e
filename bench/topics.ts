// npm run bench:topics [-- --catalog FILE] [--file FILE] [--queries FILE --qrels FILE] [--baseline REV] [--per-query] [--unjudged K] [--json]
// How search serves a researcher looking for a topic, on the 143k arXiv catalog: topic queries
// with judged papers (bench/topics/, see its README for where the queries come from and how the
// papers were judged), nDCG@10 and Recall@100 for each mode, and how much of each mode's top 10
// has been judged at all (an unjudged paper counts as not relevant, so a low share means the
// figure is a floor).
// The catalog is built once (import, train and embed; about 4 minutes) into --catalog (default
// bench/.cache/catalog-<file name>.sqlite) from --file (default ../shared/data/arxiv-cs-143k.jsonl.gz).
// --baseline REV also runs the search code of git revision REV on the same catalog in the same
// process and prints both side by side.
// --unjudged K lists, per query, the papers in any mode's top K (this code's and the baseline's)
// that have no judgement yet, sorted by id with no sign of which mode found them, to judge and
// add to the qrels.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { loadEmbedder } from '../src/search/maintain.js';
import { SEARCH_MODES, SearchService, type SearchMode } from '../src/search/service.js';
import { openDatabase } from '../src/store/db.js';
import { searchDb } from '../src/store/search-docs.js';
import { baselineSearchService } from './baseline.js';
import { builtCatalog, cachedCatalogPath } from './support/catalog.js';
import { ARXIV_143K } from './support/data.js';
import { jsonLines, ndcgAt, readQrels, recallAt, round } from './support/judged.js';

const { values: args } = parseArgs({
  options: {
    catalog: { type: 'string' },
    file: { type: 'string', default: ARXIV_143K },
    queries: { type: 'string', default: path.join(import.meta.dirname, 'topics', 'queries.jsonl') },
    qrels: { type: 'string', default: path.join(import.meta.dirname, 'topics', 'qrels.tsv') },
    baseline: { type: 'string' },
    'per-query': { type: 'boolean', default: false },
    unjudged: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

interface Figures {
  'ndcg@10': number;
  'recall@100': number;
  /** Share of the top 10 that has a judgement (relevant or not). */
  'judged@10': number;
}

const judged = new Map<string, Set<string>>();
const qrels = readQrels(args.qrels, judged);
const queries: { id: string; text: string }[] = [];
for await (const row of jsonLines(args.queries)) queries.push({ id: String(row._id), text: String(row.text) });

const catalog = await builtCatalog(args.catalog ?? cachedCatalogPath(args.file), args.file);
const db = await openDatabase({ kind: 'sqlite', file: catalog });
const embedder = await loadEmbedder(searchDb(db), loadConfig({}).search);
if (!embedder) throw new Error(`${catalog}: no trained model; delete the file to build it again`);
const baseline = args.baseline ? await baselineSearchService(args.baseline) : null;

try {
  const services: { name: string; service: SearchService }[] = [{ name: 'this', service: new SearchService(db, embedder) }];
  if (baseline) services.push({ name: args.baseline!, service: new baseline.SearchService(db, embedder) });
  for (const s of services) await s.service.load();

  /** ranked[service][mode][query]: the paper ids found, best first. */
  const ranked = services.map(() => ({}) as Record<SearchMode, string[][]>);
  for (const mode of SEARCH_MODES) {
    for (const [which, s] of services.entries()) {
      ranked[which]![mode] = [];
      for (const q of queries) {
        const { hits } = await s.service.search({ query: q.text, mode, limit: 100 });
        ranked[which]![mode].push(hits.map((h) => h.paper.id));
      }
    }
  }

  const figures = ranked.map((byMode) => Object.fromEntries(SEARCH_MODES.map((mode) => [mode, score(byMode[mode])])) as Record<SearchMode, Figures>);
  if (args.unjudged) await printUnjudged(Number(args.unjudged), ranked);
  else if (args.json) console.log(JSON.stringify(Object.fromEntries(services.map((s, i) => [s.name, figures[i]]))));
  else {
    console.log(`catalog:  ${catalog}`);
    console.log(`queries:  ${queries.length} (${args.queries}), ${[...qrels.values()].reduce((n, r) => n + r.size, 0)} relevant judgements (${args.qrels})`);
    console.log(`embedder: ${embedder.id}`);
    for (const [i, s] of services.entries()) {
      console.log(`\n${s.name === 'this' ? 'this code' : `baseline ${s.name}`}`);
      console.log('mode       nDCG@10  Recall@100  judged@10');
      for (const mode of SEARCH_MODES) {
        const f = figures[i]![mode];
        console.log(`${mode.padEnd(10)} ${f['ndcg@10'].toFixed(4)}   ${f['recall@100'].toFixed(4)}      ${f['judged@10'].toFixed(3)}`);
      }
    }
    if (args['per-query']) printPerQuery(services.map((s) => s.name), ranked);
  }
} finally {
  await db.destroy();
  baseline?.cleanup();
}

function score(lists: string[][]): Figures {
  let ndcg = 0;
  let recall = 0;
  let seen = 0;
  queries.forEach((q, i) => {
    const relevant = qrels.get(q.id) ?? new Map<string, number>();
    ndcg += ndcgAt(lists[i]!, relevant, 10);
    recall += recallAt(lists[i]!, relevant, 100);
    const top = lists[i]!.slice(0, 10);
    seen += top.length === 0 ? 1 : top.filter((id) => judged.get(q.id)?.has(id)).length / top.length;
  });
  const n = queries.length;
  return { 'ndcg@10': round(ndcg / n), 'recall@100': round(recall / n), 'judged@10': round(seen / n) };
}

function printPerQuery(names: string[], ranked: Record<SearchMode, string[][]>[]): void {
  console.log('\nnDCG@10 per query (this code, then each baseline): keyword / semantic / hybrid');
  queries.forEach((q, i) => {
    const relevant = qrels.get(q.id) ?? new Map<string, number>();
    const cells = ranked.map((byMode) => SEARCH_MODES.map((mode) => ndcgAt(byMode[mode][i]!, relevant, 10).toFixed(2)).join(' / '));
    console.log(`${q.id}  ${cells.join('   ')}  ${q.text}  (${relevant.size} relevant)`);
  });
  if (names.length > 1) console.log(`(columns: ${names.join(', ')})`);
}

async function printUnjudged(k: number, ranked: Record<SearchMode, string[][]>[]): Promise<void> {
  for (const [i, q] of queries.entries()) {
    const ids = new Set(ranked.flatMap((byMode) => SEARCH_MODES.flatMap((mode) => byMode[mode][i]!.slice(0, k))));
    const open = [...ids].filter((id) => !judged.get(q.id)?.has(id)).sort();
    if (open.length === 0) continue;
    const papers = await db.selectFrom('papers').select(['id', 'title', 'abstract']).where('id', 'in', open).orderBy('id').execute();
    console.log(`\n## ${q.id}  ${q.text}  (${open.length} unjudged)`);
    for (const p of papers) {
      console.log(`${p.id}\t${oneLine(p.title)}`);
      console.log(`    ${oneLine(p.abstract).slice(0, 320)}`);
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
