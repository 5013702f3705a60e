import { html, type Html } from '../../html.js';
import { paperPath } from '../../papers/urls.js';
import type { Viewer } from '../forms.js';

/**
 * The upvote control: a real form (works without JavaScript) that the page script turns into an
 * in-place toggle. Visitors get a link to sign in instead.
 */
export function voteButton(paperId: string, upvotes: number, voted: boolean, viewer: Viewer | undefined): Html {
  if (!viewer?.user) {
    return html`<a class="vote" href="/signin?next=${encodeURIComponent(paperPath(paperId))}" title="Sign in to upvote"><span aria-hidden="true">▲</span> <span class="count">${upvotes}</span><span class="visually-hidden"> upvotes; sign in to upvote</span></a>`;
  }
  return html`<form class="vote-form" method="post" action="${paperPath(paperId)}/vote" data-vote>
<input type="hidden" name="_csrf" value="${viewer.csrf}">
<button type="submit" class="vote${voted ? ' voted' : ''}" aria-pressed="${voted ? 'true' : 'false'}"><span aria-hidden="true">▲</span> <span class="count">${upvotes}</span><span class="visually-hidden"> upvotes</span></button>
</form>`;
}
