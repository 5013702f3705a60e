import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { dayPeriod } from '../../src/catalog/periods.js';
import { loadConfig } from '../../src/config.js';
import { wallClock } from '../../src/papers/dates.js';
import { runDigests } from '../../src/digest/run.js';
import { DigestSchedule } from '../../src/digest/schedule.js';
import { startScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { markEmbedded, recordDay } from '../../src/store/announcement-days.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer } from '../../src/mail/mailer.js';
import { upsertPapers } from '../../src/store/papers.js';
import type { Db, DigestFrequency } from '../../src/store/schema.js';
import { failInserts, tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp.js';

const SECRET = 'schedule-secret-schedule-secret-01234';

describe('the digest schedule in serve', () => {
  it('reads the date and hour in the configured time zone', () => {
    const at = new Date('2026-11-29T23:30:00Z'); // Sunday in UTC, already Monday in Tokyo
    assert.deepEqual(wallClock(at, 'UTC'), { day: '2026-11-29', hour: 23, minute: 30 });
    assert.deepEqual(wallClock(at, 'Asia/Tokyo'), { day: '2026-11-30', hour: 8, minute: 30 });
    assert.deepEqual(wallClock(at, 'America/New_York'), { day: '2026-11-29', hour: 18, minute: 30 });
  });

  describe('running', () => {
    let t: TempDb;
    let relay: SmtpRelay;
    before(async () => {
      t = await tempDb();
      relay = await startSmtpRelay();
      await upsertPapers(t.db, [makePaper({ id: '2611.00501', day: '2026-11-24' })]);
      await announced(t.db, '2026-11-24', new Date());
      const now = new Date().toISOString();
      await t.db.insertInto('subscriptions').values({ email: 'early@example.org', status: 'active', frequency: 'daily', created_at: now, confirmed_at: now }).execute();
    });
    after(async () => {
      await relay.close();
      await t.cleanup();
    });

    it('sends the day’s digests once the hour has come, and only once', async () => {
      const config = loadConfig({ ...t.env, PAPERBOY_SMTP_URL: relay.url, PAPERBOY_SMTP_RATE: '1000' });
      const mailer = configuredMailer(config);
      const log = createLogger('silent');
      // Hour 0: whatever the time now, the day's run is due.
      const schedule = digestScheduler({ db: t.db, log, mailer, config, secret: SECRET }, { hour: 0, timeZone: 'UTC' }, { tickMs: 50 });
      await relay.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300)); // several more ticks
      await schedule.stop();
      mailer.close();
      assert.equal(relay.received.length, 1);
      assert.deepEqual(relay.received[0]!.envelope.to, ['early@example.org']);
    });
  });

  // November 2026: Monday the 9th starts 2026-W46, Monday the 16th 2026-W47. Digests go out from 07:00 UTC.
  describe('after downtime and late harvests', () => {
    it('catches up on Tuesday the weekly digest a server that was down on Monday missed, once', async (t) => {
      const server = await testServer(t);
      await server.subscribe('weekly@example.org', 'weekly');
      await server.papers('2026-11-10', '2026-11-12', '2026-11-17');

      server.setTime('2026-11-17T08:00:00Z'); // Tuesday
      server.start();
      await server.relay.waitFor(1, 10_000);
      assert.deepEqual(server.sent(), ['weekly 2026-W46']);

      for (const time of ['2026-11-17T12:00:00Z', '2026-11-18T08:00:00Z', '2026-11-23T06:00:00Z']) {
        server.setTime(time);
        await server.ticks(3);
      }
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['weekly 2026-W46']);
      assert.deepEqual(server.runs('weekly'), ['2026-W46']);
    });

    it('sends a week once every day of it was read and embedded, not while days missed in a downtime are still to be caught up', async (t) => {
      const server = await testServer(t);
      await server.subscribe('weekly@example.org', 'weekly');
      await server.papers('2026-11-09', '2026-11-10', '2026-11-11');
      // Down from Wednesday evening; back on Monday, arXiv's OAI-PMH does not answer yet, so
      // Thursday and Friday are not caught up (nor Monday read, which comes after them).
      server.setTime('2026-11-16T08:00:00Z');
      server.start();
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), []);

      // Caught up, but Friday's papers are not embedded yet.
      await server.papers('2026-11-12', '2026-11-13', '2026-11-16', { record: false });
      for (const day of ['2026-11-12', '2026-11-13', '2026-11-16']) {
        await recordDay(server.db, { day, status: 'listed', source: day === '2026-11-16' ? 'feed' : 'oai', listed: 2, replaced: 0, read_at: '2026-11-16T08:30:00Z' });
      }
      await markEmbedded(server.db, ['2026-11-12', '2026-11-16'], '2026-11-16T08:31:00Z');
      server.setTime('2026-11-16T08:30:00Z');
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), []);

      await markEmbedded(server.db, ['2026-11-13'], '2026-11-16T08:32:00Z');
      await server.relay.waitFor(1, 10_000);
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['weekly 2026-W46']);
      const friday = await server.db.selectFrom('papers').select('id').where('day', '=', '2026-11-13').execute();
      for (const { id } of friday) assert.match(server.relay.received[0]!.parsed.text ?? '', new RegExp(`/papers/${id.replace('.', '\\.')}`), `Friday's ${id} in the week's digest`);
    });

    it('sends two listing days that came while the server was down, oldest first, each once', async (t) => {
      const server = await testServer(t);
      await server.subscribe('daily@example.org', 'daily');
      await server.papers('2026-11-16', '2026-11-17');

      server.setTime('2026-11-17T08:00:00Z');
      server.start();
      await server.relay.waitFor(1, 10_000);
      await server.until(() => server.runs('daily').length === 1); // recorded after its last mail
      await server.stop();
      assert.deepEqual(server.sent(), ['daily 2026-11-17'], 'a first run ever sends the newest day only');

      // Down on Wednesday and Thursday; the harvest (another process) went on.
      await server.papers('2026-11-18', '2026-11-19');
      server.setTime('2026-11-20T08:00:00Z');
      server.start();
      await server.relay.waitFor(3, 10_000);
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['daily 2026-11-17', 'daily 2026-11-18', 'daily 2026-11-19']);
      assert.deepEqual(server.runs('daily'), ['2026-11-17', '2026-11-18', '2026-11-19']);
    });

    it('sends only the newest three of more listing days missed', async (t) => {
      const server = await testServer(t);
      await server.subscribe('daily@example.org', 'daily');
      await server.papers('2026-11-12');
      server.setTime('2026-11-12T08:00:00Z');
      server.start();
      await server.relay.waitFor(1, 10_000);
      await server.until(() => server.runs('daily').length === 1); // recorded after its last mail
      await server.stop();

      await server.papers('2026-11-13', '2026-11-16', '2026-11-17', '2026-11-18');
      server.setTime('2026-11-18T08:00:00Z');
      server.start();
      await server.relay.waitFor(4, 10_000);
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['daily 2026-11-12', 'daily 2026-11-16', 'daily 2026-11-17', 'daily 2026-11-18']);
    });

    it('sends a listing day read after the hour once its announcement is stored and embedded, not before', async (t) => {
      const server = await testServer(t);
      await server.subscribe('daily@example.org', 'daily');
      await server.papers('2026-11-17');
      server.setTime('2026-11-17T08:00:00Z');
      server.start();
      await server.relay.waitFor(1, 10_000);

      // Wednesday 07:00: the day's announcement is not read yet.
      server.setTime('2026-11-18T07:00:00Z');
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['daily 2026-11-17']);

      // 09:00: papers of the day are stored, but the day's announcement is not recorded as read
      // (another process still storing it), then recorded but not embedded yet: the day waits,
      // since a digest sent half-way would leave the rest out for good.
      server.setTime('2026-11-18T09:00:00Z');
      await server.papers('2026-11-18', { record: false });
      await server.ticks(3);
      await recordDay(server.db, { day: '2026-11-18', status: 'listed', source: 'feed', listed: 2, replaced: 0, read_at: '2026-11-18T09:01:00Z' });
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['daily 2026-11-17']);
      await markEmbedded(server.db, ['2026-11-18'], '2026-11-18T09:02:00Z');
      await server.ticks(2);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['daily 2026-11-17', 'daily 2026-11-18']);
    });

    it('sends nothing for a day without announcement', async (t) => {
      const server = await testServer(t);
      await server.subscribe('daily@example.org', 'daily');
      await server.papers('2026-11-17');
      await recordDay(server.db, { day: '2026-11-18', status: 'none', source: 'feed', listed: 0, replaced: 0, read_at: '2026-11-18T08:00:00Z' });
      server.setTime('2026-11-18T08:00:00Z');
      server.start();
      await server.relay.waitFor(1, 10_000);
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['daily 2026-11-17']);
    });

    it('keeps a listing day harvested the evening before for the morning where the readers are', async (t) => {
      const server = await testServer(t, 'America/New_York');
      await server.subscribe('daily@example.org', 'daily');
      await server.papers('2026-11-17');
      server.setTime('2026-11-17T12:30:00Z'); // 07:30 in New York
      server.start();
      await server.relay.waitFor(1, 10_000);

      // 20:30 on Tuesday in New York: Wednesday's listing is in.
      server.setTime('2026-11-18T01:30:00Z');
      await server.papers('2026-11-18');
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['daily 2026-11-17']);

      server.setTime('2026-11-18T12:01:00Z'); // 07:01 on Wednesday
      await server.relay.waitFor(2, 10_000);
      assert.deepEqual(server.sent(), ['daily 2026-11-17', 'daily 2026-11-18']);
    });

    it('does not run a recorded period again after a restart', async (t) => {
      const server = await testServer(t);
      await server.subscribe('daily@example.org', 'daily');
      await server.subscribe('weekly@example.org', 'weekly');
      await server.papers('2026-11-12', '2026-11-16');
      server.setTime('2026-11-16T08:00:00Z'); // Monday
      server.start();
      await server.relay.waitFor(2, 10_000);
      // A run records itself after its last mail; stopped before that, it would rightly not. The
      // groups' run comes after the others.
      const runsRecorded = () => server.db.selectFrom('digest_runs').selectAll().orderBy('frequency').execute();
      for (let waited = 0; (await runsRecorded()).length < 3; waited += 20) {
        assert.ok(waited < 10_000, 'three runs recorded in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await server.stop();
      const recorded = await runsRecorded();
      // The groups' weekly digest of the week the run happens in is recorded too (there are no groups here).
      assert.deepEqual(
        recorded.map((r) => `${r.frequency} ${r.period}`),
        ['daily 2026-11-16', 'group-weekly 2026-W47', 'weekly 2026-W46'],
      );

      server.setTime('2026-11-16T10:00:00Z');
      server.start();
      await server.ticks(4);
      await server.relay.settled();
      assert.deepEqual(server.runs('daily'), ['2026-11-16'], 'the day was not run again');
      assert.deepEqual(server.runs('weekly'), ['2026-W46'], 'nor the week');
      assert.deepEqual(await server.db.selectFrom('digest_runs').selectAll().orderBy('frequency').execute(), recorded);
      assert.equal(server.relay.received.length, 2);
    });

    it('does not record a failed run, and tries it again a quarter of an hour later, the next day too', async (t) => {
      const server = await testServer(t);
      await server.subscribe('weekly@example.org', 'weekly');
      await server.papers('2026-11-12', '2026-11-16');
      // The database refuses the digests (a full disk, say): the run fails.
      const recovered = await failInserts(server.db, 'mail_outbox', 'database or disk is full');

      server.setTime('2026-11-16T08:00:00Z');
      server.start();
      await server.until(() => server.failures('weekly') === 1);
      server.setTime('2026-11-16T08:10:00Z');
      await server.ticks(3);
      assert.equal(server.failures('weekly'), 1, 'not tried again at every tick');
      server.setTime('2026-11-16T08:16:00Z');
      await server.until(() => server.failures('weekly') === 2);
      assert.equal(await server.db.selectFrom('digest_runs').select('period').where('frequency', '=', 'weekly').executeTakeFirst(), undefined);

      // Failing all Monday; on Tuesday the database takes the digests again.
      await recovered();
      server.setTime('2026-11-17T08:00:00Z');
      await server.relay.waitFor(1, 10_000);
      await server.ticks(3);
      await server.relay.settled();
      assert.deepEqual(server.sent(), ['weekly 2026-W46']);
      assert.deepEqual(server.runs('weekly'), ['2026-W46']);
    });
  });
});

