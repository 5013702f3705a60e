import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { User } from '../../src/community/users.js';
import { loadConfig } from '../../src/config.js';
import { runGroupDigests } from '../../src/digest/run.js';
import { createLogger } from '../../src/log.js';
import { configuredMailer, type Mailer } from '../../src/mail/mailer.js';
import { upsertPapers } from '../../src/store/papers.js';
import { launchChromium } from '../support/browser.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { FixtureServer, arxivApiHandler } from '../support/fixture-server.js';
import { makePaper } from '../support/papers.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp.js';
import { testServer } from '../support/web.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SECRET = 'journal-club-secret-journal-club-secret-01';
/** The paper the stand-in for arXiv serves (test/fixtures/arxiv), fetched when Grace queues it. */
const FETCHED = { id: '1601.00001', title: /Inelastic effects in molecular transport junctions/ };

/**
 * A journal club run on Paperboy by two members, each in their own browser: Ada creates a private
 * group and invites Grace by link; both queue and vote; Ada schedules a session with Grace
 * presenting; Grace writes the notes (with math) and marks the paper discussed; the weekly digest
 * and the calendar carry it all, and the queue goes to a reference manager as BibTeX.
 */
describe('a journal club in a real browser', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let arxiv: FixtureServer;
  let relay: SmtpRelay;
  let mailer: Mailer;
  let browser: Browser;
  let adaContext: BrowserContext;
  let graceContext: BrowserContext;
  let ada: Page;
  let grace: Page;
  let adaUser: User;
  let graceUser: User;
  let base: string;
  let config: ReturnType<typeof loadConfig>;

  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00007', title: 'Attention is still all you need', day: '2024-01-03' })]);
    arxiv = await FixtureServer.start(arxivApiHandler({ total: 1 }));
    relay = await startSmtpRelay();
    const env = { PAPERBOY_ARXIV_API_URL: arxiv.url('/api/query'), PAPERBOY_ARXIV_INTERVAL_MS: '0', PAPERBOY_SECRET: SECRET };
    app = await testServer(t.db, t.dir, { env });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('127.0.0.1', 'localhost');
    config = loadConfig({ ...t.env, PAPERBOY_BASE_URL: base, PAPERBOY_SMTP_URL: relay.url, PAPERBOY_SMTP_RATE: '1000', ...env });
    mailer = configuredMailer(config);
    adaUser = await makeMember(t.db, 'Ada Lovelace');
    graceUser = await makeMember(t.db, 'Grace Hopper');
    browser = await launchChromium();
    adaContext = await browser.newContext({ baseURL: base });
    graceContext = await browser.newContext({ baseURL: base });
    for (const context of [adaContext, graceContext]) context.setDefaultTimeout(10_000);
    ada = await adaContext.newPage();
    grace = await graceContext.newPage();
    for (const [page, user] of [[ada, adaUser], [grace, graceUser]] as const) {
      await page.goto('/signin');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: user.displayName }).waitFor();
    }
  });
  after(async () => {
    await browser?.close();
    mailer?.close();
    await app?.close();
    await relay?.close();
    await arxiv?.close();
    await t?.cleanup();
  });

  it('Ada creates a private group', async () => {
    await ada.goto('/groups');
    await ada.getByLabel('Name', { exact: true }).fill('Thursday Journal Club');
    await ada.getByLabel('Short name').fill('thursday-jc');
    await ada.getByLabel('Description').fill('We read one paper a week.');
    await ada.getByRole('checkbox', { name: /Public/ }).uncheck();
    await ada.getByRole('button', { name: 'Create the group' }).click();
    await ada.waitForURL(/\/groups\/thursday-jc$/);
    await ada.getByRole('heading', { name: 'Thursday Journal Club' }).waitFor();
    assert.ok(await ada.getByText('Private group: only its members see it').isVisible());
  });

  it('invites Grace by a link, which she follows into the group', async () => {
    await ada.getByRole('link', { name: /Invite people/ }).click();
    await ada.getByRole('button', { name: 'Make an invitation link' }).click();
    const link = await ada.getByLabel('Invitation link').inputValue();
    assert.match(link, /\/groups\/join\?token=/);
    // Before she joins, the group does not exist for her.
    const before = await grace.goto('/groups/thursday-jc');
    assert.equal(before?.status(), 404);
    await grace.goto(new URL(link).pathname + new URL(link).search);
    await grace.getByText('Ada Lovelace invites you to join the group “Thursday Journal Club”').waitFor();
    await grace.getByRole('button', { name: 'Join the group' }).click();
    await grace.waitForURL(/\/groups\/thursday-jc$/);
    await grace.getByText('you are a member').waitFor();
  });

  it('both queue papers with notes; a paper not in the catalog is fetched from arXiv', async () => {
    await grace.getByText('Add a paper').click();
    await grace.getByLabel('arXiv id or link').fill('https://arxiv.org/abs/1601.00001v1');
    await grace.getByLabel('Note for the group').fill('Short, and the figures are good.');
    await grace.getByRole('button', { name: 'Add to the queue' }).click();
    await grace.locator('article.queue-item', { hasText: 'Short, and the figures are good.' }).waitFor();
    await ada.goto('/groups/thursday-jc');
    await ada.getByText('Add a paper').click();
    await ada.getByLabel('arXiv id or link').fill('2401.00007');
    await ada.getByRole('button', { name: 'Add to the queue' }).click();
    await ada.getByRole('link', { name: 'Attention is still all you need' }).waitFor();
  });

  it('votes in place, and the queue is ranked by the group votes', async () => {
    const card = ada.locator('article.queue-item', { has: ada.getByRole('link', { name: FETCHED.title }) });
    const button = card.locator('button.vote');
    await button.click();
    await ada.waitForFunction((el) => el?.getAttribute('aria-pressed') === 'true', await button.elementHandle());
    assert.equal((await button.locator('.count').textContent())?.trim(), '1');
    await ada.reload();
    const titles = await ada.locator('article.queue-item h3 a').allTextContents();
    assert.match(titles[0]!, FETCHED.title);
    assert.equal(titles[1], 'Attention is still all you need');
  });

  it('Ada schedules a session with Grace presenting the fetched paper', async () => {
    await ada.getByText('Schedule a session').click();
    await ada.getByLabel('Title').fill('Week 1: transport junctions');
    await ada.getByLabel('Date and time').fill('2030-01-10T18:00');
    await ada.getByLabel('Time zone').fill('Europe/Paris');
    await ada.getByLabel('Presenter').selectOption({ label: 'Grace Hopper' });
    await ada.getByRole('checkbox', { name: FETCHED.title }).check();
    await ada.getByRole('button', { name: 'Schedule' }).click();
    await ada.getByRole('heading', { name: 'Week 1: transport junctions' }).waitFor();
    assert.ok(await ada.getByText('Thursday 10 January 2030, 18:00 (Europe/Paris)').isVisible());
  });

  it('Grace presents: writes the notes with math, which KaTeX typesets, and marks the paper discussed', async () => {
    await grace.goto('/groups/thursday-jc');
    await grace.getByRole('link', { name: 'Week 1: transport junctions' }).click();
    await grace.getByLabel(/^Notes/).fill('The current is $I = \\frac{2e}{h}\\int T(E)\\,dE$.\n\n*Open question*: phonons.');
    await grace.getByRole('button', { name: 'Save the notes' }).click();
    await grace.locator('.session-notes .katex').first().waitFor();
    assert.equal(await grace.locator('.session-notes em', { hasText: 'Open question' }).count(), 1);
    await grace.goto('/groups/thursday-jc');
    const card = grace.locator('article.queue-item', { has: grace.getByRole('link', { name: FETCHED.title }) });
    await card.getByLabel('State').selectOption('discussed');
    await card.getByRole('button', { name: 'Move' }).click();
    await grace.locator('#discussed-h').waitFor();
    const discussed = grace.locator('section[aria-labelledby="discussed-h"]');
    await discussed.getByRole('link', { name: FETCHED.title }).waitFor();
    assert.equal(await grace.locator('article.queue-item', { has: grace.getByRole('link', { name: FETCHED.title }) }).count(), 0);
  });

  it('sends the weekly digest to the member who asked for it', async () => {
    await ada.goto('/groups/thursday-jc');
    await ada.getByRole('button', { name: 'Get the weekly digest by email' }).click();
    await ada.getByRole('button', { name: 'Stop the weekly digest' }).waitFor();
    const report = await runGroupDigests({ db: t.db, log: createLogger('silent'), mailer, config, secret: SECRET });
    assert.equal(report.delivery.sent, 1);
    const [mail] = await relay.waitFor(1);
    assert.deepEqual(mail!.envelope.to, [adaUser.email]);
    assert.match(mail!.parsed.subject ?? '', /^Thursday Journal Club this week: 2 papers new in the queue, next session ahead$/);
    assert.match(mail!.parsed.text ?? '', /Week 1: transport junctions, Thursday 10 January 2030, 18:00 \(Europe\/Paris\), presented by Grace Hopper/);
  });

  it("serves the sessions to Grace's calendar at her personal address, and to no one without it", async () => {
    await grace.goto('/groups/thursday-jc');
    const href = await grace.getByRole('link', { name: 'Calendar of sessions' }).getAttribute('href');
    assert.match(href!, /^\/groups\/thursday-jc\/sessions\.ics\?token=/);
    // A calendar program sends no cookie.
    const calendar = await fetch(`${base}${href}`);
    assert.equal(calendar.status, 200);
    assert.match(calendar.headers.get('content-type') ?? '', /^text\/calendar/);
    const component = new ICAL.Component(ICAL.parse(await calendar.text()));
    const events = component.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.summary, 'Week 1: transport junctions');
    assert.equal(events[0]!.startDate.toJSDate().toISOString(), '2030-01-10T17:00:00.000Z');
    assert.match(events[0]!.description, /Presented by Grace Hopper/);
    assert.equal((await fetch(`${base}/groups/thursday-jc/sessions.ics`)).status, 404);
  });

  it('exports the queue to a reference manager as BibTeX', async () => {
    await grace.goto('/groups/thursday-jc');
    const href = await grace.getByRole('link', { name: 'Export the queue as BibTeX' }).getAttribute('href');
    assert.equal(href, '/groups/thursday-jc/queue.bib');
    const [download] = await Promise.all([grace.waitForEvent('download'), grace.getByRole('link', { name: 'Export the queue as BibTeX' }).click()]);
    assert.equal(download.suggestedFilename(), 'thursday-jc-queue.bib');
    const bib = fs.readFileSync((await download.path())!, 'utf8');
    assert.equal((bib.match(/^@/gm) ?? []).length, 2, bib);
    assert.match(bib, /eprint\s*=\s*\{?1601\.00001/);
    assert.match(bib, /title\s*=\s*\{+Attention is still all you need/);
  });

  it('has no serious or critical accessibility violations on the group pages', async () => {
    const context = await browser.newContext({ baseURL: base, bypassCSP: true });
    await context.addCookies(await adaContext.cookies());
    const page = await context.newPage();
    const problems: string[] = [];
    for (const url of ['/groups', '/groups/thursday-jc', '/groups/thursday-jc/settings', '/groups/thursday-jc/sessions/1']) {
      await page.goto(url);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
        return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
      });
      for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${url}: ${v.id} (${v.impact}, ${v.count})`);
    }
    await context.close();
    assert.deepEqual(problems, []);
  });
});
