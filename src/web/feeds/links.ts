/** Where each list's feed lives, and the `<link rel="alternate">` tags that let readers find it from the page. */
import { html, type Html } from '../../html.js';

export const feedPaths = {
  daily: '/feeds/daily',
  trending: '/feeds/trending',
  search: '/feeds/search',
  category: (category: string) => `/feeds/categories/${encodeURIComponent(category)}`,
  author: (name: string) => `/feeds/authors/${encodeURIComponent(name)}`,
  collection: (username: string, slug: string) => `/feeds/collections/${encodeURIComponent(username)}/${encodeURIComponent(slug)}`,
  group: (slug: string) => `/feeds/groups/${encodeURIComponent(slug)}`,
};

export interface FeedLink {
  title: string;
  /** A path from `feedPaths`, without extension. */
  path: string;
  /** The query string, such as `q=...`, for search feeds. */
  query?: string;
}

/** RSS and Atom links for the page's `<head>`. */
export function alternateLinks(...feeds: FeedLink[]): Html {
  return html`${feeds.map((f) => {
    const query = f.query ? `?${f.query}` : '';
    return html`<link rel="alternate" type="application/rss+xml" title="${f.title} (RSS)" href="${f.path}.rss${query}">
<link rel="alternate" type="application/atom+xml" title="${f.title} (Atom)" href="${f.path}.atom${query}">
`;
  })}`;
}
