import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Ingest } from '../../src/catalog/ingest.js';
import { promote } from '../../src/community/moderation.js';
import { readSourceFile } from '../../src/sources/files.js';
import { launchChromium } from '../support/browser.js';
import { tempDb, type TempDb } from '../support/db.js';
import { FixtureServer, arxivApiHandler } from '../support/fixture-server.js';
import { repoRoot } from '../support/paths.js';
import { testServer } from '../support/web.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The newest mail written to the outbox, parsed back, and the first link in it to `pathname`. */
async function linkFromOutbox(dir: string, pathname: string): Promise<string> {
  const outbox = path.join(dir, 'outbox');
  const newest = fs.readdirSync(outbox).sort().at(-1)!;
  const mail = await simpleParser(fs.readFileSync(path.join(outbox, newest)));
  const link = new RegExp(`https?://[^\\s"<>]*${pathname}\\?token=[\\w-]+`).exec(mail.text ?? '')?.[0];
  assert.ok(link, `a ${pathname} link in ${newest}`);
  return link;
}

/** Each paper card on the page: how wide its title is against the page's column, and over how many lines it wraps. */
async function cardLayout(page: Page) {
  return page.evaluate(() => {
    const column = document.querySelector('main > section')!.getBoundingClientRect().width;
    return [...document.querySelectorAll('main article.paper-card')].map((card) => {
      const title = card.querySelector('h2')!;
      return {
        title: title.textContent!.trim().slice(0, 40),
        columnWidth: Math.round(column),
        titleWidth: Math.round(title.getBoundingClientRect().width),
        // An inline link has one box per line it wraps over.
        titleLines: title.querySelector('a')!.getClientRects().length,
        hasVote: card.querySelector('.vote') !== null,
      };
    });
  });
}

