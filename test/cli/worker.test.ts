import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { markEmbedded, recordDay } from '../../src/store/announcement-days.js';
import { upsertPapers } from '../../src/store/papers.js';
import { startCli } from '../support/cli.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { messages, stop, waitForLog } from '../support/processes.js';
import { startSmtpRelay, unusedPort, type SmtpRelay } from '../support/smtp.js';

const READERS = 3;

describe('paperboy worker beside paperboy serve --no-jobs', () => {
  let t: TempDb;
  let relay: SmtpRelay;
  const children: ChildProcess[] = [];
  before(async () => {
    t = await tempDb();
    relay = await startSmtpRelay();
    const today = new Date().toISOString().slice(0, 10);
    await upsertPapers(t.db, [makePaper({ id: '2612.00201', day: today }), makePaper({ id: '2612.00202', day: today })]);
    await recordDay(t.db, { day: today, status: 'listed', source: 'feed', listed: 2, replaced: 0, read_at: new Date().toISOString() });
    await markEmbedded(t.db, [today], new Date().toISOString());
    const now = new Date().toISOString();
    await t.db
      .insertInto('subscriptions')
      .values(Array.from({ length: READERS }, (_, i) => ({ email: `worker-reader${i}@example.org`, status: 'active' as const, frequency: 'daily' as const, created_at: now, confirmed_at: now })))
      .execute();
  });
  after(async () => {
    for (const child of children) await stop(child);
    await relay?.close();
    await t?.cleanup();
  });

  it('serves pages from serve and runs the scheduled work in the worker', async () => {
    const env = { ...t.env, PAPERBOY_DEMO: 'false', PAPERBOY_SMTP_URL: relay.url, PAPERBOY_SMTP_RATE: '1000', PAPERBOY_DIGEST_HOUR: '0', PAPERBOY_LOG_LEVEL: 'info' };
    const port = await unusedPort();
    const serve = startCli(['serve', '--no-jobs'], { ...env, PORT: String(port) });
    children.push(serve);
    const serveLog: string[] = [];
    await waitForLog(serve, serveLog, (line) => line.includes('Paperboy is serving'));
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

    const worker = startCli(['worker'], env);
    children.push(worker);
    const workerLog: string[] = [];
    void waitForLog(worker, workerLog, () => false).catch(() => undefined);
    await relay.waitFor(READERS, 60_000);
    await relay.settled();
    assert.deepEqual(relay.received.map((m) => m.envelope.to[0]).sort(), Array.from({ length: READERS }, (_, i) => `worker-reader${i}@example.org`));

    const said = messages(serveLog);
    assert.ok(said.some((m) => m.startsWith('Not running the scheduled work')), said.join('\n'));
    assert.ok(!messages(workerLog).some((m) => m.startsWith('Paperboy is serving')), 'the worker serves no pages');
  });

  it('takes PAPERBOY_SERVE_JOBS and --no-jobs, and refuses another value naming the variable', () => {
    assert.equal(loadConfig({}).serveJobs, true);
    assert.equal(loadConfig({ PAPERBOY_SERVE_JOBS: 'false' }).serveJobs, false);
    assert.equal(loadConfig({}, { jobs: 'false' }).serveJobs, false);
    assert.throws(() => loadConfig({ PAPERBOY_SERVE_JOBS: 'no' }), (error: unknown) => error instanceof ConfigError && /PAPERBOY_SERVE_JOBS="no": must be true or false/.test(error.message));
  });
});
