// npm run bench:quality [-- --corpus FILE --queries FILE --qrels FILE] [--store sqlite|postgres|both] [--keyword-rows N --keyword-postings N] [--json]
// Ranking quality on a BEIR-layout benchmark (SciFact train by default): indexes the corpus into a
// fresh temporary instance of each store (SQLite, then PostgreSQL) through the search layer (the
// same keyword index, embedder and query code as the product; BEIR ids are not arXiv ids, so the
// arXiv normalizer is skipped) and prints nDCG@10 and Recall@100 for each mode and store. --keyword-rows and --keyword-postings set the keyword
// budget (see src/search/keyword-plan.ts): SciFact has 5k documents where arXiv has 143k, so
// smaller budgets show what leaving common words out does to ranking.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import type { Paper } from '../src/papers/paper.js';
import { DEFAULT_KEYWORD_BUDGET } from '../src/search/keyword-plan.js';
import { trainCatalogModel } from '../src/search/maintain.js';
import { SEARCH_MODES, SearchService, type SearchMode } from '../src/search/service.js';
import { openDatabase } from '../src/store/db.js';
import { upsertPapers } from '../src/store/papers.js';
import { searchDb } from '../src/store/search-docs.js';
import { SCIFACT, requireData } from './support/data.js';
import { machine, openStore, storesOf, type StoreName } from './support/stores.js';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(SCIFACT, 'corpus.jsonl.gz') },
    queries: { type: 'string', default: path.join(SCIFACT, 'queries-train.jsonl') },
    qrels: { type: 'string', default: path.join(SCIFACT, 'qrels-train.tsv') },
    'keyword-rows': { type: 'string' },
    'keyword-postings': { type: 'string' },
    store: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
for (const flag of ['corpus', 'queries', 'qrels'] as const) requireData(args[flag], `--${flag}`, 'scifact');
const keywordBudget = {
  rows: Number(args['keyword-rows'] ?? DEFAULT_KEYWORD_BUDGET.rows),
  postings: Number(args['keyword-postings'] ?? DEFAULT_KEYWORD_BUDGET.postings),
};

async function* jsonLines(file: string): AsyncIterable<Record<string, unknown>> {
  const raw = fs.createReadStream(file);
  const gzipped = await new Promise<boolean>((resolve) => {
    fs.open(file, 'r', (err, fd) => {
      if (err) return resolve(false);
      const head = Buffer.alloc(2);
      fs.read(fd, head, 0, 2, 0, () => fs.close(fd, () => resolve(head[0] === 0x1f && head[1] === 0x8b)));
    });
  });
  const lines = readline.createInterface({ input: gzipped ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as Record<string, unknown>;
}

function readQrels(file: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  for (const line of lines.slice(1)) {
    const [query, doc, score] = line.split('\t');
    if (!query || !doc || Number(score) <= 0) continue;
    if (!qrels.has(query)) qrels.set(query, new Map());
    qrels.get(query)!.set(doc, Number(score));
  }
  return qrels;
}

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

function ndcgAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  const dcg = ranked.slice(0, k).reduce((sum, doc, i) => sum + (relevant.get(doc) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()]
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

function recallAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  const found = ranked.slice(0, k).filter((doc) => relevant.has(doc)).length;
  return relevant.size > 0 ? found / relevant.size : 0;
}

type Scores = Record<SearchMode, { 'ndcg@10': number; 'recall@100': number }>;

/** Indexes the corpus into a fresh store of this kind, trains the embedder on it, and scores every mode. */
async function measure(name: StoreName): Promise<{ store: StoreName; docs: number; queries: number; embedder: string; trainSeconds: number; scores: Scores }> {
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
    const service = new SearchService(db, embedder, { keywordBudget });
    await service.load();

    const scores = {} as Scores;
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
      scores[mode] = { 'ndcg@10': round(ndcg / queries.length), 'recall@100': round(recall / queries.length) };
    }
    return { store: name, docs, queries: queries.length, embedder: embedder.id, trainSeconds, scores };
  } finally {
    await db.destroy();
    await store.drop();
  }
}

const qrels = readQrels(args.qrels);
const queries: { id: string; text: string }[] = [];
for await (const row of jsonLines(args.queries)) {
  const id = String(row._id);
  if (qrels.has(id)) queries.push({ id, text: String(row.text ?? '') });
}

const results = [];
for (const name of storesOf(args.store)) results.push(await measure(name));

if (args.json) {
  console.log(JSON.stringify(Object.fromEntries(results.map((r) => [r.store, r.scores]))));
} else {
  console.log(`corpus:   ${args.corpus} (${results[0]!.docs} documents)`);
  console.log(`queries:  ${queries.length} with judgements (${args.queries})`);
  for (const r of results) console.log(`embedder: ${r.embedder} on ${r.store}, trained and embedded in ${r.trainSeconds.toFixed(1)} s`);
  console.log(`keyword budget: ${keywordBudget.rows} rows, ${keywordBudget.postings} postings per tier`);
  console.log(`mode       ${results.map((r) => `${r.store} nDCG@10  Recall@100`.padStart(30)).join('')}`);
  for (const mode of SEARCH_MODES) {
    console.log(`${mode.padEnd(10)} ${results.map((r) => `${r.scores[mode]['ndcg@10'].toFixed(4)}   ${r.scores[mode]['recall@100'].toFixed(4)}`.padStart(30)).join('')}`);
  }
  console.log(`machine:  ${machine()}`);
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
