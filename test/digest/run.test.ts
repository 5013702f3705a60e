import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { dayPeriod } from '../../src/catalog/periods.js';
import { hidePaper } from '../../src/community/moderation.js';
import { loadConfig } from '../../src/config.js';
import { DigestRenderer } from '../../src/digest/render.js';
import { runDigests, type DigestRunDeps } from '../../src/digest/run.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer, type Mailer } from '../../src/mail/mailer.js';
import { upsertPapers } from '../../src/store/papers.js';
import type { Db } from '../../src/store/schema.js';
import { makeAdmin } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { startSmtpRelay, type ReceivedMail, type SmtpRelay } from '../support/smtp.js';
import { testServer } from '../support/web.js';

const BASE = 'https://papers.example.org';
const SECRET = 'digest-run-secret-digest-run-secret-0123';

/** A header's value from the raw message, unfolded. */
function header(mail: ReceivedMail, name: string): string | undefined {
  const unfolded = mail.raw.toString().split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'im').exec(unfolded.replace(/\r/g, ''))?.[1];
}

/** `https://papers.example.org/x?y` → `/x?y`, to follow a link against the app in-process. */
function local(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

describe('a daily digest run, end to end', () => {
  let t: TempDb;
  let db: Db;
  let relay: SmtpRelay;
  let app: FastifyInstance;
  let mailer: Mailer;
  let deps: DigestRunDeps;

  before(async () => {
    t = await tempDb();
    db = t.db;
    relay = await startSmtpRelay();
    const env = { ...t.env, PAPERBOY_SMTP_URL: relay.url, PAPERBOY_BASE_URL: BASE, PAPERBOY_SECRET: SECRET, PAPERBOY_SMTP_RATE: '1000' };
    app = await testServer(db, t.dir, { env });
    const config = loadConfig(env);
    mailer = configuredMailer(config);
    deps = { db, log: createLogger('silent'), mailer, config, secret: SECRET };
    await upsertPapers(db, [
      makePaper({ id: '2611.00201', day: '2026-11-23', title: 'Yesterday’s news', categories: ['cs.CL'] }),
      makePaper({ id: '2611.00301', day: '2026-11-24', title: 'Parsing with <b>bold</b> claims & more', categories: ['cs.CL'], authors: ['Ada Lovelace'] }),
      makePaper({ id: '2611.00302', day: '2026-11-24', title: 'Seeing far', categories: ['cs.CV'], primaryCategory: 'cs.CV' }),
    ]);
    const now = new Date().toISOString();
    await db
      .insertInto('subscriptions')
      .values([
        { email: 'linguist@example.org', status: 'active', frequency: 'daily', categories: '["cs.CL"]', created_at: now, confirmed_at: now },
        { email: 'weekly@example.org', status: 'active', frequency: 'weekly', categories: '[]', created_at: now, confirmed_at: now },
        { email: 'pending@example.org', status: 'pending', frequency: 'daily', categories: '[]', created_at: now },
      ])
      .execute();
  });
  after(async () => {
    mailer.close();
    await app.close();
    await relay.close();
    await t.cleanup();
  });

  let mail: ReceivedMail;

  it('sends each active daily reader one digest with both parts and the unsubscribe headers', async () => {
    const report = await runDigests(deps, { frequency: 'daily' });
    assert.equal(report.period?.key, '2026-11-24');
    assert.equal(report.readers, 1, 'the pending and the weekly reader are not daily readers');
    assert.equal(report.delivery?.sent, 1);
    mail = (await relay.waitFor(1))[0]!;
    const parsed = mail.parsed;
    assert.deepEqual(mail.envelope.to, ['linguist@example.org']);
    assert.match(parsed.subject ?? '', /^Paperboy daily: 2 papers for Tuesday 24 November 2026$/);
    assert.match(parsed.messageId ?? '', /^<digest-daily\.2026-11-24\.\d+\.[0-9a-f]{16}@/);
    assert.equal(header(mail, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.match(header(mail, 'List-Unsubscribe') ?? '', /^<https:\/\/papers\.example\.org\/subscribe\/unsubscribe\?token=[\w.-]+>$/);

    // The text part, and the HTML part with the title escaped, not interpreted.
    assert.match(parsed.text ?? '', /YOUR ALERTS\n\n1\. Parsing with <b>bold<\/b> claims & more\n {3}Ada Lovelace\n {3}New in Computation and Language \(cs\.CL\)\n {3}https:\/\/papers\.example\.org\/papers\/2611\.00301/);
    assert.match(parsed.text ?? '', /TRENDING\n\n2\. Seeing far/);
    assert.doesNotMatch(parsed.text ?? '', /Yesterday/);
    const htmlPart = String(parsed.html);
    assert.ok(htmlPart.includes('Parsing with &lt;b&gt;bold&lt;/b&gt; claims &amp; more'));
    assert.ok(!htmlPart.includes('<b>bold</b>'));
  });

  it('has links that work when followed against the running site', async () => {
    const html = String(mail.parsed.html);
    const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).filter((href) => href.startsWith(BASE));
    assert.ok(links.some((l) => l.includes('/papers/2611.00301')));
    assert.ok(links.some((l) => l.includes('/subscribe/manage?token=')));
    for (const link of links) {
      const res = await app.inject({ url: local(link) });
      assert.equal(res.statusCode, 200, `${link} answered ${res.statusCode}`);
    }
    // The text part carries the same manage and unsubscribe links.
    const text = mail.parsed.text ?? '';
    assert.ok(links.filter((l) => l.includes('/subscribe/')).every((l) => text.includes(l)));
  });

  it('unsubscribes with one click (RFC 8058): a POST without cookies or form token', async () => {
    const target = /^<(.+)>$/.exec(header(mail, 'List-Unsubscribe')!)![1]!;
    const res = await app.inject({
      method: 'POST',
      url: local(target),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    assert.equal(res.statusCode, 200);
    const row = await db.selectFrom('subscriptions').select('status').where('email', '=', 'linguist@example.org').executeTakeFirstOrThrow();
    assert.equal(row.status, 'unsubscribed');
  });

  it('sends nothing more: not the same digest again, nothing to the unsubscribed reader', async () => {
    const again = await runDigests(deps, { frequency: 'daily' });
    assert.equal(again.readers, 0);
    await upsertPapers(db, [makePaper({ id: '2611.00401', day: '2026-11-25', title: 'Tomorrow', categories: ['cs.CL'] })]);
    const next = await runDigests(deps, { frequency: 'daily' });
    assert.equal(next.delivery?.sent, 0);
    assert.equal(relay.received.length, 1);
  });

  it('writes .eml files and marks nothing in a dry run', async () => {
    await db.updateTable('subscriptions').set({ status: 'active' }).where('email', '=', 'linguist@example.org').execute();
    const report = await runDigests(deps, { frequency: 'daily', dryRun: true });
    assert.equal(report.files.length, 1);
    assert.match(report.files[0]!, /dry-run\/.+\.eml$/);
    const rows = await db.selectFrom('mail_outbox').select('key').where('key', 'like', 'digest-daily:2026-11-25:%').execute();
    assert.equal(rows.length, 0, 'a dry run writes nothing to the outbox');
  });

  it('counts the days where its readers are: at 07:30 on Monday in Auckland last week is over', async () => {
    const mondayInAuckland = new Date('2026-11-29T18:30:00Z'); // still Sunday in UTC
    const zoned = { ...deps, config: { ...deps.config, digest: { ...deps.config.digest, timeZone: 'Pacific/Auckland' } } };
    assert.equal((await runDigests(zoned, { frequency: 'weekly', dryRun: true, now: mondayInAuckland })).period?.key, '2026-W48');
    assert.equal((await runDigests(deps, { frequency: 'weekly', dryRun: true, now: mondayInAuckland })).period?.key, '2026-W47', 'in UTC the week is not over');
  });

  it('leaves out of a mail a paper a moderator hid after the digest was composed', async () => {
    const admin = await makeAdmin(db);
    await hidePaper(db, admin.id, '2611.00302', 'off-topic');
    const renderer = new DigestRenderer(db, { baseUrl: BASE, secret: SECRET });
    const message = await renderer.render(
      {
        frequency: 'daily',
        period: dayPeriod('2026-11-24')!,
        items: [
          { paperId: '2611.00301', section: 'alerts', reason: 'New in cs.CL' },
          { paperId: '2611.00302', section: 'trending', reason: 'Trending on Paperboy' },
        ],
      },
      { id: 1, email: 'linguist@example.org', frequency: 'daily', linkVersion: 1 },
    );
    assert.match(message.subject, /1 paper for/);
    assert.ok(!message.text.includes('Seeing far') && !message.html!.includes('Seeing far'));
  });
});
