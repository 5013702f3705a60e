import type { Paper } from '../../papers/paper.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { paperCard } from './paper-card.js';

export interface DayView {
  day: string;
  papers: Paper[];
  total: number;
  previous: string | null;
  next: string | null;
  page: number;
  pageSize: number;
}

export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return date.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function dayPath(day: string, pageNumber = 1): string {
  return pageNumber > 1 ? `/day/${day}?page=${pageNumber}` : `/day/${day}`;
}

export function dayPage(view: DayView) {
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const body = html`<section class="day">
<div class="day-head">
  <h1>Papers of ${formatDay(view.day)}</h1>
  <nav class="day-nav" aria-label="Days">
    ${view.previous ? html`<a rel="prev" href="${dayPath(view.previous)}">← ${view.previous}</a>` : html`<span class="muted">← no earlier day</span>`}
    <form action="/day" method="get" class="date-picker"><label for="date" class="visually-hidden">Go to date</label><input type="date" id="date" name="date" value="${view.day}"><button type="submit">Go</button></form>
    ${view.next ? html`<a rel="next" href="${dayPath(view.next)}">${view.next} →</a>` : html`<span class="muted">no later day →</span>`}
  </nav>
  <p class="muted">${view.total} ${view.total === 1 ? 'paper' : 'papers'}</p>
</div>
${view.papers.length === 0 ? html`<p>No papers were listed on this day.</p>` : view.papers.map(paperCard)}
${pages > 1
    ? html`<nav class="pager" aria-label="Pages">
${view.page > 1 ? html`<a rel="prev" href="${dayPath(view.day, view.page - 1)}">Previous page</a>` : ''}
<span>Page ${view.page} of ${pages}</span>
${view.page < pages ? html`<a rel="next" href="${dayPath(view.day, view.page + 1)}">Next page</a>` : ''}
</nav>`
    : ''}
</section>`;
  return page({ title: `Papers of ${view.day}`, body });
}

export function emptyCatalogPage() {
  return page({
    title: 'No papers yet',
    body: html`<section><h1>No papers yet</h1>
<p>The catalog is empty. Import some with <code>paperboy import FILE</code>, <code>paperboy fetch --category cs.CL --days 2</code> or <code>paperboy harvest --set cs</code>.</p></section>`,
  });
}
