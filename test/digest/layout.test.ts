import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { dayPeriod } from '../../src/catalog/periods.js';
import { DigestRenderer } from '../../src/digest/render.js';
import { upsertPapers } from '../../src/store/papers.js';
import { launchChromium } from '../support/browser.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

const LONG_WORD = `https://example.org/${'a'.repeat(180)}`;

describe('the HTML digest in Chromium', () => {
  let t: TempDb;
  let browser: Browser;
  let markup: string;

  before(async () => {
    t = await tempDb();
    browser = await launchChromium();
    const papers = Array.from({ length: 6 }, (_, i) =>
      makePaper({
        id: `2611.0000${i + 1}`,
        day: '2026-11-24',
        title: i === 0 ? `A title with an unbreakable ${LONG_WORD}` : `On the robustness of graph neural networks, part ${i + 1}`,
        abstract: `We show that ${LONG_WORD} and more. `.repeat(3),
        authors: Array.from({ length: 12 }, (_, k) => `Author Number${k}`),
      }),
    );
    await upsertPapers(t.db, papers);
    const renderer = new DigestRenderer(t.db, { baseUrl: 'https://papers.example.org', secret: 'layout-test-secret-layout-test-secret' });
    const message = await renderer.render(
      {
        frequency: 'daily',
        period: dayPeriod('2026-11-24')!,
        items: papers.map((p, i) => ({ paperId: p.id, section: i < 2 ? 'alerts' : i < 4 ? 'for-you' : 'trending', reason: i < 2 ? 'New in Computation and Language (cs.CL)' : 'Trending on Paperboy' })),
      },
      { id: 1, email: 'reader@example.org', frequency: 'daily', linkVersion: 1 },
    );
    markup = message.html!;
  });
  after(async () => {
    await browser?.close();
    await t.cleanup();
  });

  for (const [label, width] of [['phone', 375], ['desktop', 1280]] as const) {
    it(`reads well at ${label} width (${width}px): no sideways scrolling, readable text, every paper and both footer links`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      // Mail clients show no remote content by default; the digest must not need any.
      await page.route('**/*', (route) => route.abort());
      await page.setContent(markup);
      const layout = await page.evaluate(() => {
        const container = document.querySelector('.container')!.getBoundingClientRect();
        const titles = [...document.querySelectorAll('h3')].map((h) => ({ size: parseFloat(getComputedStyle(h).fontSize), right: h.getBoundingClientRect().right }));
        const body = [...document.querySelectorAll('h3 + p + p')].map((p) => parseFloat(getComputedStyle(p).fontSize));
        return {
          scrollWidth: document.documentElement.scrollWidth,
          container: { left: container.left, width: container.width },
          titles,
          body,
          links: [...document.querySelectorAll('a')].map((a) => a.textContent),
          sections: [...document.querySelectorAll('h2')].map((h) => h.textContent),
        };
      });
      await page.close();
      assert.ok(layout.scrollWidth <= width, `page is ${layout.scrollWidth}px wide at ${width}px`);
      assert.equal(layout.titles.length, 6);
      assert.ok(layout.titles.every((t) => t.size >= 16 && t.right <= width), JSON.stringify(layout.titles));
      assert.ok(layout.body.every((size) => size >= 14));
      assert.deepEqual(layout.sections, ['Your alerts', 'For you', 'Trending']);
      assert.ok(layout.links.includes('Unsubscribe') && layout.links.includes('Manage your subscription'));
      if (label === 'phone') assert.equal(Math.round(layout.container.width), width, 'full width on a phone');
      else {
        assert.equal(Math.round(layout.container.width), 600);
        assert.ok(Math.abs(layout.container.left - (width - 600) / 2) <= 1, 'centred');
      }
    });
  }
});