describe('a digest run records itself', () => {
  it('when it completes, and not in a dry run', async (t) => {
    const server = await testServer(t);
    await server.subscribe('daily@example.org', 'daily');
    await server.papers('2026-11-16', '2026-11-17');
    const recorded = () => server.db.selectFrom('digest_runs').select(['frequency', 'period']).orderBy('period').execute();

    await runDigests(server.deps, { frequency: 'daily', dryRun: true });
    assert.deepEqual(await recorded(), []);
    await runDigests(server.deps, { frequency: 'daily' });
    assert.deepEqual(await recorded(), [{ frequency: 'daily', period: '2026-11-17' }]);
    // An explicit period: the schedule sends a missed day this way.
    await runDigests(server.deps, { frequency: 'daily', period: dayPeriod('2026-11-16')! });
    assert.deepEqual(await recorded(), [
      { frequency: 'daily', period: '2026-11-16' },
      { frequency: 'daily', period: '2026-11-17' },
    ]);
    await server.relay.waitFor(2, 10_000);
    assert.deepEqual(server.sent(), ['daily 2026-11-17', 'daily 2026-11-16']);
  });
});

/**
 * `serve`'s digest schedule over a real SQLite file and a real SMTP relay, with a clock the test
 * moves. Every line the schedule and the runs log is kept, to tell which runs happened.
 */
