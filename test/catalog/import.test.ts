import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Ingest } from '../../src/catalog/ingest.js';
import { readSourceFile } from '../../src/sources/files.js';
import { catalogStats, getPaper } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { arxivSample, repoRoot } from '../support/paths.js';

const DEMO = path.join(repoRoot, 'demo/arxiv-demo.jsonl.gz');

describe('importing a sample of real arXiv records', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => t.cleanup());

  it('stores every one of its 3,400 papers', async () => {
    const report = await new Ingest(t.db).run(readSourceFile(arxivSample));
    assert.equal(report.rejected, 0, JSON.stringify(report.rejections.slice(0, 5)));
    assert.equal(report.inserted, 3400);
    assert.equal((await catalogStats(t.db)).papers, 3400);
    const paper = await getPaper(t.db, '1904.11093');
    assert.equal(paper?.title, 'Deep Sparse Representation-based Classification');
    assert.deepEqual(paper?.authors, ['Mahdi Abavisani', 'Vishal M. Patel']);
    assert.equal(paper?.primaryCategory, 'cs.CV');
    assert.equal(paper?.day, '2025-10-13');
    assert.ok(paper?.links.some((l) => l.kind === 'code' && l.url.startsWith('https://github.com/mahdiabavisani/DSRC')));
  });

  it('changes nothing when imported a second time', async () => {
    const report = await new Ingest(t.db).run(readSourceFile(arxivSample));
    assert.equal(report.inserted, 0);
    assert.equal(report.updated, 0);
    assert.equal(report.unchanged, 3400);
    assert.equal((await catalogStats(t.db)).papers, 3400);
  });
});

describe('importing bad input', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => t.cleanup());

  it('reports each bad line with its place and stores the rest', async () => {
    const file = path.join(t.dir, 'mixed.jsonl');
    const good = (id: string) =>
      JSON.stringify({ id, title: `Paper ${id}`, abstract: 'Text.', authors: ['A. Author'], categories: ['cs.CL'], listing_date: '2025-01-02' });
    fs.writeFileSync(
      file,
      [
        good('2501.00001'),
        'this is not json',
        JSON.stringify({ title: 'No id here', categories: ['cs.CL'], listing_date: '2025-01-02' }),
        JSON.stringify({ id: '2501.00004', abstract: 'no title', categories: ['cs.CL'], listing_date: '2025-01-02' }),
        JSON.stringify({ id: '2501.00005', title: 'Bad category', categories: ['zz.NOPE'], listing_date: '2025-01-02' }),
        JSON.stringify({ id: '2501.00006', title: 'Bad date', categories: ['cs.CL'], published: '2025-13-45 99:00:00 UTC' }),
        good('2501.00007'),
      ].join('\n'),
    );
    const report = await new Ingest(t.db).run(readSourceFile(file));
    assert.equal(report.inserted, 2);
    assert.equal(report.rejected, 5);
    assert.deepEqual(
      report.rejections.map((r) => [r.where, r.field]),
      [
        [`${file}:2`, 'line'],
        [`${file}:3`, 'id'],
        [`${file}:4`, 'title'],
        [`${file}:5`, 'categories'],
        [`${file}:6`, 'published'],
      ],
    );
    assert.ok(await getPaper(t.db, '2501.00007'));
  });

  it('stops between batches when interrupted, keeps what it stored, and a second run completes the work', async () => {
    const controller = new AbortController();
    let batches = 0;
    const first = await new Ingest(t.db, {
      batchSize: 1000,
      signal: controller.signal,
      onBatch: () => {
        if (++batches === 3) controller.abort();
      },
    }).run(readSourceFile(DEMO));
    assert.equal(first.interrupted, true);
    const stored = (await catalogStats(t.db)).papers;
    assert.equal(stored, 2 + 3000);
    const second = await new Ingest(t.db).run(readSourceFile(DEMO));
    assert.equal(second.unchanged, 3000);
    assert.equal((await catalogStats(t.db)).papers, 2 + 3467);
  });
});
