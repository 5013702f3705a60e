import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { embedWithOnnx } from '../../src/search/maintain.js';
import { OnnxEmbedder } from '../../src/search/onnx-embedder.js';
import { SearchService } from '../../src/search/service.js';
import { upsertPapers } from '../../src/store/papers.js';
import { activeModel, countDocs, searchDb } from '../../src/store/search-docs.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { buildTinyModel } from './tiny-onnx.js';

const WORDS = 'graph neural networks for molecules protein folding language models machine translation speech recognition robot grasping'.split(' ');

describe('the ONNX embedder, on a tiny model built here', () => {
  let dir: string;
  let modelDir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-onnx-'));
    modelDir = path.join(dir, 'tiny-embedder');
    buildTinyModel(modelDir, WORDS);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('embeds text into unit vectors, the same text the same way', async () => {
    const embedder = await OnnxEmbedder.load(modelDir);
    assert.equal(embedder.dimensions, 16);
    assert.match(embedder.id, /^onnx-tiny-embedder-16d-/);
    const [a, b] = await embedder.embedDocuments([
      { title: 'Graph neural networks', abstract: 'for molecules' },
      { title: 'Graph neural networks', abstract: 'for molecules' },
    ]);
    assert.deepEqual(a, b);
    const norm = Math.sqrt(a!.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5);
    assert.equal(await embedder.embedQuery('   '), null);
  });

  it('names what is missing from a model directory', async () => {
    await assert.rejects(OnnxEmbedder.load(path.join(dir, 'nowhere')), /config\.json is missing/);
    const broken = path.join(dir, 'no-weights');
    buildTinyModel(broken, WORDS);
    fs.rmSync(path.join(broken, 'onnx'), { recursive: true });
    await assert.rejects(OnnxEmbedder.load(broken), /neither onnx\/model\.onnx nor onnx\/model_quantized\.onnx/);
  });

  it('is chosen by configuration, by directory or by the name it was pulled under', () => {
    const models = { modelsDir: path.join(dir, 'models'), modelHost: 'https://huggingface.co/' };
    assert.deepEqual(loadConfig({ PAPERBOY_DATA_DIR: dir, PAPERBOY_EMBEDDER: 'onnx', PAPERBOY_ONNX_MODEL: modelDir, PAPERBOY_ONNX_POOLING: 'cls' }).search, {
      embedder: 'onnx',
      onnxModelDir: modelDir,
      ...models,
      onnxPooling: 'cls',
      onnxQueryPrefix: '',
    });
    assert.deepEqual(loadConfig({ PAPERBOY_DATA_DIR: dir, PAPERBOY_ONNX_QUERY_PREFIX: 'query: ' }).search, { embedder: 'catalog', onnxModelDir: null, ...models, onnxPooling: 'mean', onnxQueryPrefix: 'query: ' });
    const byName = (value: string) => loadConfig({ PAPERBOY_DATA_DIR: dir, PAPERBOY_EMBEDDER: 'onnx', PAPERBOY_ONNX_MODEL: value }).search.onnxModelDir;
    assert.equal(byName('Xenova/bge-small-en-v1.5'), path.join(dir, 'models', 'Xenova', 'bge-small-en-v1.5'));
    assert.equal(byName('./Xenova/bge-small-en-v1.5'), path.resolve('Xenova/bge-small-en-v1.5'));
    assert.equal(byName('../models/minilm'), path.resolve('../models/minilm'));
    assert.equal(byName('/srv/models/minilm'), '/srv/models/minilm');
    assert.equal(loadConfig({ PAPERBOY_MODEL_HOST: 'http://127.0.0.1:8080/mirror' }).search.modelHost, 'http://127.0.0.1:8080/mirror/');
    // Each wrong value is named with what it should be, on a line of its own, among the other settings' problems.
    const refused = (env: Record<string, string>, line: RegExp) =>
      assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && line.test(error.message), JSON.stringify(env));
    refused({ PAPERBOY_EMBEDDER: 'onnx' }, /^ {2}PAPERBOY_ONNX_MODEL="": PAPERBOY_EMBEDDER=onnx needs a model: the name of one pulled with `paperboy model pull`, or a directory$/m);
    refused({ PAPERBOY_MODEL_HOST: 'ftp://mirror' }, /^ {2}PAPERBOY_MODEL_HOST="ftp:\/\/mirror"/m);
    refused({ PAPERBOY_EMBEDDER: 'onnx', PAPERBOY_ONNX_MODEL: '  ' }, /^ {2}PAPERBOY_ONNX_MODEL="": PAPERBOY_EMBEDDER=onnx needs/m);
    refused({ PAPERBOY_EMBEDDER: 'word2vec' }, /^ {2}PAPERBOY_EMBEDDER="word2vec": must be catalog or onnx$/m);
    refused({ PAPERBOY_ONNX_POOLING: 'max', PORT: 'abc' }, /^ {2}PAPERBOY_ONNX_POOLING="max": must be mean or cls$/m);
    refused({ PAPERBOY_ONNX_POOLING: 'max', PORT: 'abc' }, /^ {2}PORT="abc"/m);
  });

  describe('behind semantic search', () => {
    let t: TempDb;
    before(async () => {
      t = await tempDb();
    });
    after(async () => t.cleanup());

    it('embeds every paper, then finds by shared words', async () => {
      await upsertPapers(t.db, [
        makePaper({ id: '2501.00001', title: 'Graph neural networks for molecules', abstract: 'protein folding' }),
        makePaper({ id: '2501.00002', title: 'Machine translation', abstract: 'language models' }),
        makePaper({ id: '2501.00003', title: 'Robot grasping', abstract: 'speech recognition' }),
      ]);
      const embedder = await OnnxEmbedder.load(modelDir);
      await embedWithOnnx(searchDb(t.db), embedder);
      assert.equal((await activeModel(searchDb(t.db)))?.id, embedder.id);
      assert.equal(await countDocs(searchDb(t.db), embedder.id), 3);
      const service = new SearchService(t.db, embedder);
      await service.load();
      const { hits } = await service.search({ query: 'robot grasping', mode: 'semantic', limit: 3 });
      assert.equal(hits[0]?.paper.id, '2501.00003');
      const similar = await service.similar('2501.00001', 2);
      assert.equal(similar.length, 2);
    });
  });
});
