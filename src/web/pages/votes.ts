import { html, type Html } from '../../html.js';
import { paperPath } from '../../papers/urls.js';
import type { Viewer } from '../forms.js';

/**
 * The upvote control: a real form (works without JavaScript) that the page script turns into an
 * in-place toggle. Visitors get a link to sign in instead. `group` makes it a vote inside a
 * group's queue, which only its members see.
 */
export function voteButton(paperId: string, upvotes: number, voted: boolean, viewer: Viewer | undefined, group?: { slug: string }): Html {
  if (!viewer?.user) {
    return html`<a class="vote" href="/signin?next=${encodeURIComponent(group ? `/groups/${group.slug}` : paperPath(paperId))}" title="Sign in to upvote"><span aria-hidden="true">▲</span> <span class="count">${upvotes}</span><span class="visually-hidden"> upvotes; sign in to upvote</span></a>`;
  }
  return html`<form class="vote-form" method="post" action="${group ? `/groups/${group.slug}/queue/vote` : `${paperPath(paperId)}/vote`}" data-vote>
<input type="hidden" name="_csrf" value="${viewer.csrf}">${group ? html`<input type="hidden" name="paperId" value="${paperId}">` : ''}
<button type="submit" class="vote${voted ? ' voted' : ''}" aria-pressed="${voted ? 'true' : 'false'}"><span aria-hidden="true">▲</span> <span class="count">${upvotes}</span><span class="visually-hidden"> upvotes</span></button>
</form>`;
}
