// npm run bench:quality [-- --corpus FILE --queries FILE --qrels FILE] [--store sqlite|postgres|both] [--keyword-rows N --keyword-postings N] [--baseline REV] [--json]
// Ranking quality on a BEIR-layout benchmark (SciFact train by default): indexes the corpus into a
// fresh temporary instance of each store (SQLite, then PostgreSQL) through the search layer (the
// same keyword index, embedder and query code as the product; BEIR ids are not arXiv ids, so the
// arXiv normalizer is skipped) and prints nDCG@10 and Recall@100 for each mode and store.
// --keyword-rows and --keyword-postings set the keyword budget (see src/search/keyword-plan.ts):
// SciFact has 5k documents where arXiv has 143k, so smaller budgets show what leaving common words
// out does to ranking.
// --baseline REV also runs the search code of git revision REV on the same index and vectors, in
// the same process, and prints both side by side.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Paper } from '../src/papers/paper.js';
import { DEFAULT_KEYWORD_BUDGET } from '../src/search/keyword-plan.js';
import { trainCatalogModel } from '../src/search/maintain.js';
import { SEARCH_MODES, SearchService, type SearchMode } from '../src/search/service.js';
import { openDatabase } from '../src/store/db.js';
import { upsertPapers } from '../src/store/papers.js';
import { searchDb } from '../src/store/search-docs.js';
import { baselineSearchService } from './baseline.js';
import { SCIFACT, requireData } from './support/data.js';
import { jsonLines, ndcgAt, readQrels, recallAt, round } from './support/judged.js';
import { machine, openStore, storesOf, type StoreName } from './support/stores.js';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(SCIFACT, 'corpus.jsonl.gz') },
    queries: { type: 'string', default: path.join(SCIFACT, 'queries-train.jsonl') },
    qrels: { type: 'string', default: path.join(SCIFACT, 'qrels-train.tsv') },
    'keyword-rows': { type: 'string' },
    'keyword-postings': { type: 'string' },
    store: { type: 'string' },
    baseline: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
for (const flag of ['corpus', 'queries', 'qrels'] as const) requireData(args[flag], `--${flag}`, 'scifact');
const keywordBudget = {
  rows: Number(args['keyword-rows'] ?? DEFAULT_KEYWORD_BUDGET.rows),
  postings: Number(args['keyword-postings'] ?? DEFAULT_KEYWORD_BUDGET.postings),
};

/** A BEIR document as a Paper: only the fields search reads carry meaning. */
function asPaper(id: string, title: string, text: string): Paper {
  return {
    id: `beir:${id}`,
    version: 1,
    title,
    abstract: text,
    authors: [],
    categories: [],
    primaryCategory: 'cs.IR',
    published: null,
    updated: null,
    day: '2000-01-01',
    comment: null,
    journalRef: null,
    doi: null,
    license: null,
    versions: [],
    links: [],
  };
}

type Figures = Record<SearchMode, { 'ndcg@10': number; 'recall@100': number }>;
interface Measured {
  store: StoreName;
  code: string;
  docs: number;
  embedder: string;
  trainSeconds: number;
  figures: Figures;
}

const qrels = readQrels(args.qrels);
const queries: { id: string; text: string }[] = [];
for await (const row of jsonLines(args.queries)) {
  const id = String(row._id);
  if (qrels.has(id)) queries.push({ id, text: String(row.text ?? '') });
}
const baseline = args.baseline ? await baselineSearchService(args.baseline) : null;

/** Indexes the corpus into a fresh store of this kind, trains the embedder on it, and scores every mode with this code (and the baseline's). */
async function measure(name: StoreName): Promise<Measured[]> {
  const store = await openStore(name, 'quality');
  const db = await openDatabase(store.location);
  try {
    let batch: Paper[] = [];
    let docs = 0;
    const flush = async () => {
      await db.transaction().execute((trx) => upsertPapers(trx, batch));
      docs += batch.length;
      batch = [];
    };
    for await (const row of jsonLines(args.corpus)) {
      batch.push(asPaper(String(row._id), String(row.title ?? ''), String(row.text ?? '')));
      if (batch.length >= 5000) await flush();
    }
    if (batch.length > 0) await flush();

    const started = performance.now();
    const embedder = await trainCatalogModel(searchDb(db));
    const trainSeconds = (performance.now() - started) / 1000;
    const services: { code: string; service: SearchService }[] = [{ code: 'this code', service: new SearchService(db, embedder, { keywordBudget }) }];
    if (baseline) services.push({ code: `baseline ${args.baseline}`, service: new baseline.SearchService(db, embedder, { keywordBudget }) });

    const measured: Measured[] = [];
    for (const { code, service } of services) {
      await service.load();
      const figures = {} as Figures;
      for (const mode of SEARCH_MODES) {
        let ndcg = 0;
        let recall = 0;
        for (const q of queries) {
          const { hits } = await service.search({ query: q.text, mode, limit: 100 });
          const ranked = hits.map((h) => h.paper.id.slice('beir:'.length));
          const relevant = qrels.get(q.id)!;
          ndcg += ndcgAt(ranked, relevant, 10);
          recall += recallAt(ranked, relevant, 100);
        }
        figures[mode] = { 'ndcg@10': round(ndcg / queries.length), 'recall@100': round(recall / queries.length) };
      }
      measured.push({ store: name, code, docs, embedder: embedder.id, trainSeconds, figures });
    }
    return measured;
  } finally {
    await db.destroy();
    await store.drop();
  }
}

try {
  const results: Measured[] = [];
  for (const name of storesOf(args.store)) results.push(...(await measure(name)));

  if (args.json) {
    console.log(JSON.stringify(results.map((r) => ({ store: r.store, code: r.code, ...r.figures }))));
  } else {
    console.log(`corpus:   ${args.corpus} (${results[0]!.docs} documents)`);
    console.log(`queries:  ${queries.length} with judgements (${args.queries})`);
    for (const r of results.filter((m) => m.code === 'this code')) console.log(`embedder: ${r.embedder} on ${r.store}, trained and embedded in ${r.trainSeconds.toFixed(1)} s`);
    console.log(`keyword budget: ${keywordBudget.rows} rows, ${keywordBudget.postings} postings per tier`);
    const column = (r: Measured) => (baseline ? `${r.store}, ${r.code}` : r.store);
    console.log(`mode       ${results.map((r) => `${column(r)} nDCG@10  Recall@100`.padStart(40)).join('')}`);
    for (const mode of SEARCH_MODES) {
      console.log(`${mode.padEnd(10)} ${results.map((r) => `${r.figures[mode]['ndcg@10'].toFixed(4)}   ${r.figures[mode]['recall@100'].toFixed(4)}`.padStart(40)).join('')}`);
    }
    console.log(`machine:  ${machine()}`);
  }
} finally {
  baseline?.cleanup();
}
