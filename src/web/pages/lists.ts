import type { Claim } from '../../community/claims.js';
import type { Collection, CollectionItem } from '../../community/collections.js';
import { orcidUrl } from '../../community/orcid.js';
import type { PublicUser } from '../../community/users.js';
import { html, type Html } from '../../html.js';
import type { Paper } from '../../papers/paper.js';
import { categoryName } from '../../papers/taxonomy.js';
import { authorPath } from '../../papers/urls.js';
import { alternateLinks, feedPaths, type FeedLink } from '../feeds/links.js';
import { csrfField, field, type Viewer } from '../forms.js';
import { page } from '../layout.js';
import { paperCard } from './paper-card.js';
import { exportLinks, importForm } from './references.js';

/** A titled list of papers: the shape of author, category and collection pages. */
function listPage(title: string, intro: Html | string, papers: Paper[], viewer: Viewer | undefined, extra: Html | '' = '', feed?: FeedLink) {
  return page({
    title,
    viewer,
    ...(feed ? { head: alternateLinks(feed) } : {}),
    body: html`<section><h1>${title}</h1>${typeof intro === 'string' ? html`<p class="muted">${intro}</p>` : intro}${extra}
${papers.length === 0 ? html`<p>No papers here yet.</p>` : papers.map(paperCard)}</section>`,
  });
}

/** `following` is given for a signed-in member: whether they follow this author (a Follow or Unfollow button). */
export function authorPage(name: string, papers: Paper[], viewer: Viewer | undefined, notes: string[], following?: boolean, members: PublicUser[] = []) {
  const follow: Html | '' =
    viewer?.user && following !== undefined
      ? html`<form method="post" action="/authors/${encodeURIComponent(name)}/${following ? 'unfollow' : 'follow'}" class="inline-form follow">${csrfField(viewer)}<button type="submit">${following ? 'Unfollow' : 'Follow'}</button>${following ? html`<span class="muted">You follow ${name}: their new papers come first in <a href="/for-you">For you</a>.</span>` : html`<span class="muted">Their new papers will come first in <a href="/for-you">For you</a>.</span>`}</form>`
      : '';
  // Members whose claim to be this author a moderator approved.
  const claimed: Html | '' =
    members.length > 0 ? html`<p class="claimed">On Paperboy: ${members.map((m, i) => html`${i > 0 ? ', ' : ''}<a href="/u/${m.username}">${m.displayName}</a> (@${m.username})`)}</p>` : '';
  return listPage(name, `${papers.length === 100 ? 'The newest 100' : papers.length} papers in this catalog${notes.length > 0 ? ` (${notes.join(' ')})` : ''}`, papers, viewer, html`${claimed}${follow}`, {
    title: `Papers by ${name}`,
    path: feedPaths.author(name),
  });
}

export function categoryPage(category: string, papers: Paper[], total: number, viewer: Viewer | undefined) {
  return listPage(`${category}: ${categoryName(category) ?? 'unknown category'}`, `${total} papers, newest first`, papers, viewer, '', { title: `Papers in ${category}`, path: feedPaths.category(category) });
}

export interface ProfileData {
  submissions: Paper[];
  collections: Collection[];
  isSelf: boolean;
  /** Null when the member keeps their upvotes private (and it is not their own profile). */
  upvoted: Paper[] | null;
  upvotesPublic: boolean;
  /** Shown to admins only. */
  suspended: boolean;
  /** The member's own API tokens section (pages/api-tokens.ts); on their own profile only. */
  apiTokens?: Html;
  /** The authors the member follows; shown on their own profile only. */
  followedAuthors?: string[];
  /** Papers the member wrote, by their approved author claims. */
  authored: Paper[];
  /** The member's ORCID iD, normalized, or null. */
  orcid: string | null;
  /** The member's own claims with their state; on their own profile only. */
  claims?: Claim[];
  /** Whether the signed-in viewer follows this member (a Follow or Unfollow button); undefined on one's own profile and for visitors. */
  following?: boolean | undefined;
}

