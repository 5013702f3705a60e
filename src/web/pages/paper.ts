import type { Paper } from '../../papers/paper.js';
import { categoryName } from '../../papers/taxonomy.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { dayPath } from './day.js';
import { excerpt, paperLinks } from './paper-card.js';

function date(iso: string | null): string {
  return iso ? iso.slice(0, 10) : 'unknown';
}

export function paperPage(paper: Paper) {
  const body = html`<article class="paper">
<p class="breadcrumb"><a href="${dayPath(paper.day)}">Papers of ${paper.day}</a></p>
<h1>${paper.title}</h1>
<p class="authors">${paper.authors.map((name, i) => html`${i > 0 ? ', ' : ''}<span class="author">${name}</span>`)}</p>
${paperLinks(paper)}
<section aria-labelledby="abstract-h"><h2 id="abstract-h">Abstract</h2><p class="abstract">${paper.abstract}</p></section>
<dl class="facts">
<dt>arXiv id</dt><dd>${paper.id}v${paper.version}</dd>
<dt>Categories</dt><dd>${paper.categories.map((c, i) => html`${i > 0 ? ', ' : ''}${c} <span class="muted">(${categoryName(c) ?? 'unknown'})</span>`)}</dd>
<dt>Submitted</dt><dd>${date(paper.published)}</dd>
<dt>Updated</dt><dd>${date(paper.updated)}</dd>
${paper.comment ? html`<dt>Comments</dt><dd>${paper.comment}</dd>` : ''}
${paper.journalRef ? html`<dt>Journal reference</dt><dd>${paper.journalRef}</dd>` : ''}
${paper.doi ? html`<dt>DOI</dt><dd>${paper.doi.split(/[\s,;]+/).filter(Boolean).map((doi, i) => html`${i > 0 ? ', ' : ''}<a href="https://doi.org/${doi}">${doi}</a>`)}</dd>` : ''}
${paper.license ? html`<dt>Licence</dt><dd>${paper.license}</dd>` : ''}
${paper.versions.length > 0
    ? html`<dt>Versions</dt><dd><ol class="versions">${paper.versions.map((v) => html`<li>v${v.version}: ${v.date.slice(0, 10)}${v.size ? ` (${v.size})` : ''}</li>`)}</ol></dd>`
    : ''}
</dl>
</article>`;
  return page({ title: paper.title, description: excerpt(paper.abstract, 200), body });
}
