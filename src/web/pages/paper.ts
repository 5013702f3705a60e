import type { Claim } from '../../community/claims.js';
import type { Collection } from '../../community/collections.js';
import type { CommentNode } from '../../community/comments.js';
import type { PublicUser } from '../../community/users.js';
import { submittedWhen } from '../../papers/dates.js';
import { html, safeUrl, type Html } from '../../html.js';
import type { Paper } from '../../papers/paper.js';
import { categoryName } from '../../papers/taxonomy.js';
import { excerpt } from '../../papers/text.js';
import { authorPath, categoryPath, paperPath } from '../../papers/urls.js';
import { csrfField, type Viewer } from '../forms.js';
import { page } from '../layout.js';
import { commentThread } from './comments.js';
import { authorList, paperLinks, stars, summaryLine } from './paper-card.js';
import type { HubLink, PaperCode, SummaryView } from '../../store/enrichment.js';
import { periodPath } from './period.js';
import { exportLinks } from './references.js';
import { voteButton } from './votes.js';

export interface PaperView {
  paper: Paper;
  upvotes: number;
  voted: boolean;
  comments: CommentNode[];
  similar: Paper[];
  submission: { by: PublicUser; at: string } | null;
  /** Public collections holding it. */
  inCollections: Collection[];
  /** The viewer's own collections, with whether each holds this paper. */
  myCollections: { collection: Collection; has: boolean }[];
  hidden: boolean;
  /** Listed with arXiv's announcement feed's data alone: its full record is not in yet. */
  feedOnly: boolean;
  /** Picked by a moderator for its day's featured list. */
  featured: boolean;
  code: PaperCode | null;
  summary: SummaryView;
  /** The Hub's models, datasets and Spaces citing it. */
  hub: HubLink[];
  /** Approved author claims on the paper, and the viewer's own claim. */
  claims: { approved: Claim[]; mine: Claim | null };
}

const HUB_SECTIONS: Array<{ kind: HubLink['kind']; title: string; path: string }> = [
  { kind: 'model', title: 'Models', path: '' },
  { kind: 'dataset', title: 'Datasets', path: 'datasets/' },
  { kind: 'space', title: 'Spaces (demos)', path: 'spaces/' },
];

/** KaTeX typesets `$…$` in the abstract and comments in the browser; without JavaScript the TeX shows as written. */
const MATH_HEAD = html`<link rel="stylesheet" href="/assets/katex/katex.min.css">
<script src="/assets/katex/katex.min.js" defer></script>
<script src="/assets/katex/contrib/auto-render.min.js" defer></script>
<script src="/assets/app.js" defer></script>`;

