/**
 * `paperboy db copy`: a SQLite instance, filled the way the site fills it, moved into PostgreSQL
 * by the real command; the copy answers as the original did, continues after Ctrl-C or kill -9
 * without writing a row twice, and refuses a database that is not empty.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { createApiToken } from '../../src/community/api-tokens.js';
import { claimAuthorship } from '../../src/community/claims.js';
import { addToCollection, createCollection } from '../../src/community/collections.js';
import { addComment, deleteComment } from '../../src/community/comments.js';
import { followAuthor } from '../../src/community/follows.js';
import { featurePaper, hideComment, hidePaper } from '../../src/community/moderation.js';
import { report } from '../../src/community/reports.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import { loadConfig } from '../../src/config.js';
import { runDigests, type DigestRunReport } from '../../src/digest/run.js';
import { setGroupFollow } from '../../src/groups/follows.js';
import { createGroup } from '../../src/groups/groups.js';
import { addToQueue, toggleGroupVote } from '../../src/groups/queue.js';
import { scheduleSession } from '../../src/groups/sessions.js';
import { confirmSubscription, subscribe } from '../../src/digest/subscriptions.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer } from '../../src/mail/mailer.js';
import { trainCatalogModel } from '../../src/search/maintain.js';
import { openSearch } from '../../src/search/open.js';
import { saveCheckpoint } from '../../src/store/checkpoints.js';
import { COPIED } from '../../src/store/copy/plan.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { searchDb } from '../../src/store/search-docs.js';
import { finished, runCli, startCli } from '../support/cli.js';
import { Client } from '../support/client.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, testStore } from '../support/db.js';
import { blankDatabase } from '../support/postgres.js';
import { testServer } from '../support/web.js';
import { serverSecret, sharedSecret } from '../../src/web/secret.js';
import { importSample } from '../search/sample.js';

const onPostgres = { skip: testStore !== 'postgres' && 'needs PostgreSQL: runs in npm run test:postgres' };
const SECRET = 'db-copy-test-secret-db-copy-test-secret-0123';
const SETTINGS = loadConfig({}).search;

interface Instance {
  dir: string;
  file: string;
  db: Db;
  /** The settings of a `paperboy` process on this instance (and no PostgreSQL from the outside). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A SQLite instance in a folder of its own, whatever store the suite runs on. */
