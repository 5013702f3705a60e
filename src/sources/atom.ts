/** arXiv export API responses (Atom 1.0 with opensearch and arxiv extensions) → PaperInput. */
import type { PaperInput, SourceItem } from '../papers/paper.js';
import { RecordError } from '../papers/paper.js';
import { FeedError, asNode, attr, child, int, list, loadFeedXml, text, type XmlNode } from './feed-error.js';

export { FeedError } from './feed-error.js';

export interface AtomPage {
  items: SourceItem[];
  /** opensearch:totalResults: how many entries match the query in all, when the feed says. */
  totalResults: number | null;
  /** opensearch:startIndex (0-based offset of this page). */
  startIndex: number | null;
  /** opensearch:itemsPerPage */
  itemsPerPage: number | null;
}

const ERROR_ID = /^https?:\/\/(export\.)?arxiv\.org\/api\/errors/i;

/**
 * Parses one page of the arXiv API. Entries become records (`where#record N`, N counted from 1);
 * the id is kept as found (`http://arxiv.org/abs/1601.00001v1`, version included).
 * Throws FeedError when the text is not an Atom feed (empty, truncated, HTML) or is arXiv's
 * error feed (one entry with an `.../api/errors#...` id), with the error's summary.
 */
export function parseAtomFeed(xml: string, where: string): AtomPage {
  const feed = loadFeedXml(xml, where, 'feed', 'an Atom feed');
  const entries = list(feed['entry']);

  for (const e of entries) {
    const id = text(child(e, 'id'));
    if (id !== null && ERROR_ID.test(id)) {
      const summary = text(child(e, 'summary')) ?? text(child(e, 'title')) ?? id;
      throw new FeedError(where, `arXiv API error: ${summary}`);
    }
  }

  const items: SourceItem[] = entries.map((e, i): SourceItem => {
    const w = `${where}#record ${i + 1}`;
    const node = asNode(e);
    if (!node) return { kind: 'error', error: new RecordError(w, 'entry', 'empty <entry>') };
    return { kind: 'record', input: entryToInput(node, w) };
  });
  return {
    items,
    totalResults: int(text(child(feed, 'totalResults'))),
    startIndex: int(text(child(feed, 'startIndex'))),
    itemsPerPage: int(text(child(feed, 'itemsPerPage'))),
  };
}

function entryToInput(e: XmlNode, where: string): PaperInput {
  const authors: string[] = [];
  for (const a of list(e['author'])) {
    const name = text(child(a, 'name'));
    if (name !== null) authors.push(name);
  }
  const categories: string[] = [];
  for (const c of list(e['category'])) {
    const term = attr(c, 'term');
    if (term !== null && term.trim() !== '') categories.push(term.trim());
  }
  let license = text(child(e, 'license')) ?? text(child(e, 'rights'));
  if (license === null) {
    for (const l of list(e['link'])) {
      if (attr(l, 'rel') === 'license') license = attr(l, 'href');
    }
  }
  return {
    where,
    id: text(child(e, 'id')),
    title: text(child(e, 'title')),
    abstract: text(child(e, 'summary')),
    authors,
    categories,
    primaryCategory: attr(child(e, 'primary_category'), 'term'),
    published: text(child(e, 'published')),
    updated: text(child(e, 'updated')),
    comment: text(child(e, 'comment')),
    journalRef: text(child(e, 'journal_ref')),
    doi: text(child(e, 'doi')),
    license,
  };
}
