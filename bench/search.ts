// npm run bench:search [-- --file FILE] [--queries N] [--json]
// Search speed on the shared 143k arXiv sample: imports it into a fresh database (keyword index
// built by the import), trains the default embedder and embeds every paper (time and peak memory),
// then runs N queries per mode (half short keyword queries, half paper titles) in-process and
// through the HTTP API, and prints p50 and p95 latency.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Ingest } from '../src/catalog/ingest.js';
import { createLogger } from '../src/log.js';
import { trainCatalogModel } from '../src/search/maintain.js';
import { SEARCH_MODES, SearchService, type SearchMode } from '../src/search/service.js';
import { readSourceFile } from '../src/sources/files.js';
import { openDatabase } from '../src/store/db.js';
import { searchDb } from '../src/store/search-docs.js';
import { buildServer } from '../src/web/server.js';
import { webDeps } from '../src/web/compose.js';
import { loadConfig } from '../src/config.js';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/arxiv-cs-143k.jsonl.gz') },
    queries: { type: 'string', default: '500' },
    json: { type: 'boolean', default: false },
  },
});
const perMode = Number(args.queries);

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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-search-'));
try {
  const db = await openDatabase(path.join(dir, 'paperboy.sqlite'));
  let started = performance.now();
  const report = await new Ingest(db).run(readSourceFile(args.file));
  const importSeconds = (performance.now() - started) / 1000;
  const peakAfterImport = peakMb();

  const rssBeforeEmbed = rssMb();
  started = performance.now();
  const embedder = await trainCatalogModel(searchDb(db));
  const embedSeconds = (performance.now() - started) / 1000;
  const peakAfterEmbed = peakMb();

  started = performance.now();
  const service = new SearchService(db, embedder);
  await service.load();
  const indexSeconds = (performance.now() - started) / 1000;
  const rssWithIndex = rssMb();

  // Half short topic queries, half titles of papers spread over the catalog.
  const titles = await db.selectFrom('papers').select('title').orderBy('id').execute();
  const step = Math.max(1, Math.floor(titles.length / (perMode / 2)));
  const queries: string[] = [];
  for (let i = 0; queries.length < perMode; i++) {
    queries.push(i % 2 === 0 ? TOPICS[(i / 2) % TOPICS.length]! : titles[(((i - 1) / 2) * step) % titles.length]!.title);
  }

  const inProcess = {} as Record<SearchMode, { p50: number; p95: number }>;
  for (const mode of SEARCH_MODES) {
    for (const q of queries.slice(0, 20)) await service.search({ query: q, mode, limit: 20 }); // warm-up
    const times: number[] = [];
    for (const q of queries) {
      const t0 = performance.now();
      await service.search({ query: q, mode, limit: 20 });
      times.push(performance.now() - t0);
    }
    inProcess[mode] = summary(times);
  }

  const log = createLogger('silent');
  const app = await buildServer({ ...webDeps(db, log, loadConfig({ PAPERBOY_DATA_DIR: dir })), search: { search: service, maintenanceIntervalMs: 0 } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const http = {} as Record<SearchMode, { p50: number; p95: number }>;
  for (const mode of SEARCH_MODES) {
    const times: number[] = [];
    for (const q of queries) {
      const url = `${address}/api/papers/search?q=${encodeURIComponent(q.slice(0, 250))}&mode=${mode}&limit=20`;
      const t0 = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    }
    http[mode] = summary(times);
  }
  await app.close();
  await db.destroy();

  const result = {
    papers: report.inserted,
    import: { seconds: round(importSeconds), perSecond: Math.round(report.inserted / importSeconds), peakRssMb: peakAfterImport },
    embed: { model: embedder.id, seconds: round(embedSeconds), rssBeforeMb: rssBeforeEmbed, peakRssMb: peakAfterEmbed },
    index: { seconds: round(indexSeconds), rssMb: rssWithIndex },
    latencyMs: { inProcess, http },
  };
  if (args.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`papers:       ${result.papers} (import with keyword index: ${result.import.seconds} s, ${result.import.perSecond} papers/s)`);
    console.log(`embed:        ${result.embed.seconds} s to train ${embedder.id} and embed every paper`);
    console.log(`memory:       RSS ${rssBeforeEmbed} MB before embedding; peak RSS ${peakAfterImport} MB after import, ${peakAfterEmbed} MB after embedding`);
    console.log(`vector index: ${result.index.seconds} s to load into the HNSW graph; RSS ${rssWithIndex} MB with it`);
    console.log(`queries:      ${perMode} per mode (half short topics, half titles), limit 20, ms`);
    console.log('mode       in-process p50   p95    HTTP p50   p95');
    for (const mode of SEARCH_MODES) {
      const a = inProcess[mode];
      const b = http[mode];
      console.log(`${mode.padEnd(10)} ${String(a.p50).padStart(14)} ${String(a.p95).padStart(6)} ${String(b.p50).padStart(10)} ${String(b.p95).padStart(6)}`);
    }
    console.log(`machine:      ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