async function sqliteInstance(): Promise<Instance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-copy-'));
  const file = path.join(dir, 'paperboy.sqlite');
  const db = await openDatabase({ kind: 'sqlite', file });
  return {
    dir,
    file,
    db,
    env: { PAPERBOY_DATA_DIR: dir, PAPERBOY_DATABASE_URL: '', PAPERBOY_SECRET: SECRET },
    async close() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every row of every copied table, on both sides, as comparable text (the SQLite columns, blobs as hex). */
async function sameRows(file: string, copy: Db): Promise<void> {
  const sqlite = new BetterSqlite3(file, { readonly: true });
  try {
    for (const { name } of COPIED) {
      const columns = (sqlite.prepare('SELECT name FROM pragma_table_info(?)').all(name) as { name: string }[]).map((c) => c.name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      const before = (sqlite.prepare(`SELECT ${list} FROM "${name}"`).raw().all() as unknown[][]).map(text).sort();
      const { rows } = await sql<Record<string, unknown>>`SELECT ${sql.raw(list)} FROM ${sql.table(name)}`.execute(copy);
      const afterCopy = rows.map((r) => text(columns.map((c) => r[c]))).sort();
      assert.equal(afterCopy.length, before.length, `${name}: as many rows as in SQLite`);
      assert.deepEqual(afterCopy, before, `${name}: the same rows`);
    }
  } finally {
    sqlite.close();
  }
}

function text(row: unknown[]): string {
  return JSON.stringify(row.map((v) => (v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : v)));
}

describe('paperboy db copy of a populated instance', onPostgres, () => {
  let source: Instance;
  let target: Awaited<ReturnType<typeof blankDatabase>>;
  let copy: Db;
  let copyDir: string;
  let original: FastifyInstance;
  let moved: FastifyInstance;
  let alice: User;
  let bob: User;
  let signedIn: Client;
  let digestBefore: DigestRunReport;
  let output: { code: number | null; stdout: string; stderr: string };
  const votedPaper = { id: '' };

  before(async () => {
    source = await sqliteInstance();
    const db = source.db;
    await importSample(db, 0, 300);
    const ids = (await db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);
    const paper = (i: number) => ids[i]!;
    votedPaper.id = paper(10);
    alice = await makeMember(db, 'Alice Liddell');
    bob = await makeMember(db, 'Bob Dobbs');
    const admin = await makeAdmin(db, 'Ada Admin');
    for (const i of [10, 11, 12, 40, 41]) await toggleVote(db, alice.id, paper(i));
    for (const i of [10, 12, 13]) await toggleVote(db, bob.id, paper(i));
    const first = await addComment(db, bob.id, { paperId: paper(10), body: 'A *fine* paper' });
    await addComment(db, alice.id, { paperId: paper(10), body: 'Agreed', parentId: first.id });
    const gone = await addComment(db, alice.id, { paperId: paper(11), body: 'Typo' });
    await deleteComment(db, alice.id, gone.id);
    const rude = await addComment(db, bob.id, { paperId: paper(12), body: 'Rude words' });
    await hideComment(db, admin.id, rude.id, 'rude');
    await hidePaper(db, admin.id, paper(20), 'spam');
    await report(db, bob.id, { target: { type: 'paper', id: paper(21) }, reason: 'duplicate' });
    const reading = await createCollection(db, alice.id, { name: 'Reading group', isPublic: true });
    for (const i of [10, 30, 31]) await addToCollection(db, alice.id, reading.id, paper(i));
    const quiet = await createCollection(db, alice.id, { name: 'Private list', isPublic: false });
    await addToCollection(db, alice.id, quiet.id, paper(32));
    await followAuthor(db, alice.id, JSON.parse((await db.selectFrom('papers').select('authors').where('id', '=', paper(50)).executeTakeFirstOrThrow()).authors)[0]);
    await createApiToken(db, bob.id, 'script');
    await featurePaper(db, admin.id, paper(60), 'a fine one');
    const firstAuthor = JSON.parse((await db.selectFrom('papers').select('authors').where('id', '=', paper(61)).executeTakeFirstOrThrow()).authors)[0];
    await claimAuthorship(db, bob.id, paper(61), firstAuthor, { autoApproveDomains: [] });
    const group = await createGroup(db, alice.id, { name: 'Reading club', slug: 'reading-club', isPublic: true });
    await addToQueue(db, alice.id, group.id, { paper: paper(70) }, async () => null);
    await toggleGroupVote(db, alice.id, group.id, paper(70));
    await scheduleSession(db, alice.id, group.id, { title: 'First meeting', startsAt: '2026-12-10T18:00', timeZone: 'Europe/Paris', presenterId: alice.id, paperIds: [paper(70)] });
    await setGroupFollow(db, bob.id, 'reading-club', true);
    await saveCheckpoint(db, 'oai:cs', { token: 'resume-here' });
    await subscribe(db, { email: alice.email, preferences: { frequency: 'daily', categories: ['cs.LG'], authors: [], searches: [] }, member: alice });
    const reader = await subscribe(db, { email: 'reader@example.org', preferences: { frequency: 'daily', categories: [], authors: [], searches: ['neural'] } });
    await confirmSubscription(db, reader.subscription.id, reader.subscription.linkVersion);
    await trainCatalogModel(searchDb(db));

    original = await testServer(db, source.dir, { env: { PAPERBOY_SECRET: SECRET } });
    signedIn = new Client(original);
    await signedIn.signIn(alice.email);
    // A digest goes out before the move: the copy must know it went.
    const config = loadConfig(source.env);
    const mailer = configuredMailer(config, createLogger('silent'));
    digestBefore = await runDigests({ db, log: createLogger('silent'), mailer, config, secret: SECRET }, { frequency: 'daily' });
    mailer.close();

    target = await blankDatabase();
    output = await runCli(['db', 'copy', '--to', target.url], source.env);
    copy = await openDatabase({ kind: 'postgres', url: target.url });
    copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-copy-'));
    const search = await openSearch(copy, createLogger('silent'), SETTINGS);
    await search.load();
    moved = await testServer(copy, copyDir, { env: { PAPERBOY_SECRET: SECRET }, search });
  });
  after(async () => {
    await original?.close();
    await moved?.close();
    await copy?.destroy();
    await target?.drop();
    await source?.close();
    if (copyDir) fs.rmSync(copyDir, { recursive: true, force: true });
  });

  it('copies every table into the empty database and says what it copied', async () => {
    assert.equal(output.code, 0, output.stderr);
    assert.match(output.stdout, /^copied .*paperboy\.sqlite as it was at \S+ into postgres:\/\/paperboy_test:\*\*\*@/);
    assert.match(output.stdout, /^ {2}papers +300$/m);
    assert.match(output.stdout, /^ {2}votes +8$/m);
    assert.match(output.stdout, /^ {2}papers_fts: /m, 'says what it left out');
    assert.match(output.stdout, /new ids continue past the copied ones: .*users\.id/);
    assert.ok(!output.stdout.includes('paperboy-test-only'), 'the password is not printed');
    await sameRows(source.file, copy);
    const leftOver = await sql<{ n: number }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'paperboy_copy%'`.execute(copy);
    assert.equal(Number(leftOver.rows[0]!.n), 0, 'the bookkeeping of the copy is gone');
    assert.ok(!fs.existsSync(`${source.file}.copy-snapshot`), 'and so is the snapshot');
  });

  it('makes the keyword index PostgreSQL keeps as its own trigger makes it', async () => {
    const fresh = await tempDb();
    try {
      const papers = await copy.selectFrom('papers').selectAll().orderBy('id').limit(40).execute();
      await fresh.db.insertInto('papers').values(papers).execute();
      const index = (db: Db) =>
        sql<{ paper_id: string; fts: string; title_fts: string; length: number }>`
          SELECT paper_id, fts::text AS fts, title_fts::text AS title_fts, length FROM search_docs
          WHERE paper_id IN (${sql.join(papers.map((p) => p.id))}) ORDER BY paper_id`.execute(db);
      const [copied, made] = [(await index(copy)).rows, (await index(fresh.db)).rows];
      assert.equal(copied.length, papers.length);
      assert.deepEqual(copied, made);
    } finally {
      await fresh.cleanup();
    }
  });

  it('answers the API and the pages as the original: daily papers, a paper, search, a member’s collections', async () => {
    const reading = await copy.selectFrom('collections').select('slug').where('name', '=', 'Reading group').executeTakeFirstOrThrow();
    const urls = [
      '/api/daily_papers',
      '/api/daily_papers?date=2024-01-03',
      '/api/daily_papers?week=2024-W01&sort=trending&limit=50',
      `/api/papers/${votedPaper.id}`,
      '/api/papers/search?q=neural%20networks&limit=20',
      '/api/papers/search?q=graph&mode=keyword&limit=20',
      '/api/papers/search?q=language%20models&mode=semantic&limit=20',
      `/u/${alice.username}`,
      `/u/${alice.username}/c/${reading.slug}`,
      `/feeds/collections/${alice.username}/${reading.slug}.rss`,
      `/papers/${votedPaper.id}`,
      '/groups/reading-club',
      '/',
    ];
    for (const url of urls) {
      const [a, b] = [await original.inject(url), await moved.inject(url)];
      assert.equal(a.statusCode, 200, url);
      assert.equal(b.statusCode, a.statusCode, url);
      assert.equal(b.body, a.body, url);
    }
  });

  it('keeps members signed in, with their For you page and private collections', async () => {
    const elsewhere = signedIn.on(moved);
    for (const url of ['/for-you', `/u/${alice.username}`]) {
      const [a, b] = [await signedIn.get(url), await elsewhere.get(url)];
      assert.equal(a.statusCode, 200, url);
      assert.equal(withoutFormTokens(b.body), withoutFormTokens(a.body), url);
    }
    assert.match((await elsewhere.get(`/u/${alice.username}`)).body, /Private list/, 'signed in as Alice');
  });

  it('keeps counters that match their rows', async () => {
    const { rows } = await sql<{ paper_id: string; upvotes: number; votes: number; comments: number; shown: number }>`
      SELECT s.paper_id, s.upvotes, s.comments,
        (SELECT count(*) FROM votes v WHERE v.paper_id = s.paper_id) AS votes,
        (SELECT count(*) FROM comments c WHERE c.paper_id = s.paper_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL) AS shown
      FROM paper_stats s`.execute(copy);
    assert.ok(rows.some((r) => r.upvotes > 1) && rows.some((r) => r.comments > 1));
    for (const r of rows) {
      assert.equal(r.upvotes, r.votes, `${r.paper_id}: upvotes`);
      assert.equal(r.comments, r.shown, `${r.paper_id}: comments (deleted and hidden ones not counted)`);
    }
  });

  it('sends no digest twice: the period and its mails are known as sent', async () => {
    assert.equal(digestBefore.delivery?.sent, 2, 'two readers got a digest from SQLite');
    const config = loadConfig({ PAPERBOY_DATA_DIR: copyDir, PAPERBOY_DATABASE_URL: target.url });
    const mailer = configuredMailer(config, createLogger('silent'));
    const again = await runDigests({ db: copy, log: createLogger('silent'), mailer, config, secret: SECRET }, { frequency: 'daily' });
    mailer.close();
    assert.equal(again.period?.key, digestBefore.period?.key);
    assert.equal(again.composed, 0);
    assert.equal(again.alreadyComposed, 2);
    assert.equal(again.delivery?.sent ?? 0, 0);
    assert.ok(!fs.existsSync(path.join(copyDir, 'outbox')) || fs.readdirSync(path.join(copyDir, 'outbox')).length === 0, 'no mail written');
  });

  it('gives new rows ids past the copied ones', async () => {
    const before = await copy.selectFrom('comments').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
    const comment = await addComment(copy, bob.id, { paperId: votedPaper.id, body: 'Written after the move' });
    assert.equal(comment.id, Number(before.id) + 1);
    const carol = await makeMember(copy, 'Carol Copy');
    assert.ok(carol.id > Math.max(alice.id, bob.id));
  });

  it('refuses to copy into it again, naming what it holds', async () => {
    const again = await runCli(['db', 'copy', '--to', target.url], source.env);
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /is not empty: .*papers \(300 rows\)/);
  });
});

/** The form token changes with every page; everything else must not. */
function withoutFormTokens(html: string): string {
  return html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""').replace(/data-csrf="[^"]*"/g, 'data-csrf=""');
}

describe('paperboy db copy, interrupted', onPostgres, () => {
  let source: Instance;
  let target: Awaited<ReturnType<typeof blankDatabase>>;
  let members: User[];

  before(async () => {
    source = await sqliteInstance();
    await importSample(source.db, 0, 40);
    members = [];
    for (let i = 0; i < 6; i++) members.push(await makeMember(source.db, `Member ${i}`));
    for (const m of members) await toggleVote(source.db, m.id, (await source.db.selectFrom('papers').select('id').orderBy('id').executeTakeFirstOrThrow()).id);
    await trainCatalogModel(searchDb(source.db));
    target = await blankDatabase();
    // Migrated beforehand (a migrated database without rows is empty), so the test can hold a row of it.
    await (await openDatabase({ kind: 'postgres', url: target.url })).destroy();
  });
  after(async () => {
    await target?.drop();
    await source?.close();
  });

  /**
   * Starts a copy two rows a batch and holds it at the batch that writes member `id`: another
   * transaction has written that id and not committed, so the copy waits for it.
   */
  async function copyHeldAt(id: number) {
    const blocker = new pg.Client({ connectionString: target.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`INSERT INTO users (id, email, username, display_name, password_hash, created_at) VALUES ($1, 'held@example.org', 'held', 'Held', 'x', '2026-01-01T00:00:00.000Z')`, [id]);
    const child = startCli(['db', 'copy', '--to', target.url, '--batch', '2'], source.env);
    const done = finished(child);
    // Watched from a connection of its own: a transaction sees pg_stat_activity as it was when it first looked.
    try {
      await until(async (client) => {
        if (child.exitCode !== null) assert.fail(`the copy ended before it was held: ${(await done).stderr}`);
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return rows[0].n > 0;
      });
    } catch (error) {
      child.kill('SIGKILL');
      await blocker.end();
      throw error;
    }
    const release = async () => {
      await blocker.query('ROLLBACK');
      await blocker.end();
    };
    return { child, done, release };
  }

  /** Runs `fn` on a connection of its own to the target database. */
  async function onTarget<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** Asks `question` of the target database until it answers true. */
  function until(question: (client: pg.Client) => Promise<boolean>): Promise<void> {
    return onTarget(async (client) => {
      while (!(await question(client))) await new Promise((resolve) => setTimeout(resolve, 50));
    });
  }

  function usersCopied(): Promise<number> {
    return onTarget(async (client) => (await client.query(`SELECT copied::int AS n FROM paperboy_copy_progress WHERE table_name = 'users'`)).rows[0].n);
  }

  it('stops after the batch it is writing on Ctrl-C, and goes on from there when run again', async () => {
    const held = await copyHeldAt(members[2]!.id);
    assert.equal(await usersCopied(), 2, 'held at the second batch of members');
    held.child.kill('SIGINT');
    await held.release();
    const stopped = await held.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stdout, /^interrupted: .*run the same command again to continue/);
    assert.equal(await usersCopied(), 4, 'the batch it was writing was written whole');
  });

  it('continues after kill -9 in the middle of a table, writing every row once', async () => {
    const held = await copyHeldAt(members[4]!.id);
    assert.equal(await usersCopied(), 4, 'went on where Ctrl-C stopped it');
    held.child.kill('SIGKILL');
    await held.done;
    await held.release();
    // The killed copy's connections end once the one that waited gets its lock and finds nobody.
    await until(async (client) => (await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0].n === 0);
    assert.equal(await usersCopied(), 4, 'the batch being written when killed was not written');

    const rest = await runCli(['db', 'copy', '--to', target.url], source.env);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stdout, /continuing an interrupted copy/);
    const copy = await openDatabase({ kind: 'postgres', url: target.url });
    try {
      await sameRows(source.file, copy);
    } finally {
      await copy.destroy();
    }
  });
});

describe('paperboy db copy of an instance without PAPERBOY_SECRET', onPostgres, () => {
  it('keeps its secret.key as the secret the copy’s processes share, so members stay signed in', async () => {
    const source = await sqliteInstance();
    const target = await blankDatabase();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-copy-elsewhere-'));
    try {
      await importSample(source.db, 0, 5);
      const secret = serverSecret(source.dir, null);
      const out = await runCli(['db', 'copy', '--to', target.url], { ...source.env, PAPERBOY_SECRET: '' });
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /leave PAPERBOY_SECRET unset/);
      const copy = await openDatabase({ kind: 'postgres', url: target.url });
      try {
        // A process on another machine, with a data folder of its own and no secret.key.
        assert.equal(await sharedSecret(copy, { kind: 'postgres', url: target.url }, elsewhere), secret);
      } finally {
        await copy.destroy();
      }
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
      await target.drop();
      await source.close();
    }
  });
});

describe('paperboy db copy refuses', () => {
  it('an instance with a table it does not know how to copy, naming it, before it touches PostgreSQL', async () => {
    const source = await sqliteInstance();
    try {
      await sql`CREATE TABLE shiny_new_things (id integer primary key, what text)`.execute(source.db);
      const out = await runCli(['db', 'copy', '--to', 'postgres://nobody@127.0.0.1:1/nowhere'], source.env);
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, /the SQLite table shiny_new_things is not one db copy knows how to copy/);
    } finally {
      await source.close();
    }
  });

  it('a database holding tables that are not Paperboy’s, naming them', onPostgres, async () => {
    const source = await sqliteInstance();
    const target = await blankDatabase();
    try {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      await client.query('CREATE TABLE invoices (id integer)');
      await client.end();
      const out = await runCli(['db', 'copy', '--to', target.url], source.env);
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, /is not empty: it holds tables that are not Paperboy's \(invoices\)/);
    } finally {
      await target.drop();
      await source.close();
    }
  });
});
