import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { searchUpkeep } from '../../src/search/background.js';
import type { Embedder } from '../../src/search/embedder.js';
import { nextVectorPages, prepareModel, servingEmbedder, trainCatalogModel } from '../../src/search/maintain.js';
import { OnnxEmbedder } from '../../src/search/onnx-embedder.js';
import { SearchService } from '../../src/search/service.js';
import { countNextVectors, promoteNextVectors } from '../../src/store/next-vectors.js';
import { oneProcess } from '../../src/store/notices.js';
import { getPaper, upsertPapers } from '../../src/store/papers.js';
import { activeModel, countDocs, searchDb, type DocText } from '../../src/store/search-docs.js';
import { tempDb, type TempDb } from '../support/db.js';
import { eventually } from '../support/eventually.js';
import { importSample } from './sample.js';
import { buildTinyModel } from './tiny-onnx.js';

const PAPERS = 600;

describe('switching semantic search to another model while it answers', () => {
  let t: TempDb;
  let modelDir: string;
  let titles: { id: string; title: string }[];
  before(async () => {
    t = await tempDb();
    await importSample(t.db, 0, PAPERS);
    titles = await t.db.selectFrom('papers').select(['id', 'title']).orderBy('id').execute();
    // A tiny ONNX model that knows the catalog's title words, so it finds papers by them.
    modelDir = path.join(t.dir, 'models', 'Tiny', 'titles');
    buildTinyModel(modelDir, titles.flatMap((p) => p.title.toLowerCase().match(/[a-z]+/g) ?? []), 32);
  });
  after(async () => t.cleanup());

  /** A search by meaning for a paper's title, and one narrowed to a category (which reads stored vectors). */
  async function answers(service: SearchService, paper: { id: string; title: string }) {
    const { hits } = await service.search({ query: paper.title, mode: 'semantic', limit: 5 });
    const narrow = await service.search({ query: paper.title, mode: 'semantic', limit: 5, filters: { categories: ['math.*'] } });
    const similar = await service.similar(paper.id, 3);
    return { ids: hits.map((h) => h.paper.id), narrow: narrow.hits.length, similar: similar.filter((h) => h.semanticRank !== null).length };
  }

  it('makes the new vectors apart, answers with the old ones throughout, then changes over in one step', async () => {
    const db = searchDb(t.db);
    const old = await trainCatalogModel(db);
    const service = new SearchService(t.db, old);
    await service.load();
    const onnx = await OnnxEmbedder.load(modelDir);
    const probe = titles[17]!;
    const before = await answers(service, probe);
    assert.ok(before.ids.length > 0 && before.narrow > 0 && before.similar > 0, JSON.stringify(before));

    const checks: string[] = [];
    let changed: string | null = null;
    const oldStillAnswers = async (when: string) => {
      assert.equal(service.model?.id, old.id, when);
      assert.equal((await activeModel(db))?.id, old.id, when);
      // (but that of the paper whose text changed: the catalog drops a vector made from old text)
      assert.equal(await countDocs(db, old.id), PAPERS - (changed === null ? 0 : 1), `${when}: every old vector is still in place`);
      assert.deepEqual(await answers(service, probe), before, `${when}: searches answer as before`);
      checks.push(when);
    };
    // The new model, watched: before each batch it embeds, searches must answer from the old vectors.
    const watched: Embedder = {
      id: onnx.id,
      kind: onnx.kind,
      dimensions: onnx.dimensions,
      embedQuery: (text) => onnx.embedQuery(text),
      async embedDocuments(texts) {
        const docs = texts as DocText[];
        await oldStillAnswers(`before embedding ${docs.length} papers from doc ${docs[0]!.doc}`);
        if (changed === null) {
          // A paper embedded in this batch changes its text: its new vector is stale before the switch.
          const paper = (await getPaper(t.db, docs[0]!.paperId))!;
          await upsertPapers(t.db, [{ ...paper, version: paper.version + 1, abstract: `${paper.abstract} Revised.` }]);
          changed = paper.id;
        }
        return onnx.embedDocuments(docs);
      },
    };
    await prepareModel(db, watched, onnx.state, PAPERS);
    assert.equal(checks.length, 3, 'three batches of 256');
    assert.equal(await countNextVectors(db, onnx.id), PAPERS);

    await service.swapTo(onnx, nextVectorPages(db, onnx.id), async () => {
      await oldStillAnswers('with the new index built, before the change');
      await promoteNextVectors(db, onnx.id);
    });
    assert.equal(service.model?.id, onnx.id);
    assert.equal((await activeModel(db))?.id, onnx.id);
    assert.deepEqual(await db.selectFrom('embedding_models').select('id').execute(), [{ id: onnx.id }], 'the old model is forgotten');
    assert.equal(await countNextVectors(db, onnx.id), 0);
    // Every paper but the one whose text changed has its new vector; that one is embedded again.
    assert.equal(await countDocs(db, onnx.id), PAPERS - 1);
    assert.equal(await service.indexNewPapers(), 1);
    assert.equal(await countDocs(db, onnx.id), PAPERS);
    const after = await answers(service, probe);
    assert.equal(after.ids[0], probe.id, 'the new model finds a paper by its title');
    assert.ok(after.narrow > 0 && after.similar > 0);
    assert.notDeepEqual(after, before, 'the answers are the new model\'s');
    // A server started now searches with the new model.
    assert.equal((await servingEmbedder(db, loadConfig(t.env).search))?.id, onnx.id);
  });

  it('switches by itself in the scheduled work, to a model configured by name, answering throughout', async () => {
    const db = searchDb(t.db);
    const old = await trainCatalogModel(db);
    const settings = loadConfig({ ...t.env, PAPERBOY_EMBEDDER: 'onnx', PAPERBOY_ONNX_MODEL: 'Tiny/titles', PAPERBOY_ONNX_POOLING: 'cls' }).search;
    assert.equal(settings.onnxModelDir, modelDir);
    assert.ok(fs.existsSync(settings.onnxModelDir!));
    // What a server starting now searches with: the model in use, not yet the configured one.
    const service = new SearchService(t.db, await servingEmbedder(db, settings));
    assert.equal(service.model?.id, old.id);
    await service.load();
    // One round of the upkeep the scheduled work runs, searching all the while.
    const upkeep = searchUpkeep(service, t.db, createLogger('silent'), settings, oneProcess)();
    const probe = titles[42]!;
    let asked = 0;
    await eventually(async () => {
      const { hits } = await service.search({ query: probe.title, mode: 'semantic', limit: 3 });
      assert.ok(hits.length > 0, 'semantic search answers at every moment of the switch');
      asked++;
      return service.model?.id !== old.id;
    }, 'the switch to the configured model');
    await upkeep;
    const target = await OnnxEmbedder.load(modelDir, { pooling: 'cls' });
    assert.equal(service.model?.id, target.id);
    assert.equal(await countDocs(db, target.id), PAPERS);
    assert.ok(asked > 1, `searched ${asked} times`);
  });

  it('takes up a model another command put in use, instead of embedding every paper again with its own', async () => {
    const db = searchDb(t.db);
    const old = await trainCatalogModel(db);
    const service = new SearchService(t.db, old);
    await service.load();
    // `paperboy embed` run beside the server: a new model, every vector replaced, and in use.
    const retrained = await trainCatalogModel(db, { dimensions: 128 });
    assert.notEqual(retrained.id, old.id);
    await searchUpkeep(service, t.db, createLogger('silent'), loadConfig(t.env).search, oneProcess)();
    assert.equal(service.model?.id, retrained.id, 'the server searching with the new model');
    assert.equal(await countDocs(db, retrained.id), PAPERS, 'no vector was made again with the old model');
    const probe = titles[5]!;
    assert.ok((await service.search({ query: probe.title, mode: 'semantic', limit: 3 })).hits.length > 0);
  });
});
