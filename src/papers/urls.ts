import type { Paper } from './paper.js';

/**
 * Where a paper lives: on arXiv, and on this site. The web pages, the JSON API's Markdown, the
 * feeds and the digest mails all link with these, so every link to a paper agrees.
 *
 * Versions: the abstract page is linked without a version, so it shows the newest version and
 * lists every one (we may hold an older version until the next harvest). The PDF is the version
 * we hold, so it is the text whose title and abstract we show. The unversioned abstract address
 * is also the feeds' item id: it stays the same across new versions.
 */

export function arxivAbsUrl(paper: Pick<Paper, 'id'>): string {
  return `https://arxiv.org/abs/${paper.id}`;
}

export function arxivPdfUrl(paper: Pick<Paper, 'id' | 'version'>): string {
  return `https://arxiv.org/pdf/${paper.id}v${paper.version}`;
}

/** Paths on this site; prefix the base URL for a link that leaves it (mails, feeds, Markdown). */
export function paperPath(id: string): string {
  return `/papers/${id}`;
}

export function authorPath(name: string): string {
  return `/authors/${encodeURIComponent(name)}`;
}

export function categoryPath(category: string): string {
  return `/categories/${category}`;
}
