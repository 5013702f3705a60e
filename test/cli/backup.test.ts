import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { addComment } from '../../src/community/comments.js';
import { toggleVote } from '../../src/community/votes.js';
import { openDatabase } from '../../src/store/db.js';
import { runCli, startCli, finished } from '../support/cli.js';
import { makeMember } from '../support/community.js';
import { tempDb, testStore, type TempDb } from '../support/db.js';
import { importSample } from '../search/sample.js';

/**
 * `paperboy backup FILE` copies a running instance with SQLite's online backup: restored (the copy
 * put in a data directory of its own), it holds every vote and comment committed before the copy
 * began, while another connection kept writing during the copy.
 */
describe('paperboy backup', () => {
  let t: TempDb;
  let papers: string[];
  /** The SQLite file of the instance (SQLite's online backup is the command's whole point). */
  const file = () => (t.location.kind === 'sqlite' ? t.location.file : assert.fail('a SQLite test'));
  const sqliteOnly = { skip: testStore !== 'sqlite' && 'SQLite only: PostgreSQL is backed up with pg_dump' };
  before(async () => {
    t = await tempDb();
    if (testStore === 'sqlite') await importSample(t.db, 0, 3400);
    papers = (await t.db.selectFrom('papers').select('id').orderBy('id').execute()).map((p) => p.id);
  });
  after(() => t.cleanup());

  it('restores with every vote and comment committed before it began, while writes go on', { ...sqliteOnly, timeout: 300_000 }, async () => {
    const members = [];
    for (let i = 0; i < 4; i++) members.push(await makeMember(t.db, `Backup Voter ${i}`));
    // Others write during the copy (their votes come and go; those from before stay).
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await makeMember(t.db, `Busy Voter ${i}`));
    // Committed before the backup begins.
    for (let i = 0; i < 200; i++) await toggleVote(t.db, members[i % 4]!.id, papers[i]!);
    // Dated an hour apart, so the limit on comments a member writes in a few minutes is not reached.
    const hour = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 3_600_000);
    for (let i = 0; i < 50; i++) await addComment(t.db, members[i % 4]!.id, { paperId: papers[i]!, body: `Before the backup ${i}` }, hour(i));
    const votesBefore = await t.db.selectFrom('votes').select(['user_id', 'paper_id']).execute();
    const commentsBefore = await t.db.selectFrom('comments').select(['id', 'body']).execute();

    // Another connection keeps writing while the copy is made, as a running site would.
    const writer = await openDatabase(t.location);
    let writing = true;
    let written = 0;
    const writes = (async () => {
      for (let i = 200; writing; i++) {
        await toggleVote(writer, others[i % 4]!.id, papers[i % papers.length]!);
        if (i % 3 === 0) await addComment(writer, others[i % 4]!.id, { paperId: papers[i % papers.length]!, body: `During the backup ${i}` }, hour(i));
        written++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const copy = path.join(t.dir, 'copies', 'paperboy-backup.sqlite');
    fs.mkdirSync(path.dirname(copy));
    let result;
    try {
      result = await finished(startCli(['backup', copy, '--json'], t.env));
    } finally {
      writing = false;
      await writes;
      await writer.destroy();
    }
    assert.equal(result.code, 0, result.stderr);
    assert.ok(written > 0, 'writes went on during the copy');
    const summary = JSON.parse(result.stdout) as { file: string; pages: number };
    assert.equal(summary.file, copy);
    assert.ok(summary.pages > 0);
    assert.ok(!fs.existsSync(`${copy}.partial`));

    // Restore: the copy as the database of a data directory of its own.
    const restoredDir = path.join(t.dir, 'restored');
    fs.mkdirSync(restoredDir);
    fs.copyFileSync(copy, path.join(restoredDir, 'paperboy.sqlite'));
    const stats = await runCli(['stats', '--json'], { PAPERBOY_DATA_DIR: restoredDir });
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal((JSON.parse(stats.stdout) as { papers: number }).papers, papers.length);
    const restored = await openDatabase({ kind: 'sqlite', file: path.join(restoredDir, 'paperboy.sqlite') });
    try {
      const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(restored);
      assert.deepEqual(rows, [{ integrity_check: 'ok' }]);
      const votes = new Set((await restored.selectFrom('votes').select(['user_id', 'paper_id']).execute()).map((v) => `${v.user_id} ${v.paper_id}`));
      for (const v of votesBefore) assert.ok(votes.has(`${v.user_id} ${v.paper_id}`), `vote ${v.user_id} ${v.paper_id}`);
      const comments = new Map((await restored.selectFrom('comments').select(['id', 'body']).execute()).map((c) => [c.id, c.body]));
      for (const c of commentsBefore) assert.equal(comments.get(c.id), c.body);
      // Consistent: every counter matches the votes it counts, whatever the copy caught of the writes during it.
      const counted = await restored.selectFrom('paper_stats').select(['paper_id', 'upvotes']).where('upvotes', '>', 0).execute();
      const perPaper = new Map<string, number>();
      for (const v of votes) perPaper.set(v.split(' ')[1]!, (perPaper.get(v.split(' ')[1]!) ?? 0) + 1);
      for (const row of counted) assert.equal(Number(row.upvotes), perPaper.get(row.paper_id) ?? 0, row.paper_id);
    } finally {
      await restored.destroy();
    }
  });

  it('refuses a directory that does not exist, and the database itself as the copy', sqliteOnly, async () => {
    const missing = await runCli(['backup', path.join(t.dir, 'no-such-dir', 'x.sqlite')], t.env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such directory/);
    const itself = await runCli(['backup', file()], t.env);
    assert.equal(itself.code, 2);
    assert.match(itself.stderr, /cannot replace the database itself/);
  });

  it('on PostgreSQL, refuses and points to pg_dump, writing nothing', { skip: testStore !== 'postgres' && 'PostgreSQL only' }, async () => {
    const copy = path.join(t.dir, 'paperboy-backup.sqlite');
    const result = await runCli(['backup', copy], t.env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /keeps its data in PostgreSQL .*pg_dump/);
    assert.doesNotMatch(result.stderr, /paperboy-test-only/, 'the password is not shown');
    assert.ok(!fs.existsSync(copy) && !fs.existsSync(`${copy}.partial`));
  });
});