describe('the site in a real browser', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let arxiv: FixtureServer;
  let browser: Browser;
  let context: BrowserContext;
  let pageOf: Page;
  let base: string;
  let firstPaper: { id: string; title: string };

  before(async () => {
    t = await tempDb();
    await new Ingest(t.db).run(readSourceFile(path.join(repoRoot, 'demo/arxiv-demo.jsonl.gz')));
    arxiv = await FixtureServer.start(arxivApiHandler({ total: 1 }));
    app = await testServer(t.db, t.dir, {
      env: { PAPERBOY_ARXIV_API_URL: arxiv.url('/api/query'), PAPERBOY_ARXIV_INTERVAL_MS: '0' },
      // The recorded arXiv answer is a paper of January 2016: submissions are taken within 14 days of a paper's listing.
      now: () => new Date('2016-01-08T12:00:00Z'),
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: base });
    pageOf = await context.newPage();
    firstPaper = await t.db.selectFrom('papers').select(['id', 'title']).where('day', '=', '2026-07-01').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await arxiv?.close();
    await t?.cleanup();
  });

  it('signs up, and verifies the address by the emailed link', async () => {
    const page = pageOf;
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill('ada@example.org');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    const link = await linkFromOutbox(t.dir, '/verify-email');
    await page.goto(new URL(link).pathname + new URL(link).search);
    // Opening the link alone (as a mail scanner would) confirms nothing; the button does.
    await page.getByRole('heading', { name: 'Confirm your address' }).waitFor();
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('heading', { name: 'Address confirmed' }).waitFor();
    assert.ok(await page.getByRole('link', { name: 'Ada Lovelace' }).isVisible());
  });

  it('upvotes a paper in place and the count stays after a reload', async () => {
    const page = pageOf;
    await page.goto('/');
    const card = page.locator('article.paper-card', { has: page.getByRole('link', { name: firstPaper.title }) });
    const button = card.locator('button.vote');
    assert.equal((await button.locator('.count').textContent())?.trim(), '0');
    await button.click();
    await page.waitForFunction((el) => el?.getAttribute('aria-pressed') === 'true', await button.elementHandle());
    assert.equal((await button.locator('.count').textContent())?.trim(), '1');
    await page.reload();
    assert.equal((await page.locator('article.paper-card', { has: page.getByRole('link', { name: firstPaper.title }) }).locator('button.vote .count').textContent())?.trim(), '1');
  });

  it('comments on a paper and replies to the comment', async () => {
    const page = pageOf;
    await page.goto(`/papers/${firstPaper.id}`);
    await page.getByLabel('Add a comment').fill('Does the method need *labelled* data? The loss is $\\mathcal{L}_{ssa}$.');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment-body em', { hasText: 'labelled' }).waitFor();
    await page.locator('details summary', { hasText: 'Reply' }).first().click();
    await page.getByLabel('Your reply').fill('Answering my own question: no.');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.thread .thread .comment-body', { hasText: 'Answering my own question' }).waitFor();
  });

  it('builds a collection from a paper page', async () => {
    const page = pageOf;
    await page.goto(`/papers/${firstPaper.id}`);
    await page.getByLabel('New collection').fill('Reading group, week 1');
    await page.getByRole('button', { name: 'Create and add' }).click();
    await page.getByRole('button', { name: 'Remove from “Reading group, week 1”' }).waitFor();
    await page.goto('/u/ada-lovelace');
    await page.getByRole('link', { name: 'Reading group, week 1' }).click();
    await page.getByRole('link', { name: firstPaper.title }).waitFor();
  });

  it('submits a paper by its arXiv id, fetched from (a stand-in for) arXiv', async () => {
    const page = pageOf;
    await page.goto('/submit');
    await page.getByLabel('arXiv id or URL').fill('https://arxiv.org/abs/1601.00001v1');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: /Inelastic effects in molecular transport junctions/ }).waitFor();
    assert.ok(await page.getByText('Submitted by').isVisible());
    await page.goto('/submit');
    await page.getByLabel('arXiv id or URL').fill('1601.00001');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('link', { name: "See the paper's page" }).waitFor();
  });

  it('searches from the search box', async () => {
    const page = pageOf;
    await page.goto('/');
    await page.getByLabel('Search papers').fill(firstPaper.title);
    await page.getByLabel('Search papers').press('Enter');
    await page.waitForURL(/\/search\?/);
    await page.locator('main').getByRole('link', { name: firstPaper.title }).first().waitFor();
  });

  it('draws search results and category pages as the day page does: one card per paper, its title across the card', async () => {
    const page = await context.newPage(); // signed in, so the results carry vote buttons
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      for (const url of ['/search?q=segmentation', '/categories/cs.CV']) {
        await page.goto(url);
        const cards = await cardLayout(page);
        assert.ok(cards.length >= 5, `${url} lists papers`);
        const cramped = cards.filter((c) => c.titleWidth < 0.6 * c.columnWidth || (width >= 1280 && c.titleLines > 3));
        if (cramped.length > 0) {
          // Kept for whoever reads the failure: what the page looked like.
          const shot = path.join(os.tmpdir(), `paperboy-layout-${width}-${url.replace(/\W+/g, '-')}.png`);
          await page.screenshot({ path: shot, fullPage: true });
          assert.fail(`${url} at ${width} px: ${cramped.length} of ${cards.length} titles squeezed, e.g. ${JSON.stringify(cramped[0])}; see ${shot}`);
        }
        if (url.startsWith('/search')) assert.ok(cards.every((c) => c.hasVote), `every search result at ${width} px has a vote button`);
      }
    }
    // The vote button on a result is the day page's: it votes in place.
    await page.goto('/search?q=segmentation');
    const button = page.locator('main article.paper-card').first().locator('button.vote');
    const before = Number(await button.locator('.count').textContent());
    await button.click();
    await page.waitForFunction((el) => el?.getAttribute('aria-pressed') === 'true', await button.elementHandle());
    assert.equal(Number(await button.locator('.count').textContent()), before + 1);
    await page.close();
  });

  it('lets an admin hide a comment, and logs it publicly', async () => {
    await promote(t.db, 'ada@example.org');
    const page = pageOf;
    await page.goto(`/papers/${firstPaper.id}`);
    await page.getByRole('button', { name: 'Hide', exact: true }).first().click();
    await page.getByText('This comment was hidden by a moderator').waitFor();
    await page.goto('/moderation-log');
    await page.getByRole('cell', { name: 'hide comment' }).waitFor();
  });

  it('has no serious or critical accessibility violations on the main pages', async () => {
    // axe is injected as a script, which the site's Content-Security-Policy rightly refuses.
    const visitor = await (await browser.newContext({ baseURL: base, bypassCSP: true })).newPage();
    const memberContext = await browser.newContext({ baseURL: base, bypassCSP: true });
    await memberContext.addCookies(await context.cookies());
    const member = await memberContext.newPage();
    const problems: string[] = [];
    for (const [who, page] of [['visitor', visitor], ['member', member]] as const) {
      for (const url of ['/', '/week/2026-W27', `/papers/${firstPaper.id}`, '/search?q=segmentation', '/signin', '/signup', '/submit', '/u/ada-lovelace', '/categories/cs.CV']) {
        await page.goto(url);
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
          return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
        });
        for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${who} ${url}: ${v.id} (${v.impact}, ${v.count})`);
      }
    }
    await visitor.context().close();
    await memberContext.close();
    assert.deepEqual(problems, []);
  });
});
