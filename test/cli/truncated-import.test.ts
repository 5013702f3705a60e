import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { runCli } from '../support/cli.js';
import { tempDb, type TempDb } from '../support/db.js';
import { repoRoot } from '../support/paths.js';

const DEMO = path.join(repoRoot, 'demo/arxiv-demo.jsonl.gz');

/**
 * A file that cannot be read to its end makes `paperboy import` exit non-zero, so cron notices, and
 * what was complete before the break stays imported. An outside review found a truncated
 * .jsonl.gz reported as a rejection among others, with exit status 0.
 */
describe('paperboy import of a file that breaks off', () => {
  let t: TempDb;
  let dir: string;
  before(async () => {
    t = await tempDb();
    dir = t.dir;
  });
  after(() => t.cleanup());

  it('exits with 1, says so, and keeps what was complete', async () => {
    const whole = fs.readFileSync(DEMO);
    const truncated = path.join(dir, 'truncated.jsonl.gz');
    fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const env = t.env;

    const result = await runCli(['import', truncated, '--json'], env);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { inserted: number; unread: string[] };
    assert.ok(report.inserted > 1000, `kept ${report.inserted} papers`);
    assert.equal(report.unread.length, 1);
    assert.ok(report.unread[0]!.startsWith(`${truncated}:`), report.unread[0]);

    const text = await runCli(['import', truncated], env);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /a file could not be read to its end: .*truncated\.jsonl\.gz:\d+/);

    const stats = JSON.parse((await runCli(['stats', '--json'], env)).stdout) as { papers: number };
    assert.equal(stats.papers, report.inserted, 'what was complete is stored');
  });

  it('exits with 0 when only some records are rejected', async () => {
    const file = path.join(dir, 'some-bad.jsonl');
    const [first] = zlib.gunzipSync(fs.readFileSync(DEMO)).toString('utf8').split('\n');
    fs.writeFileSync(file, `${first}\nnot json at all\n{"id": "not a paper"}\n`);
    const fresh = await tempDb();
    const result = await runCli(['import', file], fresh.env).finally(() => fresh.cleanup());
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /inserted 1, .*rejected 2/);
  });

  it('exits with 2 for a wrong command line', async () => {
    const result = await runCli(['import', '--no-such-flag'], t.env);
    assert.equal(result.code, 2, result.stderr);
  });
});
