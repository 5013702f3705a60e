import { periodOf, type Period, type PeriodKind } from '../../catalog/periods.js';
import { html, type Html } from '../../html.js';
import { excerpt } from '../../papers/text.js';
import { paperPath } from '../../papers/urls.js';
import type { ListedPaper } from '../../ranking/period-papers.js';
import { alternateLinks, feedPaths } from '../feeds/links.js';
import type { Viewer } from '../forms.js';
import { page } from '../layout.js';
import { authorList, categoryTag, paperLinks } from './paper-card.js';
import { voteButton } from './votes.js';

export interface PeriodView {
  period: Period;
  items: ListedPaper[];
  total: number;
  page: number;
  pageSize: number;
  /** Papers the viewer has upvoted, among those shown. */
  voted: Set<string>;
  /** The newest day with papers, for the "latest" link. */
  latestDay: string | null;
  /** Where "previous" and "next" lead: for days, the nearest days that have papers; no "previous" before arXiv. */
  previous: Period | null;
  next: Period;
}

export function periodPath(p: Pick<Period, 'kind' | 'key'>, pageNumber = 1): string {
  return `/${p.kind}/${p.key}${pageNumber > 1 ? `?page=${pageNumber}` : ''}`;
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
${item.submittedBy ? html` · <span class="submitter">submitted by <a href="/u/${item.submittedBy.username}">${item.submittedBy.displayName}</a></span>` : ''}
 · <a href="${paperPath(paper.id)}#comments">${item.comments} ${item.comments === 1 ? 'comment' : 'comments'}</a></p>
<p class="abstract">${excerpt(paper.abstract)}</p>
${paperLinks(paper)}
</div>
</article>`;
}

export function periodPage(view: PeriodView, viewer: Viewer | undefined) {
  const { period } = view;
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const prev = view.previous;
  const next = view.next;
  const tabs = (['day', 'week', 'month'] as const).map((kind) => {
    const target = kind === period.kind ? period : periodOf(kind, period.start);
    return html`<a href="${periodPath(target)}"${kind === period.kind ? html` aria-current="page" class="tab current"` : html` class="tab"`}>${KIND_LABEL[kind]}</a>`;
  });
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
  <p class="muted">${view.total} ${view.total === 1 ? 'paper' : 'papers'}, ranked by trending (votes and age; see <a href="/about/trending">how</a>)</p>
</div>
${view.items.length === 0 ? html`<p>No papers for this ${period.kind}.</p>` : view.items.map((item, i) => listedPaperCard(item, viewer, view.voted.has(item.paper.id), (view.page - 1) * view.pageSize + i + 1))}
${pages > 1
    ? html`<nav class="pager" aria-label="Pages">
${view.page > 1 ? html`<a rel="prev" href="${periodPath(period, view.page - 1)}">Previous page</a>` : ''}
<span>Page ${view.page} of ${pages}</span>
${view.page < pages ? html`<a rel="next" href="${periodPath(period, view.page + 1)}">Next page</a>` : ''}
</nav>`
    : ''}
</section>`;
  const feeds = alternateLinks({ title: 'Daily papers', path: feedPaths.daily }, { title: 'Trending papers', path: feedPaths.trending });
  return page({ title: periodTitle(period), body, viewer, head: html`${feeds}<script src="/assets/app.js" defer></script>` });
}
