import { html, safeUrl, type Html } from '../../html.js';
import type { Paper } from '../../papers/paper.js';
import { categoryName } from '../../papers/taxonomy.js';
import { excerpt } from '../../papers/text.js';
import { arxivAbsUrl, arxivPdfUrl, paperPath } from '../../papers/urls.js';
import type { PaperCode, SummaryView } from '../../store/enrichment.js';

const MAX_LISTED_AUTHORS = 8;

export function authorList(authors: string[], limit = MAX_LISTED_AUTHORS): Html {
  const shown = authors.slice(0, limit);
  const more = authors.length - shown.length;
  return html`${shown.map((name, i) => html`${i > 0 ? ', ' : ''}<span class="author">${name}</span>`)}${more > 0 ? html` and ${more} more` : ''}`;
}

export function categoryTag(category: string): Html {
  return html`<span class="category" title="${categoryName(category) ?? category}">${category}</span>`;
}

/** External links of a paper: arXiv, PDF, then code and project pages found in its text; its code's GitHub stars beside the code link, when known. */
export function paperLinks(paper: Paper, code: PaperCode | null = null): Html {
  const found = paper.links
    .map((link) => ({ link, href: safeUrl(link.url) }))
    .filter((x): x is { link: Paper['links'][number]; href: string } => x.href !== null);
  return html`<ul class="links">
<li><a href="${arxivAbsUrl(paper)}">arXiv</a></li>
<li><a href="${arxivPdfUrl(paper)}">PDF</a></li>
${found.map(({ link, href }) => html`<li><a href="${href}" rel="nofollow noopener">${LINK_LABELS[link.kind]}</a>${code && code.stars !== null && link.url === code.url ? html` ${stars(code.stars)}` : ''}</li>`)}
</ul>`;
}

/** `★ 1.2k`, with the exact count for screen readers and on hover. */
export function stars(count: number): Html {
  const exact = count.toLocaleString('en');
  return html`<span class="stars" title="${exact} GitHub stars"><span aria-hidden="true">★ ${shortCount(count)}</span><span class="visually-hidden">${exact} GitHub stars</span></span>`;
}

function shortCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 100_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return `${Math.round(n / 1000)}k`;
}

/** The one-line summary, said to be a sentence of the abstract when no language model wrote it. */
export function summaryLine(summary: SummaryView): Html {
  return html`<p class="summary math">${summary.text}${summary.source === 'extractive' ? html` <span class="muted summary-source">(a sentence of the abstract)</span>` : ''}</p>
${summary.keywords.length > 0 ? html`<p class="keywords">${summary.keywords.map((k) => html`<span class="keyword">${k}</span> `)}</p>` : ''}`;
}

const LINK_LABELS: Record<Paper['links'][number]['kind'], string> = {
  code: 'Code',
  project: 'Project page',
  model: 'Model',
  dataset: 'Dataset',
};

/** A paper in a list without counters (authors, categories, collections, for you); the card is a row, so its text goes in one body. */
export function paperCard(paper: Paper): Html {
  return html`<article class="paper-card"><div class="paper-card-body">
<h2><a href="${paperPath(paper.id)}">${paper.title}</a></h2>
<p class="authors">${authorList(paper.authors)}</p>
<p class="meta">${paper.categories.map((c) => html`${categoryTag(c)} `)}<span class="id">arXiv:${paper.id}</span></p>
<p class="abstract">${excerpt(paper.abstract)}</p>
${paperLinks(paper)}
</div></article>`;
}
