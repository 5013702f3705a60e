/**
 * Feed validity, checked two ways: the structure RSS 2.0 and Atom 1.0 (RFC 4287) require, read
 * with fast-xml-parser after its well-formedness check, and a round trip through rss-parser, the
 * feed-parsing library many readers and scripts use.
 */
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';

export interface ParsedItem {
  id: string;
  title: string;
  link: string;
}

const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Node = Record<string, unknown>;

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string => (typeof v === 'object' && v !== null ? String((v as Node)['#text'] ?? '') : String(v ?? ''));

/** Asserts the feed is valid for its format and parses; returns its items as rss-parser reads them. */
export async function checkFeed(xml: string, format: 'rss' | 'atom'): Promise<ParsedItem[]> {
  const wellFormed = XMLValidator.validate(xml);
  assert.equal(wellFormed, true, `not well-formed XML: ${JSON.stringify(wellFormed)}`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as Node;

  if (format === 'rss') {
    const rss = doc.rss as Node;
    assert.equal(rss['@version'], '2.0');
    const channel = rss.channel as Node;
    for (const field of ['title', 'link', 'description']) assert.ok(text(channel[field]).trim() !== '', `channel needs a ${field}`);
    const self = list(channel['atom:link'] as Node | Node[]).find((l) => l['@rel'] === 'self');
    assert.ok(self && String(self['@href']).startsWith('https://'), 'channel links to itself');
    for (const item of list(channel.item as Node | Node[])) {
      assert.ok(text(item.title) !== '', 'item has a title');
      assert.match(text(item.link), /^https:\/\//);
      assert.match(text(item.guid), /^https:\/\/arxiv\.org\/abs\//);
      assert.match(text(item.pubDate), RFC822);
    }
  } else {
    const feed = doc.feed as Node;
    assert.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom');
    assert.match(text(feed.id), /^https:\/\//);
    assert.ok(text(feed.title) !== '');
    assert.match(text(feed.updated), RFC3339);
    const links = list(feed.link as Node | Node[]);
    assert.ok(links.some((l) => l['@rel'] === 'self'), 'feed links to itself');
    assert.ok(links.some((l) => l['@rel'] === 'alternate'), 'feed links to its page');
    // An entry needs an author of its own unless the feed has one (RFC 4287, 4.1.1).
    assert.ok(list(feed.author as Node | Node[]).length > 0);
    for (const entry of list(feed.entry as Node | Node[])) {
      assert.match(text(entry.id), /^https:\/\/arxiv\.org\/abs\//);
      assert.ok(text(entry.title) !== '');
      assert.match(text(entry.updated), RFC3339);
      assert.ok(list(entry.link as Node | Node[]).some((l) => String(l['@href']).startsWith('https://')));
    }
  }

  const parsed = await new Parser().parseString(xml);
  const items = parsed.items.map((i) => ({ id: String(i.guid ?? i.id ?? ''), title: String(i.title ?? ''), link: String(i.link ?? '') }));
  assert.equal(new Set(items.map((i) => i.id)).size, items.length, 'item ids are unique');
  return items;
}

/** What a reader shows for text the feed marks as HTML. */
export function decodeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
