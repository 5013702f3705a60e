import type { CommentNode } from '../../community/comments.js';
import { html, trusted, type Html } from '../../html.js';
import { paperPath } from '../../papers/urls.js';
import { csrfField, type Viewer } from '../forms.js';

const MAX_DEPTH_INDENT = 6;

/** The comment thread of a paper, with forms to reply, edit, delete and report that work without JavaScript. */
export function commentThread(paperId: string, nodes: CommentNode[], viewer: Viewer | undefined): Html {
  const canWrite = Boolean(viewer?.user?.emailVerified);
  return html`<section id="comments" class="comments" aria-labelledby="comments-h">
<h2 id="comments-h">Discussion</h2>
${canWrite && viewer
    ? commentForm(paperId, viewer)
    : viewer?.user
      ? html`<p class="muted">Confirm your email address to join the discussion.</p>`
      : html`<p><a href="/signin?next=${encodeURIComponent(`${paperPath(paperId)}#comments`)}">Sign in</a> to comment.</p>`}
${nodes.length === 0 ? html`<p class="muted">No comments yet.</p>` : html`<ol class="thread">${nodes.map((n) => commentItem(paperId, n, viewer, 0))}</ol>`}
</section>`;
}

function commentForm(paperId: string, viewer: Viewer, parentId?: number): Html {
  const id = parentId === undefined ? 'new-comment' : `reply-${parentId}`;
  return html`<form method="post" action="${paperPath(paperId)}/comments" class="comment-form" data-comment-form>
${csrfField(viewer)}
${parentId !== undefined ? html`<input type="hidden" name="parentId" value="${parentId}">` : ''}
<label for="${id}">${parentId === undefined ? 'Add a comment' : 'Your reply'}</label>
<textarea id="${id}" name="body" rows="3" maxlength="10000" required></textarea>
<p class="hint">Markdown: *emphasis*, \`code\`, [links](https://…), and math in $…$.</p>
<button type="submit">${parentId === undefined ? 'Comment' : 'Reply'}</button>
</form>`;
}

function commentItem(paperId: string, node: CommentNode, viewer: Viewer | undefined, depth: number): Html {
  const mine = viewer?.user && node.author?.id === viewer.user.id && node.state === 'visible';
  const canWrite = Boolean(viewer?.user?.emailVerified);
  return html`<li class="comment depth-${Math.min(depth, MAX_DEPTH_INDENT)}" id="comment-${node.id}">
<article>
<p class="comment-meta">${node.author ? html`<a href="/u/${node.author.username}">${node.author.displayName}</a>` : html`<span class="muted">[${node.state}]</span>`}
<time datetime="${node.createdAt}">${node.createdAt.slice(0, 16).replace('T', ' ')}</time>${node.editedAt ? html` <span class="muted">(edited)</span>` : ''}</p>
${node.state === 'visible' ? html`<div class="comment-body">${trusted(node.html)}</div>` : html`<p class="muted">This comment was ${node.state === 'deleted' ? 'deleted by its author' : 'hidden by a moderator'}.</p>`}
${node.state === 'visible' && viewer?.user
    ? html`<div class="comment-actions">
${canWrite ? html`<details><summary>Reply</summary>${commentForm(paperId, viewer, node.id)}</details>` : ''}
${mine
    ? html`<details><summary>Edit</summary><form method="post" action="/comments/${node.id}/edit">${csrfField(viewer)}<label for="edit-${node.id}">Edit your comment</label><textarea id="edit-${node.id}" name="body" rows="3" maxlength="10000" required>${node.body}</textarea><button type="submit">Save</button></form></details>
<form method="post" action="/comments/${node.id}/delete" class="inline">${csrfField(viewer)}<button type="submit" class="link">Delete</button></form>`
    : canWrite
      ? html`<details><summary>Report</summary><form method="post" action="/comments/${node.id}/report">${csrfField(viewer)}<label for="report-${node.id}">What is wrong with it?</label><input id="report-${node.id}" name="reason" maxlength="1000" required><button type="submit">Report</button></form></details>`
      : ''}
${viewer.user.role === 'admin' ? html`<form method="post" action="/admin/comments/${node.id}/hide" class="inline">${csrfField(viewer)}<input type="hidden" name="reason" value="hidden from the thread"><button type="submit" class="link">Hide</button></form>` : ''}
</div>`
    : ''}
</article>
${node.children.length > 0 ? html`<ol class="thread">${node.children.map((c) => commentItem(paperId, c, viewer, depth + 1))}</ol>` : ''}
</li>`;
}
