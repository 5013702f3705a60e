/**
 * RSS 2.0 and Atom 1.0 for a list of papers, written by the `feed` library (which escapes the
 * XML). Paper text is escaped here once more as HTML, because readers show titles and summaries
 * as HTML: an abstract's `a < b` stays text and a `<script>` in a title stays visible words.
 */
import { Feed } from 'feed';
import type { Paper } from '../../papers/paper.js';
import { isKnownCategory } from '../../papers/taxonomy.js';
import { arxivAbsUrl, paperPath } from '../../papers/urls.js';
import { html } from '../../html.js';
import type { SummaryView } from '../../store/enrichment.js';

export type FeedFormat = 'rss' | 'atom';

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

/** The most items a feed holds; readers keep what they have seen, so the newest are enough. */
export const FEED_ITEMS = 100;
/** Authors named on one item; the summary names the rest. */
const MAX_ITEM_AUTHORS = 20;

export interface FeedEntry {
  paper: Paper;
  /** When the paper came into this list (ISO 8601): it orders the reader's view and never changes for an item. */
  date: string;
  /** Its one-line summary, shown above the abstract. */
  summary?: SummaryView | undefined;
}

export interface FeedMeta {
  title: string;
  description: string;
  /** The page the feed follows, such as `/categories/cs.CL`. */
  pagePath: string;
  /** The feed's own address without its extension, such as `/feeds/categories/cs.CL`; the query, if any, goes in `query`. */
  feedPath: string;
  query?: string;
}

/**
 * A feed document. Item ids are the papers' arXiv addresses (without version), so an item keeps
 * its id across fetches, across new versions, and across this site's feeds. The feed's date is
 * its newest item's, so an unchanged list gives the same bytes (and ETag) every time.
 */
export function writeFeed(meta: FeedMeta, entries: FeedEntry[], format: FeedFormat, baseUrl: string): string {
  const url = (path: string, ext?: FeedFormat) => `${baseUrl}${path}${ext ? `.${ext}` : ''}${ext && meta.query ? `?${meta.query}` : ''}`;
  const newest = entries.reduce((max, e) => (e.date > max ? e.date : max), '1970-01-01T00:00:00.000Z');
  const feed = new Feed({
    title: xmlText(`${meta.title} · Paperboy`),
    description: xmlText(meta.description),
    id: url(meta.feedPath, format),
    link: url(meta.pagePath),
    language: 'en',
    updated: new Date(newest),
    generator: 'Paperboy',
    feedLinks: { rss: url(meta.feedPath, 'rss'), atom: url(meta.feedPath, 'atom') },
    // Atom wants an author for each entry or for the feed; papers always name theirs, but a few have none.
    author: { name: 'Paperboy' },
    copyright: 'Paper metadata from arXiv.',
  });
  for (const { paper, date, summary: oneLine } of entries) {
    const authors = paper.authors.map(xmlText).filter((name) => name !== '');
    feed.addItem({
      title: escapedText(paper.title),
      id: arxivAbsUrl(paper),
      link: `${baseUrl}${paperPath(paper.id)}`,
      date: new Date(date),
      description: summary(paper, authors, oneLine),
      author: authors.slice(0, MAX_ITEM_AUTHORS).map((name) => ({ name })),
      category: paper.categories.filter(isKnownCategory).map((c) => ({ name: c, term: c })),
    });
  }
  return format === 'rss' ? feed.rss2() : feed.atom1();
}

function summary(paper: Paper, authors: string[], oneLine: SummaryView | undefined): string {
  const names = authors.length > MAX_ITEM_AUTHORS ? `${authors.slice(0, MAX_ITEM_AUTHORS).join(', ')} and ${authors.length - MAX_ITEM_AUTHORS} more` : authors.join(', ');
  const line = oneLine ? html`<p><strong>In one line${oneLine.source === 'extractive' ? ' (a sentence of the abstract)' : ''}:</strong> ${xmlText(oneLine.text)}</p>` : '';
  return html`<p>${names}</p>${line}<p>${xmlText(paper.abstract)}</p><p>arXiv:${paper.id} · ${paper.categories.join(', ')}</p>`.value;
}

function escapedText(text: string): string {
  return html`${xmlText(text)}`.value;
}

/** XML 1.0 cannot hold most control characters (a form feed from a LaTeX source would break the whole feed). */
function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}
