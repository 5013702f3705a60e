import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { finished, runCli, startCli } from '../support/cli.js';
import { tempDb, type TempDb } from '../support/db.js';
import { FixtureServer, OaiListRecords, arxivApiHandler, hang, oaiRecords, tooManyRequests } from '../support/fixture-server.js';

// What the `paperboy` process stored, read through the test's own connection to the same database.
async function storedIds(t: TempDb): Promise<string[]> {
  return (await t.db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);
}

async function checkpointPages(t: TempDb): Promise<number | null> {
  const row = await t.db.selectFrom('harvest_checkpoints').select('state').executeTakeFirst();
  return row ? (JSON.parse(row.state) as { pages: number }).pages : null;
}

describe('paperboy harvest against a local OAI-PMH server', () => {
  let server: FixtureServer;
  let t: TempDb;
  let env: Record<string, string>;
  const allIds = [...new Set(oaiRecords().map((r) => r.id))].sort();

  before(async () => {
    server = await FixtureServer.start();
    t = await tempDb();
    env = { ...t.env, PAPERBOY_OAI_URL: server.url('/oai2'), PAPERBOY_ARXIV_INTERVAL_MS: '20' };
  });
  after(async () => {
    await server.close();
    await t.cleanup();
  });

  it('resumes a killed harvest where it stopped, with no gap and no duplicate', async () => {
    const list = new OaiListRecords(oaiRecords(), 2);
    // The second page never comes: the harvester is killed while it waits for it.
    server.setHandler((req) => (req.index === 2 ? hang() : list.handler(req)));
    const child = startCli(['harvest', '--from', '2000-01-01'], env);
    const done = finished(child);
    // Up to a minute: the process alone takes seconds to start on a busy machine.
    for (let i = 0; i < 1200 && (await checkpointPages(t)) !== 1; i++) await delay(50);
    assert.equal(await checkpointPages(t), 1, 'the first page and its checkpoint were stored');
    child.kill('SIGKILL');
    await done;
    assert.deepEqual(await storedIds(t), oaiRecords().slice(0, 2).map((r) => r.id).sort());

    server.reset();
    server.setHandler(list.handler);
    const resumed = await runCli(['harvest', '--from', '2000-01-01', '--json'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(server.requests[0]?.query.get('resumptionToken'), 'the resumed run asked for the page after the stored one');
    const report = JSON.parse(resumed.stdout) as { inserted: number; unchanged: number };
    assert.equal(report.unchanged, 0, 'no record was read twice');
    assert.equal(report.inserted, allIds.length - 2);
    assert.deepEqual(await storedIds(t), allIds);
  });

  it('waits out a 429 with Retry-After and finishes', async () => {
    const list = new OaiListRecords(oaiRecords(), 3);
    server.reset();
    server.setHandler((req) => (req.index === 1 ? tooManyRequests(1) : list.handler(req)));
    const result = await runCli(['harvest', '--from', '2000-01-01', '--until', '2030-01-01', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests[1]!.t - server.requests[0]!.t >= 1000);
  });

  it('refuses a malformed day before asking arXiv anything', async () => {
    server.reset();
    const result = await runCli(['harvest', '--from', '2025-13-45'], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--from must be YYYY-MM-DD/);
    assert.equal(server.requests.length, 0);
  });
});

describe('paperboy fetch against a local export API', () => {
  let server: FixtureServer;
  let t: TempDb;
  before(async () => {
    server = await FixtureServer.start(arxivApiHandler({ total: 1 }));
    t = await tempDb();
  });
  after(async () => {
    await server.close();
    await t.cleanup();
  });

  it('fetches papers by id and stores them', async () => {
    const env = { ...t.env, PAPERBOY_ARXIV_API_URL: server.url('/api/query'), PAPERBOY_ARXIV_INTERVAL_MS: '20' };
    const result = await runCli(['fetch', '--id', '1601.00001', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(server.requests[0]?.query.get('id_list'), '1601.00001');
    assert.deepEqual(await storedIds(t), ['1601.00001']);
    const bad = await runCli(['fetch', '--id', 'nonsense'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--id: not an arXiv id: "nonsense"/);
  });
});
