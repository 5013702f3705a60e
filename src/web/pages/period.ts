import { periodOf, type Period, type PeriodKind } from '../../catalog/periods.js';
import { html, type Html } from '../../html.js';
import { paperPath } from '../../papers/urls.js';
import { categoryName } from '../../papers/taxonomy.js';
import type { ListedPaper, PeriodSort } from '../../ranking/period-papers.js';
import { alternateLinks, feedPaths } from '../feeds/links.js';
import type { Viewer } from '../forms.js';
import { page } from '../layout.js';
import { authorList, categoryTag, paperLinks, summaryLine } from './paper-card.js';
import { voteButton } from './votes.js';

export interface PeriodFilters {
  q: string;
  /** A category or archive, or '' for all. */
  cat: string;
  code: boolean;
  sort: PeriodSort;
}

export const NO_FILTERS: PeriodFilters = { q: '', cat: '', code: false, sort: 'trending' };

export interface PeriodView {
  period: Period;
  /** `featured`: the featured papers first, then "All new papers"; `full`: one list of every paper. */
  mode: 'featured' | 'full';
  /** The featured papers (first page only, in `featured` mode). */
  featured: ListedPaper[];
  /** The paginated list: the other new papers (`featured` mode) or every paper (`full`). */
  items: ListedPaper[];
  total: number;
  page: number;
  pageSize: number;
  filters: PeriodFilters;
  /** Categories the filter offers. */
  categories: string[];
  /** Papers the viewer has upvoted, among those shown. */
  voted: Set<string>;
  /** The newest day with papers, for the "latest" link. */
  latestDay: string | null;
  /** Where "previous" and "next" lead: for days, the nearest days that have papers; no "previous" before arXiv. */
  previous: Period | null;
  next: Period;
}

export function periodPath(p: Pick<Period, 'kind' | 'key'>, pageNumber = 1, filters: PeriodFilters = NO_FILTERS): string {
  const query = new URLSearchParams();
  if (filters.q) query.set('q', filters.q);
  if (filters.cat) query.set('cat', filters.cat);
  if (filters.code) query.set('code', '1');
  if (filters.sort !== 'trending') query.set('sort', filters.sort);
  if (pageNumber > 1) query.set('page', String(pageNumber));
  const qs = query.toString();
  return `/${p.kind}/${p.key}${qs ? `?${qs}` : ''}`;
}

const KIND_LABEL: Record<PeriodKind, string> = { day: 'Day', week: 'Week', month: 'Month' };

export function periodTitle(p: Period): string {
  if (p.kind === 'day') {
    const date = new Date(`${p.start}T00:00:00Z`);
    return `Papers of ${date.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`;
  }
  if (p.kind === 'week') return `Papers of week ${p.key.slice(6)}, ${p.key.slice(0, 4)} (${p.start} to ${p.end})`;
  const date = new Date(`${p.start}T00:00:00Z`);
  return `Papers of ${date.toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })}`;
}

export function listedPaperCard(item: ListedPaper, viewer: Viewer | undefined, voted: boolean, rank?: number): Html {
  const { paper } = item;
  return html`<article class="paper-card">
${voteButton(paper.id, item.upvotes, voted, viewer)}
<div class="paper-card-body">
<h2>${rank !== undefined ? html`<span class="rank">${rank}.</span> ` : ''}<a href="${paperPath(paper.id)}">${paper.title}</a></h2>
<p class="authors">${authorList(paper.authors)}</p>
<p class="meta">${paper.categories.slice(0, 4).map((c) => html`${categoryTag(c)} `)}<span class="id">arXiv:${paper.id}</span>
${item.submittedBy ? html` · <span class="submitter">${item.pickedBy ? 'picked by' : 'submitted by'} <a href="/u/${item.submittedBy.username}">${item.submittedBy.displayName}</a></span>` : ''}
 · <a href="${paperPath(paper.id)}#comments">${item.comments} ${item.comments === 1 ? 'comment' : 'comments'}</a></p>
${summaryLine(item.summary)}
${paperLinks(paper, item.code)}
</div>
</article>`;
}

const SORT_LABELS: Record<PeriodSort, string> = { trending: 'Trending', code: 'Trending code (stars gained per day)', publishedAt: 'Newest' };

