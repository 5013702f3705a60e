import { SUBMISSION_WINDOW_DAYS } from '../../community/submissions.js';
import { csrfField, field, notice, type Viewer } from '../forms.js';
import { html } from '../../html.js';
import { page } from '../layout.js';

/** `fetching`: a paper submitted and still on its way from arXiv. */
export function submitPage(viewer: Viewer, state: { value?: string; message?: string; existing?: string | undefined; fetching?: string } = {}) {
  return page({
    title: 'Submit a paper',
    viewer,
    body: html`<section class="narrow"><h1>Submit a paper</h1>
<p>Put an arXiv paper on today's page, among the featured papers. Papers can be submitted within ${SUBMISSION_WINDOW_DAYS} days of their listing on arXiv. If it is not in the catalog yet, Paperboy fetches it from arXiv.</p>
${notice('error', state.message)}
${state.fetching
    ? html`${notice('info', `arXiv is slow to answer: arXiv:${state.fetching} will appear on today's page once it has been fetched, usually within a minute.`)}<p><a href="/papers/${state.fetching}">The paper's page</a> shows it from then on. If it has not appeared after a while, arXiv may not have it, or may be down: submit it again later.</p>`
    : ''}
${state.existing ? html`<p><a href="/papers/${state.existing}">See the paper's page</a></p>` : ''}
<form method="post" action="/submit" class="stack">${csrfField(viewer)}
${field({ label: 'arXiv id or URL', name: 'paper', value: state.value, required: true, maxlength: 300, hint: 'For example 2401.12345 or https://arxiv.org/abs/2401.12345' })}
<button type="submit">Submit</button></form></section>`,
  });
}
