import type { Collection } from '../../community/collections.js';
import { html, type Html } from '../../html.js';
import { REFERENCE_FORMATS, type ReferenceFormat } from '../../references/export.js';
import type { ImportReport } from '../../references/import.js';
import { MAX_LIBRARY_BYTES } from '../../references/parse.js';
import { paperPath } from '../../papers/urls.js';
import { csrfField, type Viewer } from '../forms.js';
import { page } from '../layout.js';

const FORMATS = Object.keys(REFERENCE_FORMATS) as ReferenceFormat[];

/** Links to a list's (or a paper's) exports: `<base>.bib`, `<base>.ris`, `<base>.json`, with the query kept. */
export function exportLinks(label: string, base: string, query = ''): Html {
  return html`<p class="export">${label}: ${FORMATS.map(
    (f, i) => html`${i > 0 ? ' · ' : ''}<a href="${base}.${REFERENCE_FORMATS[f].extension}${query === '' ? '' : `?${query}`}" download>${REFERENCE_FORMATS[f].label}</a>`,
  )}</p>`;
}

/** The collection owner's form for a library exported from Zotero, Mendeley, JabRef... */
export function importForm(collection: Collection, viewer: Viewer): Html {
  return html`<form method="post" action="/collections/${collection.id}/import" enctype="multipart/form-data" class="stack import">${csrfField(viewer)}
<label for="import-file">Import a library (BibTeX, RIS or CSL-JSON, as Zotero, Mendeley and JabRef export it; at most ${Math.round(MAX_LIBRARY_BYTES / 1_000_000)} MB)</label>
<input id="import-file" type="file" name="file" accept=".bib,.bibtex,.ris,.json,.txt" required>
<button type="submit">Import into this collection</button></form>`;
}

const BY: Record<'arxiv' | 'doi' | 'title', string> = { arxiv: 'arXiv id', doi: 'DOI', title: 'title' };

export function importReportPage(collection: Collection, report: ImportReport, viewer: Viewer): Html {
  const back = `/u/${collection.owner.username}/c/${collection.slug}`;
  const body = html`<section class="import-report"><h1>Imported into “${collection.name}”</h1>
<p role="status">${report.entries} ${report.entries === 1 ? 'entry' : 'entries'} read from the ${REFERENCE_FORMATS[report.format].label} file: ${report.added.length} ${report.added.length === 1 ? 'paper' : 'papers'} added, ${report.alreadyThere.length} already in the collection, ${report.unmatched.length} not found in this catalog, ${report.problems.length} that could not be read.</p>
<p><a href="${back}">Back to the collection</a></p>
${report.problems.length > 0
    ? html`<h2>Entries that could not be read</h2><ul class="plain problems">${report.problems.map((p) => html`<li><strong>${p.where}</strong>: ${p.message}</li>`)}</ul>`
    : ''}
${report.unmatched.length > 0
    ? html`<h2>Not found in this catalog</h2><ul class="plain unmatched">${report.unmatched.map((m) => html`<li><strong>${m.entry.where}</strong>${m.entry.title ? html` “${m.entry.title}”` : ''}: ${m.reason}</li>`)}</ul>`
    : ''}
${report.matched.length > 0
    ? html`<h2>Found</h2><ul class="plain matched">${report.matched.map((m) => html`<li>${m.entry.where}: <a href="${paperPath(m.paperId)}">arXiv:${m.paperId}</a> <span class="muted">by ${BY[m.by]}</span></li>`)}</ul>`
    : ''}
</section>`;
  return page({ title: `Import into ${collection.name}`, viewer, body });
}
