import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Tests read only what the repository holds (a clone with nothing beside it must pass);
// `.ci/run` runs them in such a clone. Big data sets are for benchmarks (bench/support/data.ts).
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Recorded arXiv responses (`abs/`, `atom/`, `oai-pmh/`); their origin is in each folder's README. */
export const fixturesDir = path.join(repoRoot, 'test/fixtures/arxiv');
/** The first 3,400 records of the 143k arXiv sample, line for line (scripts/make-test-sample.ts). */
export const arxivSample = path.join(repoRoot, 'test/fixtures/samples/arxiv-cs-3400.jsonl.gz');
