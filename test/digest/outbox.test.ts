import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { AddressObject, ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { createMailer, type MailMessage, type Mailer, type MailerConfig } from '../../src/mail/mailer.js';
import { deliverDue, drainOutbox, MAX_ATTEMPTS, outboxMessageId, type OutboxRow } from '../../src/digest/outbox.js';
import type { Db, SubscriptionStatus } from '../../src/store/schema.js';
import { tempDb, type TempDb } from '../support/db.js';
import { startSmtpRelay, unusedPort, type ReceivedMail, type SmtpRelay } from '../support/smtp.js';

const FROM = 'Paperboy <papers@example.org>';
const PERIOD = '2026-11-25';

let t: TempDb;
let relay: SmtpRelay | undefined;
const mailers: Mailer[] = [];

beforeEach(async () => {
  t = await tempDb();
});
afterEach(async () => {
  for (const m of mailers.splice(0)) m.close();
  await relay?.close();
  relay = undefined;
  await t.cleanup();
});

function mailerFor(smtpUrl: string, extra: Partial<MailerConfig> = {}, logger?: pino.Logger): Mailer {
  const mailer = createMailer({ smtpUrl, mailFrom: FROM, dataDir: '/nonexistent', rate: 1000, ...extra }, logger);
  mailers.push(mailer);
  return mailer;
}

async function subscribe(db: Db, email: string, status: SubscriptionStatus = 'active'): Promise<number> {
  const now = new Date().toISOString();
  const row = await db
    .insertInto('subscriptions')
    .values({ email, user_id: null, status, frequency: 'daily', created_at: now, confirmed_at: now, unsubscribed_at: status === 'unsubscribed' ? now : null, bounced_at: null, bounce_reason: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A queued digest row as the composer writes it, due a second ago. */
async function enqueue(db: Db, subscriptionId: number, options: { period?: string; kind?: string; due?: Date; text?: string } = {}): Promise<OutboxRow> {
  const kind = options.kind ?? 'digest-daily';
  const period = options.period ?? PERIOD;
  const due = (options.due ?? new Date(Date.now() - 1000)).toISOString();
  return db
    .insertInto('mail_outbox')
    .values({
      key: `${kind}:${period}:${subscriptionId}`,
      subscription_id: subscriptionId,
      kind,
      period,
      content: JSON.stringify({ text: options.text ?? `Papers for reader ${subscriptionId}.` }),
      status: 'queued',
      next_attempt_at: due,
      last_error: null,
      message_id: null,
      created_at: new Date().toISOString(),
      sent_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The test's stand-in for the digest renderer. */
function renderer(db: Db): (row: OutboxRow) => Promise<MailMessage> {
  return async (row) => {
    const sub = await db.selectFrom('subscriptions').select('email').where('id', '=', row.subscription_id).executeTakeFirstOrThrow();
    const { text } = JSON.parse(row.content) as { text: string };
    return {
      to: sub.email,
      subject: `Your daily papers — ${row.period}`,
      text: `${text}\n`,
      html: `<p>${text}</p>`,
      headers: { 'List-Unsubscribe': `<https://papers.example.org/u/${row.subscription_id}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
  };
}

async function outboxRow(db: Db, id: number): Promise<OutboxRow> {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
}

function captureLogger(): { logger: pino.Logger; text: () => string } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => out.join('') };
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('outbox delivery', () => {
  it('sends each due row once, with its headers and a Message-ID derived from the row, and records it', async () => {
    relay = await startSmtpRelay({ auth: { user: 'paperboy', pass: 's3cret/pass' } });
    const { logger, text } = captureLogger();
    const mailer = mailerFor(relay.url, {}, logger);
    const emails = ['ada@example.org', 'alan@example.org', 'grace@example.org'];
    const rows: OutboxRow[] = [];
    for (const e of emails) rows.push(await enqueue(t.db, await subscribe(t.db, e), { text: `Body for ${e}` }));
    const later = await enqueue(t.db, await subscribe(t.db, 'later@example.org'), { due: new Date(Date.now() + 3600_000) });

    const report = await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 1000, log: logger });
    assert.deepEqual(report, { sent: 3, retrying: 0, bounced: 0, failed: 0, cancelled: 0, deferred: 0 });

    const received = await relay.waitFor(3);
    assert.equal(received.length, 3);
    for (const row of rows) {
      const email = emails[rows.indexOf(row)]!;
      const mail: ReceivedMail | undefined = relay.to(email)[0];
      assert.ok(mail, email);
      assert.equal(mail.user, 'paperboy');
      assert.equal(mail.envelope.from, 'papers@example.org');
      assert.deepEqual(mail.envelope.to, [email]);
      const p: ParsedMail = mail.parsed;
      assert.deepEqual(addresses(p.from), ['papers@example.org']);
      assert.deepEqual(addresses(p.to), [email]);
      assert.equal(p.subject, `Your daily papers — ${PERIOD}`);
      assert.equal(p.text, `Body for ${email}\n`);
      assert.equal(p.html, `<p>Body for ${email}</p>`);
      assert.equal(p.headerLines.find((h) => h.key === 'list-unsubscribe')?.line, `List-Unsubscribe: <https://papers.example.org/u/${row.subscription_id}>`);
      assert.equal(p.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      assert.equal(p.messageId, `<${outboxMessageId(row)}@example.org>`);
      assert.match(p.messageId ?? '', /^<digest-daily\.2026-11-25\.\d+\.[0-9a-f]{16}@example\.org>$/);

      const after = await outboxRow(t.db, row.id);
      assert.equal(after.status, 'sent');
      assert.equal(after.message_id, p.messageId);
      assert.equal(after.attempts, 1);
      assert.equal(after.last_error, null);
      assert.ok(after.sent_at && !Number.isNaN(Date.parse(after.sent_at)));
    }
    assert.equal((await outboxRow(t.db, later.id)).status, 'queued');

    // Nothing due any more: a second pass sends nothing.
    assert.deepEqual(await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 1000 }), { sent: 0, retrying: 0, bounced: 0, failed: 0, cancelled: 0, deferred: 0 });
    assert.equal(relay.received.length, 3);

    const log = text();
    for (const row of rows) assert.ok(log.includes(row.key), `log names ${row.key}`);
    assert.doesNotMatch(log, /s3cret|Body for/);
  });

  it('keeps mail queued while the relay is down and delivers it, once, after it comes up', async () => {
    const port = await unusedPort();
    const mailer = mailerFor(`smtp://127.0.0.1:${port}`);
    const rows = [await enqueue(t.db, await subscribe(t.db, 'ada@example.org')), await enqueue(t.db, await subscribe(t.db, 'alan@example.org'))];

    const down = await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 100 });
    assert.equal(down.sent, 0);
    assert.equal(down.retrying + down.deferred, 2);
    for (const row of rows) {
      const r = await outboxRow(t.db, row.id);
      assert.equal(r.status, 'queued');
      assert.ok(Date.parse(r.next_attempt_at) > Date.parse(row.next_attempt_at));
    }
    const tried = await outboxRow(t.db, rows[0]!.id);
    assert.equal(tried.attempts, 0, 'a relay that is down costs the mail no attempt');
    assert.match(tried.last_error ?? '', /ESOCKET|ECONNECTION|ECONNREFUSED/);

    relay = await startSmtpRelay({ port });
    const up = await drainOutbox(t.db, mailer, { render: renderer(t.db), retryMs: 100, maxWaitMs: 60_000 });
    assert.equal(up.sent, 2);
    assert.equal(up.retrying, 0);
    await relay.waitFor(2);
    assert.equal(relay.rcptCount('ada@example.org'), 1);
    assert.equal(relay.rcptCount('alan@example.org'), 1);
    for (const row of rows) {
      const r = await outboxRow(t.db, row.id);
      assert.equal(r.status, 'sent');
      assert.equal(r.message_id, `<${outboxMessageId(row)}@example.org>`);
    }
  });

  it('stops a pass at the first failure of the relay itself: the other due rows wait, with no attempt counted', async () => {
    const port = await unusedPort();
    const mailer = mailerFor(`smtp://127.0.0.1:${port}`);
    const rows: OutboxRow[] = [];
    for (let i = 0; i < 8; i++) rows.push(await enqueue(t.db, await subscribe(t.db, `reader${i}@example.org`)));

    const report = await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 60_000, concurrency: 1 });
    assert.deepEqual(report, { sent: 0, retrying: 1, bounced: 0, failed: 0, cancelled: 0, deferred: 7 });
    const after = await Promise.all(rows.map((r) => outboxRow(t.db, r.id)));
    // The row that met the dead relay gets its attempt back: an outage fails no mail.
    assert.deepEqual(after.map((r) => r.attempts), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.match(after[0]!.last_error ?? '', /ESOCKET|ECONNECTION|ECONNREFUSED/);
    assert.ok(after.every((r) => r.status === 'queued' && r.next_attempt_at === after[0]!.next_attempt_at));
    assert.ok(Date.parse(after[0]!.next_attempt_at) > Date.now() + 30_000);
  });

  it('marks an address the relay refuses with 550 as bouncing and cancels its other mail; the others get theirs', async () => {
    relay = await startSmtpRelay();
    relay.refuse('gone@example.org', 550, { message: 'Mailbox unavailable' });
    const mailer = mailerFor(relay.url);
    const gone = await subscribe(t.db, 'gone@example.org');
    const goneRow = await enqueue(t.db, gone);
    const goneLater = await enqueue(t.db, gone, { kind: 'digest-weekly', period: '2026-W48', due: new Date(Date.now() + 3600_000) });
    const others = [await enqueue(t.db, await subscribe(t.db, 'ada@example.org')), await enqueue(t.db, await subscribe(t.db, 'alan@example.org'))];
    // The papers each digest carries: those of mail that will never go are free for a later digest.
    await t.db
      .insertInto('digest_papers')
      .values([goneRow, goneLater, others[0]!].map((row) => ({ subscription_id: row.subscription_id!, paper_id: `2611.0${row.id}`, outbox_id: row.id })))
      .execute();

    const report = await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 50 });
    assert.deepEqual(report, { sent: 2, retrying: 0, bounced: 1, failed: 0, cancelled: 1, deferred: 0 });
    const carried = await t.db.selectFrom('digest_papers').select('outbox_id').execute();
    assert.deepEqual(carried.map((c) => c.outbox_id), [others[0]!.id]);

    const sub = await t.db.selectFrom('subscriptions').selectAll().where('id', '=', gone).executeTakeFirstOrThrow();
    assert.equal(sub.status, 'bouncing');
    assert.ok(sub.bounced_at);
    assert.match(sub.bounce_reason ?? '', /550/);
    const bounced = await outboxRow(t.db, goneRow.id);
    assert.equal(bounced.status, 'bounced');
    assert.match(bounced.last_error ?? '', /550 Mailbox unavailable/);
    assert.equal((await outboxRow(t.db, goneLater.id)).status, 'cancelled');
    for (const row of others) assert.equal((await outboxRow(t.db, row.id)).status, 'sent');
    const otherSubs = await t.db.selectFrom('subscriptions').select('status').where('id', '!=', gone).execute();
    assert.ok(otherSubs.every((s) => s.status === 'active'));

    await relay.waitFor(2);
    assert.deepEqual(relay.received.map((m) => m.envelope.to[0]).sort(), ['ada@example.org', 'alan@example.org']);
    // Refused once, never asked again.
    assert.deepEqual(await drainOutbox(t.db, mailer, { render: renderer(t.db), retryMs: 50, maxWaitMs: 0 }), { sent: 0, retrying: 0, bounced: 0, failed: 0, cancelled: 0, deferred: 0 });
    assert.equal(relay.rcptCount('gone@example.org'), 1);
  });

  it('retries a 451 with backoff until the relay takes the mail', async () => {
    relay = await startSmtpRelay();
    relay.refuse('busy@example.org', 451, { times: 2, message: 'Greylisted, try again later' });
    const mailer = mailerFor(relay.url);
    const row = await enqueue(t.db, await subscribe(t.db, 'busy@example.org'));

    const first = await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 100 });
    assert.deepEqual(first, { sent: 0, retrying: 1, bounced: 0, failed: 0, cancelled: 0, deferred: 0 });
    const waiting = await outboxRow(t.db, row.id);
    assert.equal(waiting.status, 'queued');
    assert.equal(waiting.attempts, 1);
    assert.match(waiting.last_error ?? '', /451 Greylisted/);
    // A temporary refusal of one address says nothing about the relay or the reader.
    assert.equal((await t.db.selectFrom('subscriptions').select('status').executeTakeFirstOrThrow()).status, 'active');

    const rest = await drainOutbox(t.db, mailer, { render: renderer(t.db), retryMs: 100, maxWaitMs: 60_000 });
    assert.deepEqual(rest, { sent: 1, retrying: 0, bounced: 0, failed: 0, cancelled: 0, deferred: 0 });
    const sent = await outboxRow(t.db, row.id);
    assert.equal(sent.status, 'sent');
    assert.equal(sent.attempts, 3);
    await relay.waitFor(1);
    assert.equal(relay.received.length, 1);
    assert.equal(relay.rcptCount('busy@example.org'), 3);
    assert.equal(relay.received[0]!.parsed.messageId, `<${outboxMessageId(row)}@example.org>`);
  });

  it(`gives up after ${MAX_ATTEMPTS} temporary failures`, async () => {
    relay = await startSmtpRelay();
    relay.refuse('busy@example.org', 452, { message: 'Mailbox full' });
    const mailer = mailerFor(relay.url);
    const row = await enqueue(t.db, await subscribe(t.db, 'busy@example.org'));
    const report = await drainOutbox(t.db, mailer, { render: renderer(t.db), retryMs: 1, maxWaitMs: 60_000 });
    assert.deepEqual(report, { sent: 0, retrying: 0, bounced: 0, failed: 1, cancelled: 0, deferred: 0 });
    const failed = await outboxRow(t.db, row.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempts, MAX_ATTEMPTS);
    assert.match(failed.last_error ?? '', /gave up after 6 attempts: .*452 Mailbox full/);
    assert.equal(relay.rcptCount('busy@example.org'), MAX_ATTEMPTS);
  });

  it('cancels, without sending, the rows of subscriptions that are no longer active', async () => {
    relay = await startSmtpRelay();
    const mailer = mailerFor(relay.url);
    const active = await enqueue(t.db, await subscribe(t.db, 'ada@example.org'));
    const left = await enqueue(t.db, await subscribe(t.db, 'left@example.org', 'unsubscribed'));
    const bouncing = await enqueue(t.db, await subscribe(t.db, 'bad@example.org', 'bouncing'));

    const report = await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 50 });
    assert.deepEqual(report, { sent: 1, retrying: 0, bounced: 0, failed: 0, cancelled: 2, deferred: 0 });
    assert.equal((await outboxRow(t.db, active.id)).status, 'sent');
    assert.equal((await outboxRow(t.db, left.id)).status, 'cancelled');
    assert.equal((await outboxRow(t.db, bouncing.id)).status, 'cancelled');
    await relay.waitFor(1);
    assert.equal(relay.rcptCount('left@example.org'), 0);
    assert.equal(relay.rcptCount('bad@example.org'), 0);
  });

  it('marks a row it cannot render as failed, with the error, and goes on with the others', async () => {
    relay = await startSmtpRelay();
    const mailer = mailerFor(relay.url);
    const bad = await enqueue(t.db, await subscribe(t.db, 'ada@example.org'), { text: 'BROKEN' });
    const good = await enqueue(t.db, await subscribe(t.db, 'alan@example.org'));
    const render = renderer(t.db);
    const report = await deliverDue(t.db, mailer, async (row) => {
      if (row.content.includes('BROKEN')) throw new Error('unknown paper 2401.99999');
      return render(row);
    }, { retryMs: 50 });
    assert.deepEqual(report, { sent: 1, retrying: 0, bounced: 0, failed: 1, cancelled: 0, deferred: 0 });
    const failed = await outboxRow(t.db, bad.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.last_error, 'render: unknown paper 2401.99999');
    assert.equal((await outboxRow(t.db, good.id)).status, 'sent');
  });

  it('never sends a row twice when two deliveries run at once (one mailer or two)', async () => {
    relay = await startSmtpRelay();
    const one = mailerFor(relay.url);
    const two = mailerFor(relay.url);
    const emails = Array.from({ length: 30 }, (_, i) => `reader${i}@example.org`);
    for (const e of emails) await enqueue(t.db, await subscribe(t.db, e));

    const render = renderer(t.db);
    const reports = await Promise.all([
      deliverDue(t.db, one, render, { retryMs: 50, batchSize: 7 }),
      deliverDue(t.db, one, render, { retryMs: 50, batchSize: 7 }),
      deliverDue(t.db, two, render, { retryMs: 50, batchSize: 7 }),
    ]);
    assert.equal(reports.reduce((n, r) => n + r.sent, 0), 30);
    assert.ok(reports.every((r) => r.retrying + r.failed + r.bounced + r.cancelled + r.deferred === 0));
    await relay.waitFor(30);
    for (const e of emails) assert.equal(relay.rcptCount(e), 1, e);
    assert.equal(relay.received.length, 30);
    const rows = await t.db.selectFrom('mail_outbox').select(['status', 'attempts']).execute();
    assert.ok(rows.every((r) => r.status === 'sent' && r.attempts === 1));
  });

  it('leaves a row another sender has claimed until its claim runs out, then sends it with the same Message-ID', async () => {
    relay = await startSmtpRelay();
    const mailer = mailerFor(relay.url);
    const row = await enqueue(t.db, await subscribe(t.db, 'ada@example.org'));
    // As a process that died mid-send leaves it: claimed (one attempt), lease running.
    await t.db.updateTable('mail_outbox').set({ attempts: 1, next_attempt_at: new Date(Date.now() + 500).toISOString() }).where('id', '=', row.id).execute();

    assert.equal((await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 50 })).sent, 0);
    assert.equal(relay.rcptCount('ada@example.org'), 0);
    const report = await drainOutbox(t.db, mailer, { render: renderer(t.db), retryMs: 50, maxWaitMs: 60_000 });
    assert.equal(report.sent, 1);
    const [mail] = await relay.waitFor(1);
    assert.equal(mail!.parsed.messageId, `<${outboxMessageId(row)}@example.org>`);
    assert.equal((await outboxRow(t.db, row.id)).attempts, 2);
  });

  it('keeps to the rate limit: 12 mails at 5 a second take more than a second', async () => {
    relay = await startSmtpRelay();
    const mailer = mailerFor(relay.url, { rate: 5 });
    for (let i = 0; i < 12; i++) await enqueue(t.db, await subscribe(t.db, `reader${i}@example.org`));
    const report = await deliverDue(t.db, mailer, renderer(t.db), { retryMs: 50 });
    assert.equal(report.sent, 12);
    const received = await relay.waitFor(12);
    const times = received.map((m) => m.receivedAt).sort((a, b) => a - b);
    // Three windows of at most 5 (nodemailer's limiter): at least two seconds in theory; checked loosely.
    assert.ok(times[11]! - times[0]! >= 1000, `12 mails arrived within ${times[11]! - times[0]!} ms`);
    assert.ok(times[10]! - times[0]! >= 1000, 'the 11th mail came in a later second than the first');
  });

  it('stops waiting when the signal aborts, leaving the rest queued', async () => {
    relay = await startSmtpRelay();
    relay.refuse('busy@example.org', 451);
    const mailer = mailerFor(relay.url);
    const row = await enqueue(t.db, await subscribe(t.db, 'busy@example.org'));
    const controller = new AbortController();
    const draining = drainOutbox(t.db, mailer, { render: renderer(t.db), retryMs: 600_000, maxWaitMs: 3600_000, signal: controller.signal });
    await waitUntil(async () => (await outboxRow(t.db, row.id)).last_error !== null, 'the first attempt');
    controller.abort();
    const report = await draining;
    assert.deepEqual(report, { sent: 0, retrying: 1, bounced: 0, failed: 0, cancelled: 0, deferred: 0 });
    assert.equal((await outboxRow(t.db, row.id)).status, 'queued');
  });

  it('stops at once when the signal aborts just before it would sleep', { timeout: 30_000 }, async () => {
    relay = await startSmtpRelay();
    relay.refuse('busy@example.org', 451);
    const row = await enqueue(t.db, await subscribe(t.db, 'busy@example.org'));
    const controller = new AbortController();
    // Aborts while the drain asks when the next row falls due: after its last look at the signal, before it sleeps.
    const db = t.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node).includes('"min"')) controller.abort();
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const report = await drainOutbox(db, mailerFor(relay.url), { render: renderer(t.db), retryMs: 600_000, maxWaitMs: 3600_000, signal: controller.signal });
    assert.deepEqual(report, { sent: 0, retrying: 1, bounced: 0, failed: 0, cancelled: 0, deferred: 0 });
    assert.equal((await outboxRow(t.db, row.id)).status, 'queued');
  });
});
