import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HUB_LIMIT, HubClient } from '../../src/sources/hf-hub.js';
import { ServiceError } from '../../src/sources/service.js';
import { FixtureServer } from '../support/fixture-server.js';

/**
 * No real recording of `/api/models?filter=arxiv:<id>` was found (test/fixtures/hf-hub/README.md):
 * these answers are written here in the documented shape, an array of repositories with `id`,
 * `likes` and `downloads` beside other fields.
 */
const MODELS = [
  { _id: '1', id: 'org/small', likes: 3, downloads: 120, tags: ['arxiv:2401.12345'], private: false },
  { _id: '2', id: 'org/big', likes: 40, downloads: 9000, tags: ['arxiv:2401.12345'], private: false },
];
const DATASETS = [{ _id: '3', id: 'org/data', likes: 5, downloads: 10 }];
const SPACES = [{ _id: '4', id: 'someone/demo', likes: 12, sdk: 'gradio' }];
const NOW = Date.parse('2026-12-03T10:00:00Z');

describe('Hugging Face Hub client', () => {
  let server: FixtureServer;
  before(async () => {
    server = await FixtureServer.start();
  });
  after(() => server.close());
  const hub = (timeoutMs = 5000) => new HubClient({ url: server.origin, timeoutMs });
  const json = (body: unknown) => ({ kind: 'reply' as const, status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('lists the models, datasets and Spaces citing a paper, most liked first', async () => {
    server.reset();
    server.enqueue(json(MODELS), json(DATASETS), json(SPACES));
    assert.deepEqual(await hub().citing('2401.12345', NOW), [
      { kind: 'model', id: 'org/big', likes: 40, downloads: 9000 },
      { kind: 'model', id: 'org/small', likes: 3, downloads: 120 },
      { kind: 'dataset', id: 'org/data', likes: 5, downloads: 10 },
      { kind: 'space', id: 'someone/demo', likes: 12, downloads: null },
    ]);
    assert.deepEqual(server.requests.map((r) => [r.path, r.query.get('filter'), r.query.get('limit')]), [
      ['/api/models', 'arxiv:2401.12345', String(HUB_LIMIT)],
      ['/api/datasets', 'arxiv:2401.12345', String(HUB_LIMIT)],
      ['/api/spaces', 'arxiv:2401.12345', String(HUB_LIMIT)],
    ]);
  });

  it('pauses on a 429, fails on other errors and on answers of another shape', async () => {
    server.reset();
    server.enqueue({ kind: 'reply', status: 429, headers: { 'retry-after': '30' }, body: 'Too Many Requests' });
    await assert.rejects(hub().citing('2401.12345', NOW), (e: unknown) => e instanceof ServiceError && e.pauseUntil === NOW + 30_000);
    server.enqueue({ kind: 'reply', status: 429, headers: {}, body: '' });
    await assert.rejects(hub().citing('2401.12345', NOW), (e: unknown) => e instanceof ServiceError && e.pauseUntil === NOW + 5 * 60_000);
    server.enqueue({ kind: 'reply', status: 500, headers: {}, body: 'Internal Error' });
    await assert.rejects(hub().citing('2401.12345', NOW), (e: unknown) => e instanceof ServiceError && e.status === 500 && e.pauseUntil === null);
    server.enqueue(json({ error: 'not a list' }));
    await assert.rejects(hub().citing('2401.12345', NOW), (e: unknown) => e instanceof ServiceError && /unexpected answer/.test(e.message));
    server.enqueue({ kind: 'hang' });
    await assert.rejects(hub(200).citing('2401.12345', NOW), (e: unknown) => e instanceof ServiceError && /timed out/.test(e.message));
  });
});