export function periodPage(view: PeriodView, viewer: Viewer | undefined) {
  const { period, filters } = view;
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const prev = view.previous;
  const next = view.next;
  const filtered = filters.q !== '' || filters.cat !== '' || filters.code;
  const tabs = (['day', 'week', 'month'] as const).map((kind) => {
    const target = kind === period.kind ? period : periodOf(kind, period.start);
    return html`<a href="${periodPath(target)}"${kind === period.kind ? html` aria-current="page" class="tab current"` : html` class="tab"`}>${KIND_LABEL[kind]}</a>`;
  });
  const cards = (items: ListedPaper[], from: number) => items.map((item, i) => listedPaperCard(item, viewer, view.voted.has(item.paper.id), from + i + 1));
  const featuredSection =
    view.mode === 'featured' && view.page === 1
      ? html`<section class="featured" aria-labelledby="featured-h">
<h2 id="featured-h">Featured</h2>
<p class="muted">Papers members submitted and moderators picked, ranked by trending (votes and age; see <a href="/about/trending">how</a>).</p>
${view.featured.length > 0
    ? cards(view.featured, 0)
    : html`<p>${filtered ? 'No featured paper matches the filter.' : html`No featured papers for this ${period.kind} yet. Members can <a href="/submit">submit</a> a new paper, and upvote the ones below.`}</p>`}
</section>`
      : '';
  const listTitle = view.mode === 'featured' ? 'All new papers' : 'Papers';
  const body = html`<section class="period">
<div class="period-head">
  <h1>${periodTitle(period)}</h1>
  <nav class="tabs" aria-label="Period">${tabs}</nav>
  <nav class="period-nav" aria-label="${KIND_LABEL[period.kind]}s">
    ${prev ? html`<a rel="prev" href="${periodPath(prev)}">← ${prev.key}</a>` : ''}
    <form action="/go" method="get" class="date-picker"><input type="hidden" name="period" value="${period.kind}"><label for="date" class="visually-hidden">Go to date</label><input type="date" id="date" name="date" value="${period.start}"><button type="submit">Go</button></form>
    ${view.latestDay && next.start <= view.latestDay ? html`<a rel="next" href="${periodPath(next)}">${next.key} →</a>` : ''}
    ${view.latestDay && view.latestDay > period.end ? html`<a href="/">Latest</a>` : ''}
  </nav>
</div>
${featuredSection}
<section class="all-papers" aria-labelledby="all-h">
<h2 id="all-h">${listTitle}</h2>
${filterForm(view)}
<p class="muted">${view.total} ${view.total === 1 ? 'paper' : 'papers'}${filtered ? ' match' : ''}, ${filters.sort === 'trending' ? html`ranked by trending; papers nobody has voted on yet ${viewer?.user ? 'by your "for you" picks, then ' : ''}by code, stars and their authors' earlier papers (see <a href="/about/trending">how</a>)` : filters.sort === 'code' ? 'papers with code first, by the stars their repository gained per day' : 'newest first'}</p>
${view.items.length === 0 ? html`<p>${filtered ? 'No paper matches the filter.' : `No ${view.featured.length > 0 ? 'other ' : ''}papers for this ${period.kind}.`}</p>` : cards(view.items, (view.page - 1) * view.pageSize)}
${pages > 1
    ? html`<nav class="pager" aria-label="Pages">
${view.page > 1 ? html`<a rel="prev" href="${periodPath(period, view.page - 1, filters)}">Previous page</a>` : ''}
<span>Page ${view.page} of ${pages}</span>
${view.page < pages ? html`<a rel="next" href="${periodPath(period, view.page + 1, filters)}">Next page</a>` : ''}
</nav>`
    : ''}
</section>
</section>`;
  const feeds = alternateLinks({ title: 'Daily papers', path: feedPaths.daily }, { title: 'Trending papers', path: feedPaths.trending });
  return page({ title: periodTitle(period), body, viewer, head: html`${feeds}<script src="/assets/app.js" defer></script>` });
}

/** Searching and narrowing the list; a plain GET form, so it works without JavaScript and every view has an address. */
function filterForm(view: PeriodView): Html {
  const { filters, period } = view;
  const categories = filters.cat && !view.categories.includes(filters.cat) ? [filters.cat, ...view.categories] : view.categories;
  return html`<form method="get" action="${periodPath(period)}" class="filters" role="search">
<label for="filter-q">Filter</label><input type="search" id="filter-q" name="q" value="${filters.q}" maxlength="200" placeholder="words in the title, authors or abstract">
<label for="filter-cat">Category</label><select id="filter-cat" name="cat"><option value="">All</option>${categories.map((c) => html`<option value="${c}"${c === filters.cat ? html` selected` : ''}>${c}${categoryName(c) ? ` (${categoryName(c)})` : ''}</option>`)}</select>
<label class="check"><input type="checkbox" name="code" value="1"${filters.code ? html` checked` : ''}> Has code</label>
<label for="filter-sort">Sort</label><select id="filter-sort" name="sort">${(['trending', 'code', 'publishedAt'] as const).map((s) => html`<option value="${s}"${s === filters.sort ? html` selected` : ''}>${SORT_LABELS[s]}</option>`)}</select>
<button type="submit">Apply</button>
</form>`;
}