async function testServer(t: TestContext, timeZone = 'UTC') {
  const temp = await tempDb();
  const relay = await startSmtpRelay();
  const config = loadConfig({ ...temp.env, PAPERBOY_SMTP_URL: relay.url, PAPERBOY_SMTP_RATE: '1000' });
  const mailer = configuredMailer(config);
  const lines: Array<{ level: number; msg: string; frequency?: DigestFrequency; period?: { key: string } | string }> = [];
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const deps = { db: temp.db as Db, log, mailer, config, secret: SECRET };
  let time = 0;
  let ticks = 0;
  let schedule: Scheduler | null = null;
  let paperNumber = 0;

  const until = async (condition: () => boolean, timeoutMs = 10_000) => {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > timeoutMs) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const server = {
    db: deps.db,
    deps,
    relay,
    until,
    setTime(iso: string) {
      time = Date.parse(iso);
    },
    start() {
      schedule = digestScheduler(deps, { hour: 7, timeZone }, { tickMs: 20, now: () => (ticks++, new Date(time)) });
    },
    async stop() {
      await schedule?.stop();
      schedule = null;
    },
    /** Resolves once `n` more ticks have begun (a tick reads the clock first), so the first n - 1 of them have ended. */
    ticks(n: number) {
      const target = ticks + n;
      return until(() => ticks >= target);
    },
    async subscribe(email: string, frequency: DigestFrequency) {
      const now = new Date().toISOString();
      await deps.db.insertInto('subscriptions').values({ email, status: 'active', frequency, created_at: now, confirmed_at: now }).execute();
    },
    /**
     * Two papers on each listing day, stored at the test's time, and (unless `record: false`) each
     * day recorded as announced and embedded, as serve's harvest and embedding steps leave it.
     */
    async papers(...args: (string | { record: boolean })[]) {
      const days = args.filter((a): a is string => typeof a === 'string');
      const record = !args.some((a) => typeof a === 'object' && !a.record);
      await upsertPapers(
        deps.db,
        days.flatMap((day) => [1, 2].map(() => makePaper({ id: `2611.${String(++paperNumber).padStart(5, '0')}`, day, title: `Paper ${paperNumber}` }))),
        new Date(time).toISOString(),
      );
      if (record) for (const day of days) await announced(deps.db, day, new Date(time));
    },
    /** The digests the relay took, in the order they came, as `daily 2026-11-17`. */
    sent(): string[] {
      return [...relay.received]
        .sort((a, b) => a.receivedAt - b.receivedAt)
        .map((m) => /^<digest-(daily|weekly)\.([\dW-]+)\./.exec(m.parsed.messageId ?? '')?.slice(1).join(' ') ?? `? ${m.parsed.messageId}`);
    },
    /** The periods of the completed runs of a kind, in the order they ran. */
    runs(frequency: DigestFrequency): string[] {
      return lines.filter((l) => l.msg === 'digest run done' && l.frequency === frequency).map((l) => (typeof l.period === 'object' ? l.period.key : String(l.period)));
    },
    failures(frequency: DigestFrequency): number {
      return lines.filter((l) => l.level >= 50 && l.msg.startsWith('digest run failed') && l.frequency === frequency).length;
    },
  };
  t.after(async () => {
    await server.stop();
    mailer.close();
    await relay.close();
    await temp.cleanup();
  });
  return server;
}

/** The digest step alone on serve's scheduler, as it runs after the daily read of arXiv's announcements. */
function digestScheduler(deps: ConstructorParameters<typeof DigestSchedule>[0], settings: { hour: number; timeZone: string }, options: { tickMs: number; now?: () => Date }): Scheduler {
  const digests = new DigestSchedule(deps, { ...settings, readsAnnouncements: true }, deps.log);
  return startScheduler([{ name: 'sending digests', run: (now, signal) => digests.run(now, signal) }], { ...options, log: deps.log });
}

/** A listing day as the daily read and the embedding leave it: announced, stored and embedded. */
async function announced(db: Db, day: string, at: Date): Promise<void> {
  await recordDay(db, { day, status: 'listed', source: 'feed', listed: 2, replaced: 0, read_at: at.toISOString() });
  await markEmbedded(db, [day], at.toISOString());
}
