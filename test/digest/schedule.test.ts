import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { wallClock } from '../../src/digest/period.js';
import { startDigestSchedule } from '../../src/digest/schedule.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer } from '../../src/mail/mailer.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp.js';

describe('the digest schedule in serve', () => {
  it('reads the hour and weekday in the configured time zone', () => {
    const at = new Date('2026-11-29T23:30:00Z'); // Sunday in UTC, already Monday in Tokyo
    assert.deepEqual(wallClock(at, 'UTC'), { day: '2026-11-29', hour: 23, monday: false });
    assert.deepEqual(wallClock(at, 'Asia/Tokyo'), { day: '2026-11-30', hour: 8, monday: true });
    assert.deepEqual(wallClock(at, 'America/New_York'), { day: '2026-11-29', hour: 18, monday: false });
  });

  describe('running', () => {
    let t: TempDb;
    let relay: SmtpRelay;
    before(async () => {
      t = await tempDb();
      relay = await startSmtpRelay();
      await upsertPapers(t.db, [makePaper({ id: '2611.00501', day: '2026-11-24' })]);
      const now = new Date().toISOString();
      await t.db.insertInto('subscriptions').values({ email: 'early@example.org', status: 'active', frequency: 'daily', created_at: now, confirmed_at: now }).execute();
    });
    after(async () => {
      await relay.close();
      await t.cleanup();
    });

    it('sends the day’s digests once the hour has come, and only once', async () => {
      const config = loadConfig({ PAPERBOY_DATA_DIR: t.dir, PAPERBOY_SMTP_URL: relay.url, PAPERBOY_SMTP_RATE: '1000' });
      const mailer = configuredMailer(config);
      const log = createLogger('silent');
      // Hour 0: whatever the time now, the day's run is due.
      const schedule = startDigestSchedule({ db: t.db, log, mailer, config, secret: 'schedule-secret-schedule-secret-01234' }, { hour: 0, timeZone: 'UTC', tickMs: 50 }, log);
      await relay.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300)); // several more ticks
      await schedule.stop();
      mailer.close();
      assert.equal(relay.received.length, 1);
      assert.deepEqual(relay.received[0]!.envelope.to, ['early@example.org']);
    });
  });
});
