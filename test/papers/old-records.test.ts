import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Ingest } from '../../src/catalog/ingest.js';
import { readSourceFile } from '../../src/sources/files.js';
import { getPaper } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { repoRoot } from '../support/paths.js';
import { testServer } from '../support/web.js';

const ABS = path.join(repoRoot, 'test/fixtures/arxiv/abs');

/**
 * Records from before 2007 whose category is an archive by itself: `cs/0011004` v1 has no
 * Categories line at all, `physics/9707012` v1 neither, and its v2 lists `physics` first.
 */
describe('old arXiv records filed under a bare archive', () => {
  let t: TempDb;
  let app: FastifyInstance;
  before(async () => {
    t = await tempDb();
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('imports them, taking the archive from the id when the record names no category', async () => {
    for (const file of ['0011004v1.abs', '9707012v1.abs']) {
      const report = await new Ingest(t.db).run(readSourceFile(path.join(ABS, file)));
      assert.deepEqual(report.rejections, [], file);
      assert.equal(report.inserted, 1, file);
    }
    assert.deepEqual((await getPaper(t.db, 'cs/0011004'))?.categories, ['cs']);
    assert.equal((await getPaper(t.db, 'cs/0011004'))?.primaryCategory, 'cs');
    assert.deepEqual((await getPaper(t.db, 'physics/9707012'))?.categories, ['physics']);
  });

  it('keeps the archive at the head of a category list', async () => {
    const report = await new Ingest(t.db).run(readSourceFile(path.join(ABS, '9707012v2.abs')));
    assert.deepEqual(report.rejections, []);
    assert.equal(report.updated, 1, 'v2 replaces v1');
    const paper = await getPaper(t.db, 'physics/9707012');
    assert.deepEqual(paper?.categories, ['physics', 'math-ph', 'math.MP', 'quant-ph']);
    assert.equal(paper?.primaryCategory, 'physics');
  });

  it('lists them on the archive category page and names the category on the paper page', async () => {
    const cs = await app.inject('/categories/cs');
    assert.equal(cs.statusCode, 200);
    assert.match(cs.body, /<h1>cs: Computer Science<\/h1>/);
    assert.match(cs.body, /Anonymous Oblivious Transfer/);
    const physics = await app.inject('/categories/physics');
    assert.equal(physics.statusCode, 200);
    assert.match(physics.body, /Supersymmetric partner chirping of Newtonian free damping/);
    const page = await app.inject('/papers/physics/9707012');
    assert.match(page.body, /<a href="\/categories\/physics">physics<\/a> <span class="muted">\(Physics\)<\/span>/);
  });

  it('finds them with a whole-archive filter', async () => {
    const cs = await app.inject(`/search?q=${encodeURIComponent('oblivious cat:cs')}`);
    assert.match(cs.body, /Anonymous Oblivious Transfer/);
    const physics = await app.inject(`/search?q=${encodeURIComponent('damping cat:physics')}`);
    assert.match(physics.body, /Supersymmetric partner chirping/);
    const math = await app.inject(`/search?q=${encodeURIComponent('oblivious cat:math')}`);
    assert.doesNotMatch(math.body, /Anonymous Oblivious Transfer/);
  });
});
