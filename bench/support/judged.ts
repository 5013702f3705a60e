// What the ranking-quality benchmarks share: reading judgements in the BEIR layout (queries as
// JSON lines with `_id` and `text`, qrels as `query-id<TAB>corpus-id<TAB>score` under a header
// line) and the two figures they print, nDCG@10 and Recall@100.
import fs from 'node:fs';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';

/** Judgements: query id -> (document id -> grade), grades above 0 only. */
export type Qrels = Map<string, Map<string, number>>;

/** The objects of a JSON-lines file, plain or gzipped. */
export async function* jsonLines(file: string): AsyncIterable<Record<string, unknown>> {
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

/** The judgements of a qrels file; `judged` also gets every pair judged, grade 0 included. */
export function readQrels(file: string, judged?: Map<string, Set<string>>): Qrels {
  const qrels: Qrels = new Map();
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  for (const line of lines.slice(1)) {
    const [query, doc, score] = line.split('\t');
    if (!query || !doc) continue;
    if (judged) judged.set(query, (judged.get(query) ?? new Set()).add(doc));
    if (Number(score) <= 0) continue;
    if (!qrels.has(query)) qrels.set(query, new Map());
    qrels.get(query)!.set(doc, Number(score));
  }
  return qrels;
}

export function ndcgAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  const dcg = ranked.slice(0, k).reduce((sum, doc, i) => sum + (relevant.get(doc) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()]
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

export function recallAt(ranked: string[], relevant: Map<string, number>, k: number): number {
  const found = ranked.slice(0, k).filter((doc) => relevant.has(doc)).length;
  return relevant.size > 0 ? found / relevant.size : 0;
}

export function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
