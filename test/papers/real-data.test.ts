import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import path from 'node:path';
import { normalizePaper } from '../../src/papers/normalize.js';
import type { PaperInput } from '../../src/papers/paper.js';
import { dataDir } from '../support/paths.js';

const SAMPLE = 5_000;

/** One line of arxiv-cs-143k.jsonl.gz, as described in the data README. */
interface DumpRecord {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  primary_category: string;
  published: string | null;
  updated: string | null;
  comment: string | null;
  listing_date: string;
}

function toInput(record: DumpRecord, where: string): PaperInput {
  return {
    where,
    id: record.id,
    title: record.title,
    abstract: record.abstract,
    authors: record.authors,
    categories: record.categories,
    primaryCategory: record.primary_category,
    published: record.published,
    updated: record.updated,
    comment: record.comment,
    listedOn: record.listing_date,
  };
}

async function* firstLines(file: string, count: number): AsyncGenerator<string> {
  const stream = createReadStream(file).pipe(createGunzip());
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let seen = 0;
  try {
    for await (const line of lines) {
      if (seen++ >= count) break;
      yield line;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

describe('normalizePaper on real data', () => {
  it(`normalizes the first ${SAMPLE} records of arxiv-cs-143k without a rejection`, async () => {
    let n = 0;
    const categoryWarnings: string[] = [];
    for await (const line of firstLines(path.join(dataDir, 'arxiv-cs-143k.jsonl.gz'), SAMPLE)) {
      n++;
      const record = JSON.parse(line) as DumpRecord;
      const { paper, warnings } = normalizePaper(toInput(record, `arxiv-cs-143k.jsonl:${n}`));
      assert.equal(paper.id, record.id);
      assert.equal(paper.primaryCategory, record.primary_category);
      assert.equal(paper.day, record.listing_date);
      assert.ok(paper.title.length > 0 && !/\s{2}|^\s|\s$/.test(paper.title), paper.title);
      for (const w of warnings) {
        assert.match(w, /^categories: dropped unknown /);
        categoryWarnings.push(w);
      }
    }
    assert.equal(n, SAMPLE);
    // The whole file has 62 such free-text entries; the sample a handful at most.
    assert.ok(categoryWarnings.length < 20, categoryWarnings.join('\n'));
  });
});
