import type { ListedPaper } from '../../ranking/period-papers.js';
import type { SearchMode } from '../../search/service.js';
import { alternateLinks, feedPaths } from '../feeds/links.js';
import type { Viewer } from '../forms.js';
import { html } from '../../html.js';
import { page } from '../layout.js';
import { listedPaperCard } from './period.js';
import { exportLinks } from './references.js';

export interface SearchView {
  query: string;
  mode: SearchMode;
  /** The hits in rank order, with their counters, drawn as on the day pages. */
  items: ListedPaper[];
  /** Papers the viewer has upvoted, among those shown. */
  voted: Set<string>;
  notes: string[];
}

const MODE_LABELS: Record<SearchMode, string> = { hybrid: 'Best (hybrid)', keyword: 'Keywords', semantic: 'Meaning (semantic)' };

export function searchForm(query: string, mode: SearchMode) {
  return html`<form class="search-form" action="/search" method="get" role="search">
<label for="q" class="visually-hidden">Search papers</label>
<input type="search" id="q" name="q" value="${query}" maxlength="1000" placeholder='transformers cat:cs.CL author:"Yann LeCun" after:2025-01-01'>
<label for="mode" class="visually-hidden">Search mode</label>
<select id="mode" name="mode">${(Object.keys(MODE_LABELS) as SearchMode[]).map(
    (m) => html`<option value="${m}"${m === mode ? html` selected` : ''}>${MODE_LABELS[m]}</option>`,
  )}</select>
<button type="submit">Search</button>
</form>`;
}

export function searchPage(view: SearchView, viewer: Viewer | undefined) {
  const heading = view.query.trim() === '' ? 'Search papers' : `Results for “${view.query}”`;
  const body = html`<section class="search">
<h1>${heading}</h1>
${searchForm(view.query, view.mode)}
${view.notes.length > 0 ? html`<ul class="notes">${view.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${view.query.trim() === ''
    ? html`<p class="muted">Words match anywhere in title, authors and abstract; <code>"a phrase"</code> must appear; <code>learn*</code> matches any ending; <code>-word</code> excludes. Filters: <code>cat:cs.CL</code> (or <code>cat:cs</code>), <code>author:"Yann LeCun"</code>, <code>after:2025-01-01</code>, <code>before:2025-06-30</code>.</p>`
    : view.items.length === 0
      ? html`<p>No papers found.</p>`
      : html`<p class="muted">${view.items.length} ${view.items.length === 1 ? 'paper' : 'papers'}</p>${exportLinks('Export these results', '/search', new URLSearchParams({ q: view.query, mode: view.mode }).toString())}${view.items.map((item) => listedPaperCard(item, viewer, view.voted.has(item.paper.id)))}`}
</section>`;
  // Any search can be followed in a feed reader (the feed takes queries of up to 250 characters).
  const query = view.query.trim();
  const feed = query !== '' && query.length <= 250 ? alternateLinks({ title: `Search: ${query.slice(0, 80)}`, path: feedPaths.search, query: new URLSearchParams({ q: query }).toString() }) : '';
  return page({ title: query === '' ? 'Search' : `Search: ${view.query.slice(0, 80)}`, body, viewer, head: html`${feed}<script src="/assets/app.js" defer></script>` });
}
