/**
 * arXiv's daily announcement as rss.arxiv.org serves it: `https://rss.arxiv.org/rss/cs.CL+cs.LG`,
 * an RSS 2.0 channel dated by the announcement it holds (`<pubDate>Mon, 28 Apr 2025 00:00:00
 * -0400</pubDate>`, built at midnight in New York) with one item per paper announced in the
 * categories asked for, each with `<arxiv:announce_type>`: `new` (first announced, primary in the
 * categories), `cross` (new, cross-listed into them), `replace` and `replace-cross` (a new version
 * of a paper announced before). On a day without announcement (weekends, arXiv's holidays) the
 * channel comes with no items. An item carries title, abstract, authors, categories, licence and,
 * when known, DOI and journal reference; no dates and no comments (fetch those by id from the
 * export API).
 */
import { parseArxivId } from '../papers/arxiv-id.js';
import { RecordError, type PaperInput } from '../papers/paper.js';
import { wallClock } from '../papers/dates.js';
import { ARXIV_TIME_ZONE } from '../papers/announcements.js';
import { FeedError, asNode, child, list, loadFeedXml, text, type XmlNode } from './feed-error.js';
import type { HttpGetter, HttpLogger } from './http.js';

export const ARXIV_RSS_URL = 'https://rss.arxiv.org/rss/';

export const ANNOUNCE_TYPES = ['new', 'cross', 'replace', 'replace-cross'] as const;
export type AnnounceType = (typeof ANNOUNCE_TYPES)[number];

export interface AnnouncedItem {
  type: AnnounceType;
  /** Without version: `2504.17830`. */
  id: string;
  /** The version announced, when the item says (`oai:arXiv.org:2504.17830v2`). */
  version: number | null;
  /** The paper as the item gives it; no dates, no comment. */
  input: PaperInput;
}

export interface AnnouncementFeed {
  /** The listing day the channel is dated (YYYY-MM-DD, as written in New York), or null when it says none. */
  day: string | null;
  items: AnnouncedItem[];
  /** Items that could not be read, each naming its place (`where#item N`). */
  errors: RecordError[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Parses one feed. Throws FeedError when the text is not an RSS channel (empty, truncated, an HTML page). */
export function parseAnnouncementFeed(xml: string, where: string): AnnouncementFeed {
  const rss = loadFeedXml(xml, where, 'rss', 'an RSS feed');
  const channel = asNode(child(rss, 'channel'));
  if (!channel) throw new FeedError(where, 'RSS feed without a <channel>');
  const feed: AnnouncementFeed = { day: channelDay(channel), items: [], errors: [] };
  list(channel['item']).forEach((raw, i) => {
    const itemWhere = `${where}#item ${i + 1}`;
    try {
      feed.items.push(readItem(asNode(raw) ?? {}, itemWhere));
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      feed.errors.push(error);
    }
  });
  return feed;
}

/** The channel's `pubDate` as written (`Mon, 28 Apr 2025 00:00:00 -0400` → 2025-04-28), else `lastBuildDate` in New York. */
function channelDay(channel: XmlNode): string | null {
  const written = /(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{4})/i.exec(text(child(channel, 'pubDate')) ?? '');
  const month = written ? MONTHS.indexOf(written[2]!.toLowerCase()) + 1 : 0;
  if (written && month > 0) return `${written[3]}-${String(month).padStart(2, '0')}-${written[1]!.padStart(2, '0')}`;
  const built = Date.parse(text(child(channel, 'lastBuildDate')) ?? '');
  return Number.isNaN(built) ? null : wallClock(new Date(built), ARXIV_TIME_ZONE).day;
}

function readItem(item: XmlNode, where: string): AnnouncedItem {
  const description = text(child(item, 'description')) ?? '';
  const typeText = text(child(item, 'announce_type')) ?? /Announce Type:\s*([a-z-]+)/i.exec(description)?.[1] ?? null;
  if (typeText === null) throw new RecordError(where, 'announce_type', 'missing');
  const type = ANNOUNCE_TYPES.find((t) => t === typeText.toLowerCase());
  if (type === undefined) throw new RecordError(where, 'announce_type', `unknown ${JSON.stringify(typeText)}, expected one of ${ANNOUNCE_TYPES.join(', ')}`);
  const rawId = text(child(item, 'guid')) ?? text(child(item, 'link'));
  const parsed = rawId === null ? null : parseArxivId(rawId);
  if (parsed === null) throw new RecordError(where, 'guid', rawId === null ? 'missing' : `not an arXiv id: ${JSON.stringify(rawId)}`);
  const categories = list(item['category']).map((c) => text(c)).filter((c): c is string => c !== null);
  const input: PaperInput = {
    where,
    id: parsed.id,
    version: parsed.version,
    title: text(child(item, 'title')),
    // `arXiv:2504.17830v1 Announce Type: new \nAbstract: We introduce ...`
    abstract: /Abstract:\s*([\s\S]*)$/.exec(description)?.[1] ?? null,
    authors: text(child(item, 'creator')),
    categories,
    // arXiv lists a paper's categories primary first, also in a cross-list.
    primaryCategory: categories[0] ?? null,
    license: text(child(item, 'rights')),
    doi: text(child(item, 'DOI')),
    journalRef: text(child(item, 'journal_reference')),
  };
  return { type, id: parsed.id, version: parsed.version, input };
}

export interface FetchAnnouncementOptions {
  client: HttpGetter;
  /** Default `https://rss.arxiv.org/rss/`; the categories are appended, joined by `+`. */
  baseUrl?: string;
  /** Times a body that does not parse (truncated, an HTML page) is fetched again before giving up. Default 1. */
  pageRetries?: number;
  logger?: HttpLogger;
  signal?: AbortSignal;
}

/** `https://rss.arxiv.org/rss/cs.CL+cs.LG+stat.ML` */
export function announcementUrl(categories: readonly string[], baseUrl = ARXIV_RSS_URL): string {
  return `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}${categories.join('+')}`;
}

/**
 * Reads the announcement arXiv serves now for the categories (archives such as `cs` too), all in
 * one request. Throws the client's `HttpError` when arXiv stays unavailable, and a `FeedError`
 * when the body is still not a feed after `pageRetries` more tries.
 */
export async function fetchAnnouncement(categories: readonly string[], opts: FetchAnnouncementOptions): Promise<AnnouncementFeed> {
  const url = announcementUrl(categories, opts.baseUrl);
  const where = `GET ${url}`;
  const retries = Math.max(0, Math.floor(opts.pageRetries ?? 1));
  const logger = opts.logger ?? opts.client.logger;
  for (let attempt = 0; ; attempt++) {
    const response = await opts.client.get(url, { accept: 'application/rss+xml, application/xml;q=0.9', ...(opts.signal ? { signal: opts.signal } : {}) });
    try {
      return parseAnnouncementFeed(response.body, where);
    } catch (error) {
      if (!(error instanceof FeedError) || attempt >= retries) throw error;
      logger?.warn({ url, reason: error.reason, retry: attempt + 1 }, `${where}: ${error.reason}; fetching the feed again (${attempt + 1} of ${retries})`);
    }
  }
}