export function profilePage(user: PublicUser, data: ProfileData, viewer: Viewer | undefined) {
  const isAdmin = viewer?.user?.role === 'admin' && !data.isSelf;
  return page({
    title: user.displayName,
    viewer,
    body: html`<section class="profile"><h1>${user.displayName}</h1><p class="muted">@${user.username}${isAdmin && data.suspended ? ' · suspended' : ''}${data.orcid ? html` · ORCID <a href="${orcidUrl(data.orcid)}" rel="me">${data.orcid}</a>` : ''}</p>
${data.following !== undefined && viewer
    ? html`<form method="post" action="/u/${user.username}/${data.following ? 'unfollow' : 'follow'}" class="inline-form follow">${csrfField(viewer)}<button type="submit">${data.following ? 'Unfollow' : 'Follow'}</button><span class="muted">${data.following ? 'The papers they upvote (when they show their upvotes) come in your For you.' : 'The papers they upvote, when they show their upvotes, will come in your For you and digests.'}</span></form>`
    : ''}
${isAdmin && viewer
    ? html`<form method="post" action="/admin/users/${user.id}/${data.suspended ? 'unsuspend' : 'suspend'}" class="inline-form">${csrfField(viewer)}<label for="suspend-reason">Reason</label><input id="suspend-reason" name="reason" maxlength="500" required><button type="submit">${data.suspended ? 'Lift the suspension' : 'Suspend this member'}</button></form>`
    : ''}
${data.authored.length > 0 ? html`<h2>Authored papers</h2>${data.authored.map(paperCard)}` : ''}
${data.isSelf && viewer ? authorSettings(data, viewer) : ''}
<h2>Collections</h2>
${data.collections.length === 0 ? html`<p class="muted">No collections.</p>` : html`<ul class="plain">${data.collections.map((c) => html`<li><a href="/u/${user.username}/c/${c.slug}">${c.name}</a> <span class="muted">${c.paperCount} papers${c.isPublic ? '' : ', private'}</span></li>`)}</ul>`}
${data.isSelf && viewer ? newCollectionForm(viewer) : ''}
<h2>Submitted papers</h2>
${data.submissions.length === 0 ? html`<p class="muted">No submissions yet.</p>` : data.submissions.map(paperCard)}
${data.upvoted !== null
    ? html`<h2>Upvoted papers${data.isSelf ? html` <span class="muted">(${data.upvotesPublic ? 'public' : 'only you see them'})</span>` : ''}</h2>
${data.isSelf && viewer ? html`<form method="post" action="/settings/upvotes" class="inline">${csrfField(viewer)}<input type="hidden" name="public" value="${data.upvotesPublic ? '0' : '1'}"><button type="submit" class="link">${data.upvotesPublic ? 'Make my upvotes private' : 'Show my upvotes on my profile'}</button></form>` : ''}
${data.upvoted.length === 0 ? html`<p class="muted">No upvotes yet.</p>` : data.upvoted.map(paperCard)}`
    : ''}
${data.isSelf && data.followedAuthors
    ? html`<h2>Authors you follow <span class="muted">(only you see them)</span></h2>
${data.followedAuthors.length === 0
    ? html`<p class="muted">None yet: the Follow button on an author's page adds them, and their new papers come first in <a href="/for-you">For you</a>.</p>`
    : html`<ul class="plain">${data.followedAuthors.map((name) => html`<li><a href="${authorPath(name)}">${name}</a></li>`)}</ul>`}`
    : ''}
${data.isSelf && data.apiTokens ? data.apiTokens : ''}
</section>`,
  });
}

const CLAIM_STATES: Record<Claim['status'], string> = { pending: 'waiting for a moderator', approved: 'approved', refused: 'refused' };

/** On the member's own profile: their ORCID iD and the state of their author claims. */
function authorSettings(data: ProfileData, viewer: Viewer): Html {
  return html`<details class="author-settings"${data.orcid ? '' : html` open`}><summary>Your ORCID iD and author claims</summary>
<form method="post" action="/settings/orcid" class="inline-form">${csrfField(viewer)}<label for="orcid">ORCID iD</label><input id="orcid" name="orcid" value="${data.orcid ?? ''}" maxlength="60" placeholder="0000-0002-1825-0097"><button type="submit">Save</button></form>
${data.claims && data.claims.length > 0
    ? html`<ul class="plain claims">${data.claims.map((c) => html`<li><a href="/papers/${c.paper.id}">${c.paper.title}</a> as ${c.authorName}: ${CLAIM_STATES[c.status]}</li>`)}</ul>`
    : html`<p class="muted">To claim a paper you wrote, open its page and choose your name under “Are you an author of this paper?”.</p>`}
</details>`;
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
    html`<p class="muted">A ${collection.isPublic ? 'public' : 'private'} collection by <a href="/u/${collection.owner.username}">${collection.owner.displayName}</a>${collection.description ? html`: ${collection.description}` : ''}</p>
${items.length > 0 ? exportLinks('Export', `/collections/${collection.id}`) : ''}${isOwner && viewer ? importForm(collection, viewer) : ''}`,
    items.map((i) => i.paper),
    viewer,
    manage,
    collection.isPublic ? { title: collection.name, path: feedPaths.collection(collection.owner.username, collection.slug) } : undefined,
  );
}
