import type { Collection, CollectionItem } from '../../community/collections.js';
import type { PublicUser } from '../../community/users.js';
import type { Paper } from '../../papers/paper.js';
import { categoryName } from '../../papers/taxonomy.js';
import { csrfField, field, type Viewer } from '../forms.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import { paperCard } from './paper-card.js';

/** A titled list of papers: the shape of author, category and collection pages. */
function listPage(title: string, intro: Html | string, papers: Paper[], viewer: Viewer | undefined, extra: Html | '' = '') {
  return page({
    title,
    viewer,
    body: html`<section><h1>${title}</h1>${typeof intro === 'string' ? html`<p class="muted">${intro}</p>` : intro}${extra}
${papers.length === 0 ? html`<p>No papers here yet.</p>` : papers.map(paperCard)}</section>`,
  });
}

export function authorPage(name: string, papers: Paper[], viewer: Viewer | undefined, notes: string[]) {
  return listPage(name, `${papers.length === 100 ? 'The newest 100' : papers.length} papers in this catalog${notes.length > 0 ? ` (${notes.join(' ')})` : ''}`, papers, viewer);
}

export function categoryPage(category: string, papers: Paper[], total: number, viewer: Viewer | undefined) {
  return listPage(`${category}: ${categoryName(category) ?? 'unknown category'}`, `${total} papers, newest first`, papers, viewer);
}

export function profilePage(
  user: PublicUser,
  data: { submissions: Paper[]; collections: Collection[]; isSelf: boolean },
  viewer: Viewer | undefined,
) {
  return page({
    title: user.displayName,
    viewer,
    body: html`<section class="profile"><h1>${user.displayName}</h1><p class="muted">@${user.username}</p>
<h2>Collections</h2>
${data.collections.length === 0 ? html`<p class="muted">No collections.</p>` : html`<ul class="plain">${data.collections.map((c) => html`<li><a href="/u/${user.username}/c/${c.slug}">${c.name}</a> <span class="muted">${c.paperCount} papers${c.isPublic ? '' : ', private'}</span></li>`)}</ul>`}
${data.isSelf && viewer ? newCollectionForm(viewer) : ''}
<h2>Submitted papers</h2>
${data.submissions.length === 0 ? html`<p class="muted">No submissions yet.</p>` : data.submissions.map(paperCard)}
</section>`,
  });
}

function newCollectionForm(viewer: Viewer): Html {
  return html`<form method="post" action="/collections" class="stack">${csrfField(viewer)}
${field({ label: 'New collection', name: 'name', required: true, maxlength: 100 })}
<label class="check"><input type="checkbox" name="isPublic" value="1" checked> Public</label>
<button type="submit">Create</button></form>`;
}

export function collectionPage(collection: Collection, items: CollectionItem[], viewer: Viewer | undefined) {
  const isOwner = viewer?.user?.id === collection.owner.id;
  const manage: Html | '' =
    isOwner && viewer
      ? html`<details class="manage"><summary>Manage this collection</summary>
<form method="post" action="/collections/${collection.id}/update" class="stack">${csrfField(viewer)}
${field({ label: 'Name', name: 'name', value: collection.name, required: true, maxlength: 100 })}
<label class="check"><input type="checkbox" name="isPublic" value="1"${collection.isPublic ? html` checked` : ''}> Public</label>
<button type="submit">Save</button></form>
${items.map((item) => html`<form method="post" action="/collections/${collection.id}/remove" class="inline">${csrfField(viewer)}<input type="hidden" name="paperId" value="${item.paper.id}"><button type="submit" class="link">Remove “${item.paper.title}”</button></form> `)}
</details>`
      : '';
  return listPage(
    collection.name,
    html`<p class="muted">A ${collection.isPublic ? 'public' : 'private'} collection by <a href="/u/${collection.owner.username}">${collection.owner.displayName}</a>${collection.description ? html`: ${collection.description}` : ''}</p>`,
    items.map((i) => i.paper),
    viewer,
    manage,
  );
}
