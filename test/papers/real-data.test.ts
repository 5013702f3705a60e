import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { normalizePaper } from '../../src/papers/normalize.js';
import type { PaperInput } from '../../src/papers/paper.js';
import { arxivSample } from '../support/paths.js';

/** One line of the arXiv sample, as described in test/fixtures/samples/README.md. */
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

describe('normalizePaper on real data', () => {
  it('normalizes the 3,400 records of the arXiv sample without a rejection', async () => {
    let n = 0;
    const categoryWarnings: string[] = [];
    const lines = createInterface({ input: createReadStream(arxivSample).pipe(createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) {
      n++;
      const record = JSON.parse(line) as DumpRecord;
      const { paper, warnings } = normalizePaper(toInput(record, `arxiv-cs-3400.jsonl:${n}`));
      assert.equal(paper.id, record.id);
      assert.equal(paper.primaryCategory, record.primary_category);
      assert.equal(paper.day, record.listing_date);
      assert.ok(paper.title.length > 0 && !/\s{2}|^\s|\s$/.test(paper.title), paper.title);
      for (const w of warnings) {
        assert.match(w, /^categories: dropped unknown /);
        categoryWarnings.push(w);
      }
    }
    assert.equal(n, 3400);
    // The whole 143k file has 62 such free-text entries; its first 3,400 records a handful at most.
    assert.ok(categoryWarnings.length < 20, categoryWarnings.join('\n'));
  });
});
