// The benchmarks' data sets are not in the repository (the 143k arXiv file is 82 MB, SciFact's
// licence is non-commercial). Each benchmark takes its files by flag, by default from
// ../shared/data beside the clone, where the team's machines keep them; a missing file stops the
// benchmark with the flag to pass, before any work.
import fs from 'node:fs';
import path from 'node:path';

const sharedData = path.resolve(import.meta.dirname, '../../../shared/data');

/** arxiv-cs-143k.jsonl.gz: 142,839 records of arXiv metadata (CC0). */
export const ARXIV_143K = path.join(sharedData, 'arxiv-cs-143k.jsonl.gz');
/** SciFact in BEIR layout (CC BY-NC 2.0): corpus.jsonl.gz, queries-train.jsonl, qrels-train.tsv. */
export const SCIFACT = path.join(sharedData, 'scifact');

const WHAT = {
  arxiv: [
    'a gzipped JSON-lines file of arXiv metadata in the layout of test/fixtures/samples/README.md.',
    'The figures in docs/benchmarks.md are for arxiv-cs-143k.jsonl.gz (142,839 records), read from',
    '../shared/data/ by default; test/fixtures/samples/arxiv-cs-3400.jsonl.gz makes a quick run.',
  ],
  scifact: [
    'SciFact in the BEIR layout (BEIR\'s scifact data set: corpus.jsonl, queries.jsonl, qrels/train.tsv),',
    'read from ../shared/data/scifact/ by default. Its licence (CC BY-NC 2.0) keeps it out of the repository.',
  ],
} as const;

/** `file` when it exists; otherwise says which flag to pass and what it wants, and exits. */
export function requireData(file: string, flag: string, kind: keyof typeof WHAT): string {
  if (fs.existsSync(file)) return file;
  console.error(`${file}: not found.\nPass ${flag} FILE: ${WHAT[kind].join('\n')}`);
  process.exit(2);
}
