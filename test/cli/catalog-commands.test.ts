import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDb, type TempDb } from '../support/db.js';
import { fixturesDir, repoRoot } from '../support/paths.js';

const DEMO = path.join(repoRoot, 'demo/arxiv-demo.jsonl.gz');

describe('paperboy import, show and stats', () => {
  let t: TempDb;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    t = await tempDb();
    dir = t.dir;
    env = t.env;
  });
  after(() => t.cleanup());

  it('imports files of every format and says what it did', async () => {
    const files = [DEMO, path.join(fixturesDir, 'atom/id_list-1601.00001.xml'), path.join(fixturesDir, 'oai-pmh/getrecord-0.xml'), path.join(fixturesDir, 'abs/0011004.abs')];
    const first = await runCli(['import', ...files, '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout) as { inserted: number; rejected: number; read: number };
    assert.equal(report.rejected, 0);
    assert.equal(report.inserted, 3467 + 3);

    const again = await runCli(['import', DEMO], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /read 3467, inserted 0, updated 0, unchanged 3467, rejected 0/);
  });

  it('shows a paper as text and as JSON', async () => {
    const text = await runCli(['show', 'arXiv:cs/0011004'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^cs\/0011004v2 {2}Anonymous Oblivious Transfer/);
    assert.match(text.stdout, /authors: {4}J\. Mueller-Quade, H\. Imai/);
    const json = await runCli(['show', 'https://arxiv.org/abs/1601.03238v1', '--json'], env);
    const paper = JSON.parse(json.stdout) as { id: string; categories: string[]; journalRef: string };
    assert.equal(paper.id, '1601.03238');
    assert.equal(paper.journalRef, 'Phys.Rev. D93 (2015) 016005');
    assert.equal(paper.categories[0], 'quant-ph');
  });

  it('says clearly when an id is wrong or missing', async () => {
    const bad = await runCli(['show', 'not-an-id'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not an arXiv id: "not-an-id"/);
    const missing = await runCli(['show', '2401.99999'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /2401\.99999 is not in the catalog/);
    const noFile = await runCli(['import', path.join(dir, 'nope.jsonl')], env);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /no such file: .*nope\.jsonl/);
  });

  it('counts the catalog', async () => {
    const result = await runCli(['stats', '--json'], env);
    const stats = JSON.parse(result.stdout) as { papers: number; lastDay: string; categories: { category: string }[] };
    assert.equal(stats.papers, 3470);
    assert.equal(stats.lastDay, '2026-07-01');
    assert.ok(stats.categories.some((c) => c.category === 'cs.CV'));
  });

  it('refuses a wrong setting with a message naming it', async () => {
    const result = await runCli(['stats'], { ...env, PORT: 'abc' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /PORT="abc"/);
    const flag = await runCli(['stats', '--log-level', 'loud'], env);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /PAPERBOY_LOG_LEVEL="loud"/);
    // Search settings are checked at start with the rest, whichever command needs them.
    for (const command of [['search', 'segmentation'], ['embed']]) {
      const embedder = await runCli(command, { ...env, PAPERBOY_EMBEDDER: 'word2vec' });
      assert.equal(embedder.code, 2, command[0]);
      assert.equal(embedder.stderr, 'paperboy: invalid configuration:\n  PAPERBOY_EMBEDDER="word2vec": must be catalog or onnx\n', command[0]);
    }
  });
});