export function paperPage(view: PaperView, viewer: Viewer | undefined) {
  const { paper } = view;
  const submitted = submittedWhen(paper);
  const body = html`<article class="paper">
<p class="breadcrumb"><a href="${periodPath({ kind: 'day', key: paper.day })}">Papers of ${paper.day}</a></p>
${view.hidden ? html`<p class="notice notice-error" role="status">A moderator has hidden this paper from lists.</p>` : ''}
${view.feedOnly ? html`<p class="notice" role="status">Shown as arXiv's announcement gave it: its submission date, comments and versions are not known here yet, and are filled in once arXiv's API returns them.</p>` : ''}
<div class="paper-head">
${voteButton(paper.id, view.upvotes, view.voted, viewer)}
<h1 class="math">${paper.title}</h1>
</div>
<p class="authors">${paper.authors.map((name, i) => html`${i > 0 ? ', ' : ''}<a class="author" href="${authorPath(name)}">${name}</a>`)}</p>
${view.claims.approved.length > 0
    ? html`<p class="claimed">On Paperboy: ${view.claims.approved.map((c, i) => html`${i > 0 ? '; ' : ''}${c.authorName} is <a href="/u/${c.member.username}">${c.member.displayName}</a>`)}</p>`
    : ''}
${view.submission ? html`<p class="submitter">Submitted by <a href="/u/${view.submission.by.username}">${view.submission.by.displayName}</a> on ${view.submission.at.slice(0, 10)}</p>` : ''}
${paperLinks(paper, view.code)}
${exportLinks('Cite', paperPath(paper.id))}
<section aria-labelledby="summary-h" class="paper-summary"><h2 id="summary-h">In one line</h2>${summaryLine(view.summary)}${view.summary.source === 'llm' && view.summary.model ? html`<p class="muted">Written by a language model (${view.summary.model}); read the abstract for what the authors say.</p>` : ''}</section>
<section aria-labelledby="abstract-h"><h2 id="abstract-h">Abstract</h2><p class="abstract math">${paper.abstract}</p></section>
<dl class="facts">
<dt>arXiv id</dt><dd>${paper.id}v${paper.version}</dd>
<dt>Categories</dt><dd>${paper.categories.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${categoryPath(c)}">${c}</a> <span class="muted">(${categoryName(c) ?? 'unknown'})</span>`)}</dd>
${submitted ? html`<dt>Submitted</dt><dd>${submitted}</dd>` : ''}
${paper.updated ? html`<dt>Updated</dt><dd>${paper.updated.slice(0, 10)}</dd>` : ''}
<dt>Listed</dt><dd><a href="${periodPath({ kind: 'day', key: paper.day })}">${paper.day}</a></dd>
${paper.comment ? html`<dt>Comments</dt><dd>${paper.comment}</dd>` : ''}
${paper.journalRef ? html`<dt>Journal reference</dt><dd>${paper.journalRef}</dd>` : ''}
${paper.doi ? html`<dt>DOI</dt><dd>${paper.doi.split(/[\s,;]+/).filter(Boolean).map((doi, i) => html`${i > 0 ? ', ' : ''}<a href="https://doi.org/${doi}">${doi}</a>`)}</dd>` : ''}
${paper.license ? html`<dt>Licence</dt><dd>${paper.license}</dd>` : ''}
${paper.versions.length > 0
    ? html`<dt>Versions</dt><dd><ol class="versions">${paper.versions.map((v) => html`<li>v${v.version}: ${v.date.slice(0, 10)}${v.size ? ` (${v.size})` : ''}</li>`)}</ol></dd>`
    : ''}
${view.code
    ? html`<dt>Code</dt><dd><a href="${safeUrl(view.code.url) ?? '#'}" rel="nofollow noopener">${view.code.repo ?? view.code.url}</a>${view.code.stars !== null ? html` ${stars(view.code.stars)}` : ''}${view.code.pushedAt ? html` <span class="muted">· last push ${view.code.pushedAt.slice(0, 10)}</span>` : ''}</dd>`
    : ''}
${view.inCollections.length > 0
    ? html`<dt>In collections</dt><dd>${view.inCollections.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="/u/${c.owner.username}/c/${c.slug}">${c.name}</a>`)}</dd>`
    : ''}
</dl>
${hubSection(view.hub)}
${collectionControls(view, viewer)}
${claimControls(view, viewer)}
${viewer?.user?.emailVerified ? html`<details class="report"><summary>Report this paper</summary><form method="post" action="${paperPath(paper.id)}/report" class="inline-form">${csrfField(viewer)}<label for="report-paper">What is wrong with it?</label><input id="report-paper" name="reason" maxlength="1000" required><button type="submit">Report</button></form></details>` : ''}
${viewer?.user?.role === 'admin' ? moderationControls(view, viewer) : ''}
${commentThread(paper.id, view.comments, viewer)}
${view.similar.length > 0
    ? html`<section aria-labelledby="similar-h" class="similar"><h2 id="similar-h">Similar papers</h2><ul>${view.similar.map(
        (p) => html`<li><a href="${paperPath(p.id)}">${p.title}</a> <span class="muted">${authorList(p.authors, 3)} · ${p.day}</span></li>`,
      )}</ul></section>`
    : ''}
</article>`;
  return page({ title: paper.title, description: excerpt(paper.abstract, 200), body, viewer, head: MATH_HEAD });
}

