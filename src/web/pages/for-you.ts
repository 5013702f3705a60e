import { html, type Html } from '../../html.js';
import { authorPath, paperPath } from '../../papers/urls.js';
import type { Reason } from '../../recommend/for-you.js';
import type { ForYouView } from '../../recommend/recent-picks.js';
import type { Viewer } from '../forms.js';
import { page } from '../layout.js';
import { paperCard } from './paper-card.js';

/** The reason, with its paper or author linked. */
export function reasonHtml(reason: Reason): Html {
  switch (reason.kind) {
    case 'similar':
      return html`Similar to <a href="${paperPath(reason.to.id)}">“${reason.to.title}”</a>, which you ${reason.via === 'upvoted' ? 'upvoted' : 'collected'}`;
    case 'author':
      return html`By <a href="${authorPath(reason.author)}">${reason.author}</a>, whom you follow`;
    case 'search':
      return html`Matches your search “<a href="/search?q=${encodeURIComponent(reason.query)}">${reason.query}</a>”`;
    case 'member':
      return html`Upvoted by <a href="/u/${reason.member.username}">${reason.member.displayName}</a>, whom you follow`;
    case 'group':
      return html`In the queue of <a href="/groups/${reason.group.slug}">${reason.group.name}</a>, which you follow`;
  }
}

const HOW_TO: Html = html`<ul>
<li><strong>Upvote</strong> papers you like (the ▲ button on any paper);</li>
<li><strong>collect</strong> papers: add them to one of your collections from a paper's page;</li>
<li><strong>follow authors</strong>: open a paper, follow an author's name to their page, and press Follow;</li>
<li><strong>follow members and groups</strong>: the Follow button on a member's profile or a <a href="/groups">group's</a> page brings what they upvote and queue here;</li>
<li><strong>save searches</strong> in your <a href="/subscribe">email subscription</a>.</li>
</ul>`;

export function forYouPage(data: ForYouView, viewer: Viewer): Html {
  const intro = data.since
    ? html`<p class="muted">Papers listed since ${data.since}, picked for you from what you upvote, collect and follow.</p>`
    : html`<p class="muted">The catalog has no papers yet.</p>`;
  let body: Html;
  if (!data.hasSignals) {
    body = html`<p>Nothing to go on yet. Tell Paperboy what you like, and papers like it will show up here:</p>${HOW_TO}`;
  } else if (data.items.length === 0) {
    body = html`<p>No recent paper stands out for you yet. The more you upvote, collect and follow, the better the picks:</p>${HOW_TO}`;
  } else {
    body = html`${data.items.map(
      ({ paper, reason }) => html`<div class="for-you-item">
<p class="reason muted">${reasonHtml(reason)}</p>
${paperCard(paper)}
</div>`,
    )}`;
  }
  const follows =
    data.followed.length > 0
      ? html`<h2>Authors you follow</h2><ul class="plain">${data.followed.map((name) => html`<li><a href="${authorPath(name)}">${name}</a></li>`)}</ul>`
      : '';
  return page({ title: 'For you', viewer, body: html`<section><h1>For you</h1>${intro}${body}${follows}</section>` });
}

export function forYouSignInPage(): Html {
  return page({
    title: 'For you',
    body: html`<section><h1>For you</h1>
<p>Sign in to see recent papers picked for you, from the papers you upvote and collect and the authors you follow.</p>
<p><a href="/signin?next=%2Ffor-you">Sign in</a> or <a href="/signup">create an account</a>.</p></section>`,
  });
}
