import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { AddressObject, ParsedMail } from 'mailparser';
import { subscriptionLink, type LinkPurpose } from '../../src/digest/links.js';
import { subscriptionsDue } from '../../src/digest/subscriptions.js';
import { makeMember } from '../support/community.js';
import { Client } from '../support/client.js';
import { tempDb, type TempDb } from '../support/db.js';
import { startSmtpRelay, unusedPort, type SmtpRelay } from '../support/smtp.js';
import { testServer } from '../support/web.js';

const SECRET = 'subscription-tests-secret-0123456789abcdef';
const BASE = 'https://papers.example.org';

function recipients(field: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
}

/** The one link to `path` in the mail; the HTML part links to the very same URL. */
function linkIn(mail: ParsedMail, path: string): string {
  const pattern = new RegExp(`${BASE.replace(/\./g, '\\.')}${path}\\?token=[\\w.-]+`, 'g');
  const inText = mail.text?.match(pattern) ?? [];
  assert.equal(inText.length, 1, `one ${path} link in the text part`);
  assert.ok(typeof mail.html === 'string' && mail.html.includes(`href="${inText[0]}"`), `the HTML part links to ${path}`);
  return inText[0]!;
}

/** `https://papers.example.org/subscribe/…?token=…` → `/subscribe/…?token=…`, for inject(). */
function local(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

const prefs = { frequency: 'weekly', categories: 'cs.lg, stat.ML', authors: 'Yann LeCun\n  Geoffrey   Hinton \n\nyann lecun', searches: 'diffusion models' };

describe('subscriptions over the web, with mail to a real SMTP server', () => {
  let t: TempDb;
  let smtp: SmtpRelay;
  let app: FastifyInstance;
  let parsed = 0;

  /** The mails received since the last call, parsed. */
  const newMails = async (): Promise<ParsedMail[]> => {
    await smtp.settled();
    const fresh = smtp.received.slice(parsed);
    parsed = smtp.received.length;
    return fresh.map((m) => m.parsed);
  };
  const row = (email: string) => t.db.selectFrom('subscriptions').selectAll().where('email', '=', email).executeTakeFirst();
  const countRows = async () => Number((await t.db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  /** Pretends the mails to this subscription went out `minutes` earlier than they did. */
  const backdateMails = async (subscriptionId: number, minutes: number) => {
    const rows = await t.db.selectFrom('mail_outbox').select(['id', 'created_at']).where('subscription_id', '=', subscriptionId).execute();
    for (const r of rows) {
      const at = new Date(new Date(r.created_at).getTime() - minutes * 60_000).toISOString();
      await t.db.updateTable('mail_outbox').set({ created_at: at }).where('id', '=', r.id).execute();
    }
  };
  const link = (purpose: LinkPurpose, s: { id: number; link_version: number }, now?: Date) => local(subscriptionLink(BASE, SECRET, purpose, { id: s.id, linkVersion: s.link_version }, now));
  /** What a mail provider sends for RFC 8058 one-click: no cookies, no form token. */
  const oneClick = (url: string, contentType = 'application/x-www-form-urlencoded') =>
    app.inject({
      method: 'POST',
      url,
      remoteAddress: '203.0.113.9',
      headers: { 'content-type': contentType },
      payload:
        contentType === 'application/x-www-form-urlencoded'
          ? 'List-Unsubscribe=One-Click'
          : '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
    });
  const subscribeAs = async (client: Client, form: Record<string, string>) => {
    await client.get('/subscribe');
    return client.post('/subscribe', { ...prefs, ...form });
  };

  before(async () => {
    t = await tempDb();
    smtp = await startSmtpRelay();
    app = await testServer(t.db, t.dir, { env: { PAPERBOY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PAPERBOY_SECRET: SECRET, PAPERBOY_BASE_URL: BASE } });
  });
  after(async () => {
    await app.close();
    await smtp.close();
    await t.cleanup();
  });

  it('subscribe → confirmation mail → its link (GET changes nothing) → Confirm → active', async () => {
    const browser = new Client(app);
    const form = await browser.get('/subscribe');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<form method="post" action="\/subscribe"/);
    assert.match(form.body, /name="_csrf"/);

    const res = await browser.post('/subscribe', { ...prefs, email: '  Reader@Example.org ' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Check your inbox/);
    assert.match(res.body, /<strong>reader@example\.org<\/strong>/);

    const [mail, ...more] = await newMails();
    assert.equal(more.length, 0);
    assert.deepEqual(smtp.received.at(-1)!.envelope.to, ['reader@example.org']);
    assert.deepEqual(recipients(mail!.to), ['reader@example.org']);
    assert.equal(mail!.subject, 'Confirm your Paperboy subscription');
    assert.match(mail!.text ?? '', /weekly papers/);
    assert.match(mail!.text ?? '', /works for 7 days/);
    const confirmUrl = linkIn(mail!, '/subscribe/confirm');

    const pending = await row('reader@example.org');
    assert.equal(pending?.status, 'pending');
    assert.equal(pending?.frequency, 'weekly');
    assert.deepEqual(JSON.parse(pending!.categories), ['cs.LG', 'stat.ML']);
    assert.deepEqual(JSON.parse(pending!.authors), ['Yann LeCun', 'Geoffrey Hinton']);
    assert.deepEqual(JSON.parse(pending!.searches), ['diffusion models']);
    assert.equal(pending?.user_id, null);

    // A mail scanner follows the link: it sees a button, and nothing changes.
    const scanner = await app.inject({ url: local(confirmUrl) });
    assert.equal(scanner.statusCode, 200);
    assert.equal((await row('reader@example.org'))?.status, 'pending');

    const page = await browser.get(local(confirmUrl));
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /<button type="submit">Confirm<\/button>/);
    // The owner of the address sees what the form asked for before agreeing to it.
    assert.match(page.body, /Categories: cs\.LG, stat\.ML/);
    assert.match(page.body, /Authors: Yann LeCun; Geoffrey Hinton/);
    assert.match(page.body, /Saved searches: “diffusion models”/);
    const action = /<form method="post" action="([^"]+)"/.exec(page.body.slice(page.body.indexOf('<main')))?.[1];
    assert.equal(action, local(confirmUrl));
    assert.equal((await row('reader@example.org'))?.status, 'pending');

    // The POST needs the page's form token.
    assert.equal((await browser.post(action!, {}, { withToken: false })).statusCode, 403);
    const confirmed = await browser.post(action!, {});
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Subscription confirmed/);
    const active = await row('reader@example.org');
    assert.equal(active?.status, 'active');
    assert.ok(active?.confirmed_at);
    // The confirmed page links to the manage page.
    assert.match(confirmed.body, /href="\/subscribe\/manage\?token=[\w.-]+"/);

    // Confirming twice is harmless.
    assert.equal((await browser.post(action!, {})).statusCode, 200);

    const weekly = await subscriptionsDue(t.db, 'weekly');
    assert.deepEqual(
      weekly.filter((s) => s.email === 'reader@example.org'),
      [{ id: active!.id, email: 'reader@example.org', userId: null, frequency: 'weekly', linkVersion: 1, categories: ['cs.LG', 'stat.ML'], authors: ['Yann LeCun', 'Geoffrey Hinton'], searches: ['diffusion models'] }],
    );
    assert.equal((await subscriptionsDue(t.db, 'daily')).some((s) => s.email === 'reader@example.org'), false);
    assert.deepEqual(await newMails(), []);
  });

  it('an address already subscribed gets the same answer as a new one, and a mail with its manage link; its preferences stay', async () => {
    const before = await row('reader@example.org');
    assert.equal(before?.status, 'active');
    await backdateMails(before!.id, 11);

    const stranger = new Client(app);
    const again = await subscribeAs(stranger, { email: 'reader@example.org', frequency: 'daily', categories: 'hep-th', authors: '', searches: '' });
    const fresh = await subscribeAs(stranger, { email: 'newcomer@example.org' });
    assert.equal(again.statusCode, fresh.statusCode);
    const words = (body: string, email: string) => body.slice(body.indexOf('<main')).replace(email, 'ADDRESS');
    assert.equal(words(again.body, 'reader@example.org'), words(fresh.body, 'newcomer@example.org'));

    const [manageMail, confirmMail] = await newMails();
    assert.deepEqual(recipients(manageMail!.to), ['reader@example.org']);
    assert.equal(manageMail!.subject, 'Your Paperboy subscription');
    linkIn(manageMail!, '/subscribe/manage');
    linkIn(manageMail!, '/subscribe/unsubscribe');
    assert.doesNotMatch(manageMail!.text ?? '', /subscribe\/confirm/);
    assert.equal(confirmMail!.subject, 'Confirm your Paperboy subscription');

    const after = await row('reader@example.org');
    assert.deepEqual(after, before, 'nothing changed');
  });

  it('the manage link shows the preferences (no password) and saves new ones; bad values are refused with nothing changed', async () => {
    const sub = (await row('reader@example.org'))!;
    const browser = new Client(app);
    const manageUrl = link('manage', sub);
    const page = await browser.get(manageUrl);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /type="password"/);
    assert.match(page.body, /value="cs\.LG stat\.ML"/);
    assert.match(page.body, /Yann LeCun\nGeoffrey Hinton<\/textarea>/);
    assert.match(page.body, /value="weekly" checked/);

    const saved = await browser.post(manageUrl, { frequency: 'daily', categories: 'hep-th math.AG', authors: 'Emmy Noether', searches: 'sheaf cohomology\n"knot invariants"' });
    assert.equal(saved.statusCode, 200);
    assert.match(saved.body, /Saved\./);
    let now = (await row('reader@example.org'))!;
    assert.equal(now.frequency, 'daily');
    assert.deepEqual(JSON.parse(now.categories), ['hep-th', 'math.AG']);
    assert.deepEqual(JSON.parse(now.authors), ['Emmy Noether']);
    assert.deepEqual(JSON.parse(now.searches), ['sheaf cohomology', '"knot invariants"']);
    assert.equal(now.status, 'active');

    const refusals: [Record<string, string>, RegExp][] = [
      [{ frequency: 'hourly' }, /Choose daily or weekly/],
      [{ categories: 'cs.LG not.acategory' }, /&quot;not\.acategory&quot; is not an arXiv category/],
      [{ categories: 'cs.LG CS' }, /&quot;cs&quot; is a whole archive, which only old papers list/],
      [{ authors: Array.from({ length: 51 }, (_, i) => `Author ${i}`).join('\n') }, /At most 50 authors/],
      [{ authors: 'x'.repeat(201) }, /longer than 200 characters/],
      [{ authors: 'Good Name\nBad\u0000Name' }, /Line 2 contains control characters/],
      [{ authors: 'Bidi \u202eemaN' }, /control characters/],
      [{ searches: Array.from({ length: 21 }, (_, i) => `query ${i}`).join('\n') }, /At most 20 searches/],
      [{ searches: 'q'.repeat(301) }, /longer than 300 characters/],
    ];
    for (const [change, message] of refusals) {
      const res = await browser.post(manageUrl, { frequency: 'weekly', categories: '', authors: '', searches: '', ...change });
      assert.equal(res.statusCode, 400, JSON.stringify(change).slice(0, 80));
      assert.match(res.body, message);
      assert.deepEqual(await row('reader@example.org'), now, 'nothing changed');
    }

    // Without the page's form token: refused.
    assert.equal((await browser.post(manageUrl, { frequency: 'weekly', categories: '', authors: '', searches: '' }, { withToken: false })).statusCode, 403);
    // What was typed is shown back escaped.
    const xss = await browser.post(manageUrl, { frequency: 'weekly', categories: '<script>alert(1)</script>', authors: '</textarea><script>alert(2)</script>', searches: '' });
    assert.equal(xss.statusCode, 400);
    assert.doesNotMatch(xss.body, /<script>alert/);
    assert.match(xss.body, /&lt;\/textarea&gt;&lt;script&gt;alert\(2\)/);
    now = (await row('reader@example.org'))!;
    assert.equal(now.frequency, 'daily');
  });

  it('one-click unsubscribe: a POST with no cookies and no form token, as a mail provider sends it; queued digests are cancelled', async () => {
    const sub = (await row('reader@example.org'))!;
    const at = new Date().toISOString();
    const outbox = (key: string, status: 'queued' | 'sent') => ({ key, subscription_id: sub.id, kind: 'digest-daily', period: '2026-11-29', content: '{}', status, next_attempt_at: at, last_error: null, message_id: null, created_at: at, sent_at: null });
    await t.db.insertInto('mail_outbox').values([outbox(`digest:daily:2026-11-29:${sub.id}`, 'queued'), outbox(`digest:daily:2026-11-28:${sub.id}`, 'sent')]).execute();

    const unsubscribeUrl = link('unsubscribe', sub);
    // Following the link only shows a button.
    const page = await app.inject({ url: unsubscribeUrl });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<button type="submit">Unsubscribe<\/button>/);
    assert.equal((await row('reader@example.org'))?.status, 'active');

    const res = await oneClick(unsubscribeUrl);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Unsubscribed/);
    const gone = (await row('reader@example.org'))!;
    assert.equal(gone.status, 'unsubscribed');
    assert.ok(gone.unsubscribed_at);
    assert.equal(gone.link_version, sub.link_version, 'old links keep working');
    const rows = await t.db.selectFrom('mail_outbox').select(['key', 'status']).where('subscription_id', '=', sub.id).where('kind', '=', 'digest-daily').orderBy('key').execute();
    assert.deepEqual(rows, [
      { key: `digest:daily:2026-11-28:${sub.id}`, status: 'sent' },
      { key: `digest:daily:2026-11-29:${sub.id}`, status: 'cancelled' },
    ]);
    assert.equal((await subscriptionsDue(t.db, 'daily')).some((s) => s.id === sub.id), false);

    // Again (a second click, an older digest's link): still 200, the first time kept.
    const twice = await oneClick(link('unsubscribe', sub, new Date(Date.now() - 30 * 24 * 3600_000)));
    assert.equal(twice.statusCode, 200);
    assert.equal((await row('reader@example.org'))?.unsubscribed_at, gone.unsubscribed_at);

    // The confirmation link mailed earlier no longer brings it back.
    const browser = new Client(app);
    await browser.get(link('confirm', sub));
    const confirm = await browser.post(link('confirm', sub), {});
    assert.equal(confirm.statusCode, 409);
    assert.equal((await row('reader@example.org'))?.status, 'unsubscribed');

    // The manage page offers to resume, which the manage link is proof enough for.
    const manage = await browser.get(link('manage', sub));
    assert.match(manage.body, /is unsubscribed/);
    const resumed = await browser.post(link('manage', sub), { action: 'resume' });
    assert.equal(resumed.statusCode, 200);
    assert.equal((await row('reader@example.org'))?.status, 'active');
  });

  it('one-click unsubscribe also accepts multipart/form-data, and a bare POST from the page’s button', async () => {
    const browser = new Client(app);
    await subscribeAs(browser, { email: 'multi@example.org' });
    const mail = (await newMails()).at(-1)!;
    await browser.get(local(linkIn(mail, '/subscribe/confirm')));
    assert.equal((await browser.post(local(linkIn(mail, '/subscribe/confirm')), {})).statusCode, 200);
    const sub = (await row('multi@example.org'))!;
    assert.equal(sub.status, 'active');

    const res = await oneClick(link('unsubscribe', sub), 'multipart/form-data; boundary=XyZ');
    assert.equal(res.statusCode, 200);
    assert.equal((await row('multi@example.org'))?.status, 'unsubscribed');

    const bare = await app.inject({ method: 'POST', url: link('unsubscribe', sub) });
    assert.equal(bare.statusCode, 200);
  });

  it('refuses forged, tampered, expired and wrong-purpose links with a clear page, changing nothing', async () => {
    const browser = new Client(app);
    await subscribeAs(browser, { email: 'target@example.org' });
    await newMails();
    const sub = (await row('target@example.org'))!;
    const snapshot = async () => ({ sub: await row('target@example.org'), outbox: await t.db.selectFrom('mail_outbox').selectAll().where('subscription_id', '=', sub.id).execute() });
    const before = await snapshot();

    const good = link('unsubscribe', sub);
    const token = new URL(good, BASE).searchParams.get('token')!;
    const [id, version, expires, tag] = token.split('.') as [string, string, string, string];
    const other = (await row('reader@example.org'))!;
    const cases: [string, string, number, RegExp][] = [
      ['unsubscribe', `${id}.${version}.${expires}.${tag.slice(0, -2)}${tag.endsWith('AA') ? 'BB' : 'AA'}`, 403, /not made by this site, was changed, or is meant for another page/],
      ['unsubscribe', `${other.id}.${version}.${expires}.${tag}`, 403, /not made by this site/],
      ['unsubscribe', `${id}.${version}.${Number(expires) + 3600}.${tag}`, 403, /not made by this site/],
      ['unsubscribe', new URL(link('manage', sub), BASE).searchParams.get('token')!, 403, /meant for another page/],
      ['confirm', new URL(link('unsubscribe', sub), BASE).searchParams.get('token')!, 403, /meant for another page/],
      ['manage', new URL(link('confirm', sub), BASE).searchParams.get('token')!, 403, /meant for another page/],
      ['confirm', new URL(link('confirm', sub, new Date(Date.now() - 8 * 24 * 3600_000)), BASE).searchParams.get('token')!, 400, /expired\. Subscribe again to get a new one/],
      ['unsubscribe', new URL(link('unsubscribe', sub, new Date(Date.now() - 181 * 24 * 3600_000)), BASE).searchParams.get('token')!, 400, /This link has expired/],
      ['manage', new URL(link('manage', sub, new Date(Date.now() - 181 * 24 * 3600_000)), BASE).searchParams.get('token')!, 400, /This link has expired/],
      ['unsubscribe', 'nonsense', 400, /incomplete or damaged/],
      ['manage', '', 400, /incomplete or damaged/],
      ['unsubscribe', `${token}<script>`, 400, /incomplete or damaged/],
    ];
    for (const [purpose, bad, status, message] of cases) {
      const url = `/subscribe/${purpose}?token=${encodeURIComponent(bad)}`;
      const shown = await browser.get(url);
      assert.equal(shown.statusCode, status, `GET ${purpose} ${bad}`);
      assert.match(shown.body, message);
      assert.match(shown.body, /This link does not work/);
      assert.doesNotMatch(shown.body, /<script>/);
      const posted = purpose === 'unsubscribe' ? await oneClick(url) : await browser.post(url, { frequency: 'daily', categories: '', authors: '', searches: '' });
      assert.equal(posted.statusCode, status, `POST ${purpose} ${bad}`);
    }
    // Without a token at all.
    assert.equal((await oneClick('/subscribe/unsubscribe')).statusCode, 400);
    // Correctly signed, for a subscription that does not exist.
    assert.equal((await oneClick(link('unsubscribe', { id: 999_999, link_version: 1 }))).statusCode, 404);

    assert.deepEqual(await snapshot(), before);
    assert.equal((await row('target@example.org'))?.status, 'pending');
    assert.deepEqual(await newMails(), []);
  });

  it('refuses header injection and invalid addresses with a clear message: nothing stored, nothing sent', async () => {
    const browser = new Client(app);
    const rowsBefore = await countRows();
    const cases: [string, RegExp][] = [
      ['victim@example.org\r\nBcc: everyone@example.org', /contains a line break/],
      ['victim@example.org\nBcc: everyone@example.org', /contains a line break/],
      ['victim@example.org\r\n', /contains a line break/],
      ['victim@example.org%0d%0aBcc:everyone@example.org', /is not a valid address/],
      ['victim@example.org, other@example.org', /is not a valid address/],
      ['Victim <victim@example.org>', /is not a valid address/],
      ['not-an-address', /has no @/],
      ['someone@localhost', /has no dot in its domain/],
      ['', /is empty/],
      [`${'a'.repeat(250)}@example.org`, /longer than 254 characters/],
      ['"><script>alert(1)</script>@example.org', /is not a valid address/],
    ];
    await browser.get('/subscribe');
    for (const [email, message] of cases.slice(0, 9)) {
      const res = await browser.post('/subscribe', { ...prefs, email });
      assert.equal(res.statusCode, 400, JSON.stringify(email));
      assert.match(res.body, message);
      assert.match(res.body, /aria-invalid="true"/);
    }
    // A second visitor, as the form is limited per client address.
    const other = new Client(app);
    await other.get('/subscribe');
    for (const [email, message] of cases.slice(9)) {
      const res = await other.post('/subscribe', { ...prefs, email });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, message);
      assert.doesNotMatch(res.body, /<script>alert/);
    }
    // Bad preferences are refused too, before anything is stored.
    const badPrefs = await other.post('/subscribe', { ...prefs, email: 'fine@example.org', categories: 'cs.XYZ' });
    assert.equal(badPrefs.statusCode, 400);
    assert.match(badPrefs.body, /is not an arXiv category/);
    assert.equal(await countRows(), rowsBefore);
    assert.deepEqual(await newMails(), []);
  });

  it('refuses a flood to one address (one mail per 10 minutes) and from one client address, sending nothing', async () => {
    const first = new Client(app);
    assert.equal((await subscribeAs(first, { email: 'flood@example.org' })).statusCode, 200);
    assert.equal((await newMails()).length, 1);
    const sub = (await row('flood@example.org'))!;

    const second = new Client(app);
    const again = await subscribeAs(second, { email: 'flood@example.org', frequency: 'daily' });
    assert.equal(again.statusCode, 429);
    assert.match(again.body, /We sent a mail to this address a few minutes ago/);
    assert.deepEqual(await newMails(), []);
    assert.deepEqual(await row('flood@example.org'), sub, 'nothing changed');

    // Ten minutes later, a fresh confirmation, with the newest preferences.
    await backdateMails(sub.id, 11);
    assert.equal((await subscribeAs(second, { email: 'flood@example.org', frequency: 'daily' })).statusCode, 200);
    const [fresh] = await newMails();
    assert.equal(fresh!.subject, 'Confirm your Paperboy subscription');
    assert.equal((await row('flood@example.org'))?.frequency, 'daily');

    // At most 5 a day, however they are spaced.
    for (let i = 0; i < 3; i++) {
      await backdateMails(sub.id, 11);
      assert.equal((await subscribeAs(second, { email: 'flood@example.org' })).statusCode, 200);
    }
    assert.equal((await newMails()).length, 3);
    await backdateMails(sub.id, 11);
    const sixth = await subscribeAs(new Client(app), { email: 'flood@example.org' });
    assert.equal(sixth.statusCode, 429);
    assert.match(sixth.body, /already sent 5 mails to this address today/);
    assert.deepEqual(await newMails(), []);
    await backdateMails(sub.id, 24 * 60);
    assert.equal((await subscribeAs(new Client(app), { email: 'flood@example.org' })).statusCode, 200);
    assert.equal((await newMails()).length, 1);

    // One client address, many recipients: 10 an hour.
    const spammer = new Client(app);
    await spammer.get('/subscribe');
    for (let i = 0; i < 10; i++) assert.equal((await spammer.post('/subscribe', { ...prefs, email: `victim${i}@example.org` })).statusCode, 200);
    const refused = await spammer.post('/subscribe', { ...prefs, email: 'victim10@example.org' });
    assert.equal(refused.statusCode, 429);
    assert.equal(await row('victim10@example.org'), undefined);
    assert.equal((await newMails()).length, 10);
  });

  it('a signed-in member with a verified account subscribes their own address at once, with no mail', async () => {
    const member = await makeMember(t.db, 'Ada Lovelace');
    const browser = new Client(app);
    await browser.signIn(member.email);
    const form = await browser.get('/subscribe');
    assert.match(form.body, new RegExp(`name="email" type="email" value="${member.email.replace(/\./g, '\\.')}"`));

    const res = await browser.post('/subscribe', { ...prefs, email: member.email.toUpperCase() });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /You are subscribed/);
    assert.deepEqual(await newMails(), []);
    const sub = (await row(member.email))!;
    assert.equal(sub.status, 'active');
    assert.equal(sub.user_id, member.id);
    assert.ok(sub.confirmed_at);

    // The form now says so, with a link to the manage page.
    const again = await browser.get('/subscribe');
    assert.match(again.body, /Your address is subscribed\. <a href="\/subscribe\/manage\?token=/);

    // Another address of theirs still needs confirming, and is not tied to the account.
    const otherAddress = await browser.post('/subscribe', { ...prefs, email: 'ada.elsewhere@example.org' });
    assert.match(otherAddress.body, /Check your inbox/);
    assert.equal((await newMails()).length, 1);
    assert.equal((await row('ada.elsewhere@example.org'))?.user_id, null);
    assert.equal((await row('ada.elsewhere@example.org'))?.status, 'pending');
  });

  it('an unverified member, or a visitor giving a member’s address, gets the double opt-in; confirming ties it to the verified account', async () => {
    const unverified = await makeMember(t.db, 'Not Yet', { verified: false });
    const browser = new Client(app);
    await browser.signIn(unverified.email);
    await browser.get('/subscribe');
    assert.match((await browser.post('/subscribe', { ...prefs, email: unverified.email })).body, /Check your inbox/);
    assert.equal((await newMails()).length, 1);
    assert.equal((await row(unverified.email))?.status, 'pending');

    const member = await makeMember(t.db, 'Grace Hopper');
    const visitor = new Client(app);
    await subscribeAs(visitor, { email: member.email });
    const [mail] = await newMails();
    assert.equal((await row(member.email))?.user_id, null);
    const confirmUrl = local(linkIn(mail!, '/subscribe/confirm'));
    await visitor.get(confirmUrl);
    await visitor.post(confirmUrl, {});
    const sub = (await row(member.email))!;
    assert.equal(sub.status, 'active');
    assert.equal(sub.user_id, member.id);
  });

  it('says so when the relay is down, and that failed mail does not count against the address', async () => {
    const port = await unusedPort();
    const down = await testServer(t.db, t.dir, { env: { PAPERBOY_SMTP_URL: `smtp://127.0.0.1:${port}`, PAPERBOY_SECRET: SECRET, PAPERBOY_BASE_URL: BASE } });
    try {
      const browser = new Client(down);
      await browser.get('/subscribe');
      const res = await browser.post('/subscribe', { ...prefs, email: 'unlucky@example.org' });
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /could not be sent/);
      const sub = (await row('unlucky@example.org'))!;
      const log = await t.db.selectFrom('mail_outbox').select(['status', 'last_error']).where('subscription_id', '=', sub.id).execute();
      assert.equal(log.length, 1);
      assert.equal(log[0]!.status, 'failed');
      assert.match(log[0]!.last_error ?? '', /ECONNREFUSED|connect/i);
    } finally {
      await down.close();
    }
    // With the relay back, trying again at once works.
    assert.equal((await subscribeAs(new Client(app), { email: 'unlucky@example.org' })).statusCode, 200);
    assert.equal((await newMails()).length, 1);
  });
});