function collectionControls(view: PaperView, viewer: Viewer | undefined): Html | '' {
  if (!viewer?.user?.emailVerified) return '';
  const paperId = view.paper.id;
  return html`<section class="collect" aria-labelledby="collect-h"><h2 id="collect-h">Your collections</h2>
${view.myCollections.length > 0
    ? html`<ul class="plain">${view.myCollections.map(
        ({ collection, has }) => html`<li><form method="post" action="/collections/${collection.id}/${has ? 'remove' : 'add'}" class="inline">${csrfField(viewer)}<input type="hidden" name="paperId" value="${paperId}"><button type="submit" class="link">${has ? `Remove from “${collection.name}”` : `Add to “${collection.name}”`}</button></form></li>`,
      )}</ul>`
    : ''}
<form method="post" action="/collections" class="inline-form">${csrfField(viewer)}<input type="hidden" name="paperId" value="${paperId}"><label for="new-collection">New collection</label><input id="new-collection" name="name" maxlength="100" required><label class="check"><input type="checkbox" name="isPublic" value="1" checked> Public</label><button type="submit">Create and add</button></form>
</section>`;
}

const CLAIM_STATUS: Record<Claim['status'], string> = {
  pending: 'waiting for a moderator',
  approved: 'approved: the paper is on your profile',
  refused: 'refused by a moderator',
};

/** A verified member may claim to be one of the authors, choosing the name the paper gives them. */
function claimControls(view: PaperView, viewer: Viewer | undefined): Html | '' {
  if (!viewer?.user?.emailVerified) return '';
  const mine = view.claims.mine;
  if (mine) return html`<p class="claim muted" id="claim">You claimed to be ${mine.authorName} on this paper: ${CLAIM_STATUS[mine.status]}.</p>`;
  return html`<details class="claim" id="claim"><summary>Are you an author of this paper?</summary>
<form method="post" action="${paperPath(view.paper.id)}/claim" class="inline-form">${csrfField(viewer)}<label for="claim-author">Your name on this paper</label><select id="claim-author" name="author">${view.paper.authors.map((name) => html`<option>${name}</option>`)}</select><button type="submit">Claim authorship</button></form>
<p class="muted">A moderator checks each claim; the paper then shows on your profile and your name links to it.</p></details>`;
}

function moderationControls(view: PaperView, viewer: Viewer): Html {
  const action = view.hidden ? 'unhide' : 'hide';
  const pick = view.featured ? 'unfeature' : 'feature';
  return html`<section class="moderate" aria-labelledby="moderate-h"><h2 id="moderate-h">Moderation</h2>
<form method="post" action="/admin/papers/${view.paper.id}/${action}" class="inline-form">${csrfField(viewer)}<label for="mod-reason">Reason</label><input id="mod-reason" name="reason" maxlength="500" required><button type="submit">${view.hidden ? 'Show this paper again' : 'Hide this paper'}</button></form>
<form method="post" action="/admin/papers/${view.paper.id}/${pick}" class="inline-form">${csrfField(viewer)}<label for="pick-reason">Reason</label><input id="pick-reason" name="reason" maxlength="500" required><button type="submit">${view.featured ? 'Stop featuring this paper' : `Feature this paper on ${view.paper.day}`}</button></form>
</section>`;
}

/** What the Hugging Face Hub lists as citing the paper, most liked first. */
function hubSection(hub: HubLink[]): Html | '' {
  if (hub.length === 0) return '';
  return html`<section aria-labelledby="hub-h" class="hub"><h2 id="hub-h">On the Hugging Face Hub</h2>
${HUB_SECTIONS.map(({ kind, title, path }) => {
    const repos = hub.filter((h) => h.kind === kind);
    return repos.length === 0
      ? ''
      : html`<h3>${title} citing this paper</h3><ul class="plain">${repos.map((r) => html`<li><a href="https://huggingface.co/${path}${r.id}" rel="nofollow noopener">${r.id}</a> <span class="muted">${r.likes} ${r.likes === 1 ? 'like' : 'likes'}${r.downloads !== null ? ` · ${r.downloads.toLocaleString('en')} downloads` : ''}</span></li>`)}</ul>`;
  })}
</section>`;
}
