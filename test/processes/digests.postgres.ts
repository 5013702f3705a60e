/**
 * The scheduled work with three `paperboy serve` processes on one PostgreSQL database: one of them
 * runs it, and when that one is killed another finishes it, every reader getting one digest.
 * PostgreSQL only (npm run test:postgres runs test/*\/*.postgres.ts; npm run test:sqlite does not):
 * on SQLite a site is one process.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { markEmbedded, recordDay } from '../../src/store/announcement-days.js';
import { upsertPapers } from '../../src/store/papers.js';
import type { Db } from '../../src/store/schema.js';
import { tempDb, testStore, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { foldersIn, messages, startServes, stop } from '../support/processes.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp.js';

assert.equal(testStore, 'postgres', 'test/processes/*.postgres.ts run on PostgreSQL only: npm run test:postgres');

const READERS = 12;
const today = new Date().toISOString().slice(0, 10);
const RUNS_THE_WORK = 'this process now runs the scheduled work (it holds its lock in PostgreSQL)';

/** Waits for `condition`, looking every 50 ms; the cap only keeps a broken run from hanging. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 50) {
    if (waited > 120_000) assert.fail(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Today's papers, read and embedded, and READERS daily subscribers: the day's digest is due. */
async function dueDigest(db: Db): Promise<void> {
  await upsertPapers(
    db,
    Array.from({ length: 8 }, (_, i) => makePaper({ id: `2612.0010${i}`, day: today, title: `Paper number ${i}`, categories: ['cs.CL'] })),
  );
  await recordDay(db, { day: today, status: 'listed', source: 'feed', listed: 8, replaced: 0, read_at: new Date().toISOString() });
  await markEmbedded(db, [today], new Date().toISOString());
  const now = new Date().toISOString();
  await db
    .insertInto('subscriptions')
    .values(Array.from({ length: READERS }, (_, i) => ({ email: `reader${i}@example.org`, status: 'active' as const, frequency: 'daily' as const, created_at: now, confirmed_at: now })))
    .execute();
}

/** Digests per reader, as the relay received them. */
function perReader(relay: SmtpRelay): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of relay.received) for (const to of mail.envelope.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

const env = (t: TempDb, relay: SmtpRelay) => ({
  ...t.env,
  PAPERBOY_SMTP_URL: relay.url,
  PAPERBOY_SMTP_RATE: '1000',
  // Whatever the hour now, today's digest is due.
  PAPERBOY_DIGEST_HOUR: '0',
  PAPERBOY_DIGEST_TIMEZONE: 'UTC',
});

describe('digests with three serve processes on one PostgreSQL database', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('sends every reader exactly one digest, from the one process that runs the scheduled work', async () => {
    const t = await tempDb();
    const relay = await startSmtpRelay();
    cleanups.push(() => t.cleanup(), () => relay.close());
    await dueDigest(t.db);
    const serves = await startServes(3, env(t, relay), foldersIn(t.dir));
    cleanups.push(() => Promise.all(serves.map((s) => stop(s.child))).then(() => undefined));

    await relay.waitFor(READERS, 120_000);
    await until(async () => (await t.db.selectFrom('digest_runs').select('period').where('period', '=', today).executeTakeFirst()) !== undefined, 'the run recorded');
    await relay.settled();
    assert.deepEqual([...perReader(relay).values()], Array(READERS).fill(1));
    assert.equal(serves.filter((s) => messages(s.log).includes(RUNS_THE_WORK)).length, 1, 'one process runs the scheduled work');
  });

  it('finishes in another process the digests of the one killed while sending them, still one each', async () => {
    const t = await tempDb();
    // The relay accepts five mails, then leaves the next ones unanswered: the process is killed
    // while it waits, so those were never accepted (SMTP's 250 never came).
    const relay = await startSmtpRelay({ acceptOnly: 5 });
    cleanups.push(() => t.cleanup(), () => relay.close());
    await dueDigest(t.db);
    const serves = await startServes(3, env(t, relay), foldersIn(t.dir));
    cleanups.push(() => Promise.all(serves.map((s) => stop(s.child))).then(() => undefined));

    const sent = async () => (await t.db.selectFrom('mail_outbox').select('id').where('status', '=', 'sent').execute()).length;
    await until(async () => relay.held() > 0 && (await sent()) >= 5, 'five mails marked sent and one held');
    const running = serves.filter((s) => messages(s.log).includes(RUNS_THE_WORK));
    assert.equal(running.length, 1, 'one process runs the scheduled work');
    const killed = running[0]!;
    const others = serves.filter((s) => s !== killed);

    // The others are paused while the claims the killed process held run out, so none of them
    // takes over before: mails the dead process had claimed wait for its lease to end (five
    // minutes), and that time passes here.
    for (const other of others) other.child.kill('SIGSTOP');
    await stop(killed.child, 'SIGKILL');
    const rows = await t.db.selectFrom('mail_outbox').select(['status']).execute();
    assert.equal(rows.length, READERS, 'every digest was composed before delivery began');
    assert.equal(rows.filter((r) => r.status === 'sent').length, 5);
    await t.db.updateTable('mail_outbox').set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() }).where('status', '=', 'queued').execute();
    relay.acceptAll();
    for (const other of others) other.child.kill('SIGCONT');

    await until(() => perReader(relay).size === READERS, 'a digest for every reader');
    await until(async () => (await sent()) === READERS, 'every digest marked sent');
    await relay.settled();
    assert.deepEqual([...perReader(relay).values()], Array(READERS).fill(1));
    assert.equal(others.filter((s) => messages(s.log).includes(RUNS_THE_WORK)).length, 1, 'another process took over the scheduled work');
  });
});
