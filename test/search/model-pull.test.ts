import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { OnnxEmbedder } from '../../src/search/onnx-embedder.js';
import { runCli } from '../support/cli.js';
import { tempDb, type TempDb } from '../support/db.js';
import { startModelHost, type ModelHost } from './model-host.js';
import { buildTinyModel } from './tiny-onnx.js';

const WORDS = 'graph neural networks for molecules protein folding'.split(' ');

describe('paperboy model pull, from a stand-in for the Hugging Face Hub', () => {
  let dir: string;
  let t: TempDb;
  let dataDir: string;
  let host: ModelHost;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-pull-'));
    t = await tempDb();
    dataDir = t.dir;
    buildTinyModel(path.join(dir, 'hub', 'Tiny', 'embedder-v1.5'), WORDS, 24);
    host = await startModelHost(path.join(dir, 'hub'));
  });
  after(async () => {
    await host.close();
    await t.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const pull = (name: string, json = true) => runCli(['model', 'pull', name, ...(json ? ['--json'] : [])], { ...t.env, PAPERBOY_MODEL_HOST: host.url });

  it('downloads a model into the data directory through transformers.js, checks it, and notes it', async () => {
    const result = await pull('Tiny/embedder-v1.5');
    assert.equal(result.code, 0, result.stderr);
    const pulled = JSON.parse(result.stdout) as { name: string; dir: string; dimensions: number; id: string; from: string };
    const modelDir = path.join(dataDir, 'models', 'Tiny', 'embedder-v1.5');
    assert.deepEqual([pulled.name, pulled.dir, pulled.dimensions, pulled.from], ['Tiny/embedder-v1.5', modelDir, 24, host.url]);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'paperboy-model.json']) {
      assert.ok(fs.existsSync(path.join(modelDir, file)), `${file} is in place`);
    }
    assert.ok(host.requests.includes('/Tiny/embedder-v1.5/resolve/main/onnx/model.onnx'), host.requests.join('\n'));
    // It loads by name, the way searches will load it.
    const settings = loadConfig({ PAPERBOY_DATA_DIR: dataDir, PAPERBOY_EMBEDDER: 'onnx', PAPERBOY_ONNX_MODEL: 'Tiny/embedder-v1.5' }).search;
    assert.equal(settings.onnxModelDir, modelDir);
    const embedder = await OnnxEmbedder.load(settings.onnxModelDir!);
    assert.equal(embedder.id, pulled.id);
    assert.equal(embedder.dimensions, 24);
  });

  it('downloads only once: a second pull reads what is there', async () => {
    const before = host.requests.length;
    const result = await pull('Tiny/embedder-v1.5', false);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(host.requests.slice(before), []);
    assert.match(result.stdout, /^pulled Tiny\/embedder-v1\.5 \(24 dimensions\) into .*\nTo search with it, set PAPERBOY_EMBEDDER=onnx and PAPERBOY_ONNX_MODEL=Tiny\/embedder-v1\.5/);
    const list = await runCli(['model', 'list'], t.env);
    assert.match(list.stdout, /in use: none yet/);
    assert.match(list.stdout, /^ {2}Tiny\/embedder-v1\.5 {2}24 dimensions/m);
  });

  it('says what went wrong: a name that is not one, a model the host does not have, an unreachable host', async () => {
    const notAName = await pull('../../etc');
    assert.equal(notAName.code, 2);
    assert.match(notAName.stderr, /"\.\.\/\.\.\/etc" is not a model name such as Xenova\/bge-small-en-v1\.5/);
    const missing = await pull('Tiny/nothing-here');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`could not pull Tiny/nothing-here from ${host.url.replace(/[.]/g, '\\.')}`));
    assert.ok(!fs.existsSync(path.join(dataDir, 'models', 'Tiny', 'nothing-here', 'paperboy-model.json')));
    const down = await runCli(['model', 'pull', 'Tiny/embedder-v2', '--json'], { ...t.env, PAPERBOY_MODEL_HOST: 'http://127.0.0.1:9/' });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /could not pull Tiny\/embedder-v2 from http:\/\/127\.0\.0\.1:9\//);
  });
});
