// npm run bench:search [-- --file FILE] [--queries N] [--store sqlite|postgres|both] [--db FILE] [--pg-db NAME] [--baseline REV] [--no-http] [--json]
// Search speed on the 143k arXiv sample (--file, default ../shared/data/arxiv-cs-143k.jsonl.gz),
// on each store (SQLite, then PostgreSQL): imports it into a fresh database (keyword index built
// by the import), trains the default embedder and embeds every paper (time and peak memory), then
// runs N queries per mode (half short keyword queries, half paper titles) in-process and through
// the HTTP API, and prints p50 and p95 latency, and the two stores side by side. Each store runs
// in a process of its own (peak memory is per process), one after the other.
// --db FILE (SQLite) and --pg-db NAME (a PostgreSQL database) keep the database, and when it
// already exists reuse it (no import, no training: only the query figures are new), for quick
// iterations on query code.
// --baseline REV also times the search code of git revision REV (HEAD: the last commit) on the
// same database in the same process, each query run by both services in turn, so the two sets
// of figures share the machine's load.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Ingest } from '../src/catalog/ingest.js';
import { createLogger } from '../src/log.js';
import { loadEmbedder, trainCatalogModel } from '../src/search/maintain.js';
import { SEARCH_MODES, SearchService, type SearchMode } from '../src/search/service.js';
import { readSourceFile } from '../src/sources/files.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { countDocs, searchDb } from '../src/store/search-docs.js';
import { buildServer } from '../src/web/server.js';
import { webDeps } from '../src/web/compose.js';
import { loadConfig } from '../src/config.js';
import { baselineSearchService } from './baseline.js';
import { ARXIV_143K, requireData } from './support/data.js';
import { machine, openStore, storesOf, type StoreName } from './support/stores.js';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: ARXIV_143K },
    queries: { type: 'string', default: '500' },
    db: { type: 'string' },
    'pg-db': { type: 'string' },
    store: { type: 'string' },
    baseline: { type: 'string' },
    'no-http': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    one: { type: 'string' },
  },
});
const perMode = Number(args.queries);
const stores = storesOf(args.store);
const keptAs = (name: StoreName) => (name === 'sqlite' ? args.db : args['pg-db']);
if (stores.some((name) => keptAs(name) === undefined || (name === 'sqlite' && !fs.existsSync(path.resolve(args.db!))))) requireData(args.file, '--file', 'arxiv');

const TOPICS = [
  'graph neural networks', 'diffusion models', 'reinforcement learning', 'speech recognition', 'object detection',
  'machine translation', 'large language models', 'retrieval augmented generation', 'federated learning', 'image segmentation',
  'contrastive learning', 'knowledge distillation', 'neural radiance fields', 'question answering', 'adversarial robustness',
  'point cloud', 'time series forecasting', 'code generation', 'chain of thought', 'vision transformer', 'instruction tuning',
  'hallucination', 'multi-agent', 'reward model', 'text to image', 'video generation', 'pose estimation', 'anomaly detection',
  'continual learning', 'mixture of experts', 'quantization', 'sparse attention', 'tokenizer', 'medical imaging', 'autonomous driving',
  'explainability', 'fairness', 'causal inference', 'bayesian optimization', 'recommendation', 'sentiment analysis', 'summarization',
  'named entity recognition', 'semantic parsing', 'protein', 'robot manipulation', 'world model', 'self-supervised', 'benchmark', 'transformer*',
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** A catalog imported and embedded by this run, or the one kept by an earlier run. */
async function prepare(db: Db, reuse: boolean) {
  if (reuse) {
    const embedder = await loadEmbedder(searchDb(db), loadConfig({}).search);
    if (!embedder) throw new Error('the kept database has no trained model to reuse; delete it to build it again');
    return { papers: await countDocs(searchDb(db)), importSeconds: 0, embedSeconds: 0, embedder, peakAfterImport: peakMb(), rssBeforeEmbed: rssMb() };
  }
  let started = performance.now();
  const report = await new Ingest(db).run(readSourceFile(args.file));
  const importSeconds = (performance.now() - started) / 1000;
  const peakAfterImport = peakMb();
  const rssBeforeEmbed = rssMb();
  started = performance.now();
  const embedder = await trainCatalogModel(searchDb(db));
  return { papers: report.inserted, importSeconds, embedSeconds: (performance.now() - started) / 1000, embedder, peakAfterImport, rssBeforeEmbed };
}

type Latencies = Record<SearchMode, { p50: number; p95: number }>;
type Result = Awaited<ReturnType<typeof measure>>;

if (args.one) {
  // The child: one store, its figures as JSON on stdout.
  process.stdout.write(JSON.stringify(await measure(args.one as StoreName)));
} else {
  const results: Result[] = [];
  for (const name of stores) {
    const childArgs = process.argv.slice(2).filter((a) => a !== '--json');
    const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, ...childArgs, '--store', name, '--one', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    results.push(JSON.parse(out) as Result);
  }
  if (args.json) console.log(JSON.stringify(results));
  else {
    for (const r of results) print(r);
    if (results.length === 2) {
      console.log('\nside by side, in-process ms (p50 / p95), PostgreSQL to SQLite as a ratio of p50');
      console.log('mode          sqlite        postgres   ratio');
      for (const mode of SEARCH_MODES) {
        const [a, b] = [results[0]!.latencyMs.inProcess[mode], results[1]!.latencyMs.inProcess[mode]];
        console.log(`${mode.padEnd(10)} ${`${a.p50} / ${a.p95}`.padStart(12)} ${`${b.p50} / ${b.p95}`.padStart(14)} ${(b.p50 / a.p50).toFixed(2).padStart(7)}`);
      }
    }
  }
}

async function measure(name: StoreName) {
  const store = await openStore(name, 'search', keptAs(name));
  const reuse = store.existed;
  const db = await openDatabase(store.location);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-search-'));
  const baseline = args.baseline ? await baselineSearchService(args.baseline) : null;
  try {
    const { papers, importSeconds, embedSeconds, embedder, peakAfterImport, rssBeforeEmbed } = await prepare(db, reuse);
    const peakAfterEmbed = peakMb();

    const started = performance.now();
    const service = new SearchService(db, embedder);
    await service.load();
    const indexSeconds = (performance.now() - started) / 1000;
    const rssWithIndex = rssMb();

    // Half short topic queries, half titles of papers spread over the catalog.
    const titles = await db.selectFrom('papers').select(['id', 'title']).orderBy('id').execute();
    const step = Math.max(1, Math.floor(titles.length / (perMode / 2)));
    const queries: string[] = [];
    /** The paper whose title each query is (null for a topic). */
    const titleOf: (string | null)[] = [];
    for (let i = 0; queries.length < perMode; i++) {
      const paper = i % 2 === 0 ? null : titles[(((i - 1) / 2) * step) % titles.length]!;
      queries.push(paper ? paper.title : TOPICS[(i / 2) % TOPICS.length]!);
      titleOf.push(paper ? paper.id : null);
    }

    const baselineService = baseline ? new baseline.SearchService(db, embedder) : null;
    await baselineService?.load();
    const services = baselineService ? [service, baselineService] : [service];

    const inProcess = {} as Latencies;
    const inProcessBaseline = {} as Latencies;
    const agreement = {} as Record<SearchMode, Agreement>;
    for (const mode of SEARCH_MODES) {
      for (const s of services) for (const q of queries.slice(0, 20)) await s.search({ query: q, mode, limit: 20 }); // warm-up
      const times = services.map((): number[] => []);
      const found = services.map((): string[][] => []);
      for (const [i, q] of queries.entries()) {
        // Each query by every service, the order alternating, so neither always runs on a warm cache.
        for (let j = 0; j < services.length; j++) {
          const which = (i + j) % services.length;
          const t0 = performance.now();
          const { hits } = await services[which]!.search({ query: q, mode, limit: 20 });
          times[which]!.push(performance.now() - t0);
          found[which]![i] = hits.map((h) => h.paper.id);
        }
      }
      inProcess[mode] = summary(times[0]!);
      if (baselineService) {
        inProcessBaseline[mode] = summary(times[1]!);
        agreement[mode] = agree(found[0]!, found[1]!, titleOf);
      }
    }

    const http = {} as Latencies;
    if (!args['no-http']) await measureHttp(db, dir, service, queries, http);

    const result = {
      store: name,
      machine: machine(),
      papers,
      reused: reuse,
      import: { seconds: round(importSeconds), perSecond: Math.round(papers / importSeconds), peakRssMb: peakAfterImport },
      embed: { model: embedder.id, seconds: round(embedSeconds), rssBeforeMb: rssBeforeEmbed, peakRssMb: peakAfterEmbed },
      index: { seconds: round(indexSeconds), rssMb: rssWithIndex },
      latencyMs: { inProcess, http },
      baseline: baseline ? { revision: args.baseline!, inProcess: inProcessBaseline, agreement } : null,
    };
    return result;
  } finally {
    await db.destroy();
    await store.drop();
    baseline?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function print(r: Result): void {
  console.log(`\n== ${r.store}`);
  if (r.reused) console.log(`papers:       ${r.papers}, kept from an earlier run: no import, no training`);
  else {
    console.log(`papers:       ${r.papers} (import with keyword index: ${r.import.seconds} s, ${r.import.perSecond} papers/s)`);
    console.log(`embed:        ${r.embed.seconds} s to train ${r.embed.model} and embed every paper`);
    console.log(`memory:       RSS ${r.embed.rssBeforeMb} MB before embedding; peak RSS ${r.import.peakRssMb} MB after import, ${r.embed.peakRssMb} MB after embedding`);
  }
  console.log(`vector index: ${r.index.seconds} s to load into the HNSW graph; RSS ${r.index.rssMb} MB with it`);
  console.log(`queries:      ${perMode} per mode (half short topics, half titles), limit 20, ms`);
  console.log('mode       in-process p50   p95    HTTP p50   p95');
  for (const mode of SEARCH_MODES) {
    const a = r.latencyMs.inProcess[mode];
    const b = r.latencyMs.http[mode] ?? { p50: '-', p95: '-' };
    console.log(`${mode.padEnd(10)} ${String(a.p50).padStart(14)} ${String(a.p95).padStart(6)} ${String(b.p50).padStart(10)} ${String(b.p95).padStart(6)}`);
  }
  if (r.baseline) {
    const { revision, inProcess, agreement } = r.baseline;
    console.log(`baseline:     the search code of ${revision}, same run, queries interleaved, in-process ms`);
    console.log('mode       baseline p50   p95    this p50   p95    p50 ratio');
    for (const mode of SEARCH_MODES) {
      const a = inProcess[mode];
      const b = r.latencyMs.inProcess[mode];
      console.log(`${mode.padEnd(10)} ${String(a.p50).padStart(12)} ${String(a.p95).padStart(6)} ${String(b.p50).padStart(10)} ${String(b.p95).padStart(6)} ${(b.p50 / a.p50).toFixed(2).padStart(11)}`);
    }
    console.log('agreement  top-20 shared  top-10 shared (topics, titles)  title first: baseline  this');
    for (const mode of SEARCH_MODES) {
      const g = agreement[mode];
      const split = `(${g.shared10Topics.toFixed(3)}, ${g.shared10Titles.toFixed(3)})`;
      console.log(`${mode.padEnd(10)} ${g.shared20.toFixed(3).padStart(13)} ${g.shared10.toFixed(3).padStart(14)} ${split.padStart(16)} ${g.titleFirstBaseline.toFixed(3).padStart(22)} ${g.titleFirst.toFixed(3).padStart(5)}`);
    }
  }
  console.log(`machine:      ${r.machine}`);
}

interface Agreement {
  /** Mean share of the baseline's top 20 (top 10) that this code's top 20 (top 10) also has. */
  shared20: number;
  shared10: number;
  /** The same for topic queries and for title queries apart. */
  shared10Topics: number;
  shared10Titles: number;
  /** Share of title queries that find their own paper first. */
  titleFirst: number;
  titleFirstBaseline: number;
}

/** How far this code's results agree with the baseline's: a check that speed did not cost ranking. */
function agree(mine: string[][], theirs: string[][], titleOf: (string | null)[]): Agreement {
  const shared = (k: number, which = mine.map((_, i) => i)) => mean(which.map((i) => overlap(mine[i]!.slice(0, k), theirs[i]!.slice(0, k))));
  const titled = titleOf.flatMap((id, i) => (id === null ? [] : [i]));
  const topics = titleOf.flatMap((id, i) => (id === null ? [i] : []));
  const first = (lists: string[][]) => titled.filter((i) => lists[i]![0] === titleOf[i]).length / Math.max(1, titled.length);
  return {
    shared20: shared(20),
    shared10: shared(10),
    shared10Topics: shared(10, topics),
    shared10Titles: shared(10, titled),
    titleFirst: first(mine),
    titleFirstBaseline: first(theirs),
  };
}

function overlap(a: string[], b: string[]): number {
  if (b.length === 0) return a.length === 0 ? 1 : 0;
  const set = new Set(a);
  return b.filter((id) => set.has(id)).length / b.length;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

async function measureHttp(db: Db, dir: string, service: SearchService, queries: string[], http: Latencies) {
  const log = createLogger('silent');
  // Each query from another visitor's address (through a trusted loopback proxy, as bench:http
  // does), so the search limit per address (LIMITS.search) does not turn the run into 429s.
  const app = await buildServer({ ...webDeps(db, log, loadConfig({ PAPERBOY_DATA_DIR: dir, PAPERBOY_TRUST_PROXY: '127.0.0.1' })), search: { search: service } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  let visitor = 0;
  for (const mode of SEARCH_MODES) {
    const times: number[] = [];
    for (const q of queries) {
      const url = `${address}/api/papers/search?q=${encodeURIComponent(q.slice(0, 250))}&mode=${mode}&limit=20`;
      visitor++;
      const t0 = performance.now();
      const res = await fetch(url, { headers: { 'x-forwarded-for': `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}` } });
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    }
    http[mode] = summary(times);
  }
  await app.close();
}
