import type { Group, Membership } from '../../groups/groups.js';
import { hasRole } from '../../groups/groups.js';
import type { Member } from '../../groups/members.js';
import type { TaggedPaper } from '../../groups/organisations.js';
import { QUEUE_STATES, STATE_NAMES, type QueueItem } from '../../groups/queue.js';
import { describeWhen, localDateTime, type Session } from '../../groups/sessions.js';
import { html, type Html } from '../../html.js';
import { excerpt } from '../../papers/text.js';
import { paperPath } from '../../papers/urls.js';
import type { GroupRole } from '../../store/schema.js';
import { csrfField, field, notice, textarea, type Viewer } from '../forms.js';
import { page } from '../layout.js';
import { authorList } from './paper-card.js';
import { voteButton } from './votes.js';

export const ROLE_NAMES: Readonly<Record<GroupRole, string>> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** Where a group's feeds are: open for a public group, personal (with the member's token) for a private one. */
export interface GroupFeeds {
  calendar: string;
  queueRss: string;
  queueAtom: string;
  /** Whether the addresses carry the member's personal token (a private group). */
  personal: boolean;
}

export interface GroupPageData {
  group: Group;
  membership: Membership | null;
  members: Member[];
  /** To read and reading, ranked by the group's votes. */
  queue: QueueItem[];
  discussed: QueueItem[];
  sessions: { upcoming: Session[]; past: Session[] };
  /** An organisation's tagged papers; null for other groups. */
  tagged: TaggedPaper[] | null;
  /** Whether the viewer follows the group; null for visitors. */
  following: boolean | null;
  /** Null when a private group's visitor could not have any (never shown to non-members). */
  feeds: GroupFeeds | null;
  /** The address of the queue as BibTeX. */
  bibtexPath: string | null;
  message?: { kind: 'info' | 'error'; text: string };
}

export function groupsPage(data: { mine: Array<{ group: Group; role: GroupRole }>; others: Group[] }, viewer: Viewer | undefined, form?: { values: Record<string, string>; errors: Record<string, string>; message?: string }): Html {
  const canCreate = viewer?.user?.emailVerified === true;
  return page({
    title: 'Groups',
    viewer,
    body: html`<section class="groups">
<h1>Groups</h1>
<p class="muted">Labs, reading groups and companies: each has a shared reading queue, journal-club sessions with a calendar, and a weekly digest.</p>
${data.mine.length > 0 ? html`<h2>Your groups</h2><ul class="plain group-list">${data.mine.map(({ group, role }) => groupLine(group, ROLE_NAMES[role]))}</ul>` : ''}
<h2>Public groups</h2>
${data.others.length === 0 ? html`<p class="muted">No public groups yet.</p>` : html`<ul class="plain group-list">${data.others.map((g) => groupLine(g))}</ul>`}
${canCreate && viewer ? createForm(viewer, form) : viewer?.user ? html`<p class="muted">Confirm your email address to create a group.</p>` : html`<p><a href="/signin?next=%2Fgroups">Sign in</a> to create a group.</p>`}
</section>`,
  });
}

function groupLine(g: Group, role?: string): Html {
  return html`<li><a href="/groups/${g.slug}">${g.name}</a> <span class="muted">${g.isOrganisation ? 'organisation · ' : ''}${g.isPublic ? 'public' : 'private'} · ${g.memberCount} ${g.memberCount === 1 ? 'member' : 'members'}${role ? ` · ${role}` : ''}</span>${g.description ? html`<br><span class="muted">${excerpt(g.description, 160)}</span>` : ''}</li>`;
}

function createForm(viewer: Viewer, form?: { values: Record<string, string>; errors: Record<string, string>; message?: string }): Html {
  const v = form?.values ?? {};
  return html`<h2 id="create-h">Create a group</h2>
${notice('error', form?.message)}
<form method="post" action="/groups" class="stack narrow" aria-labelledby="create-h">${csrfField(viewer)}
${field({ label: 'Name', name: 'name', value: v.name ?? '', error: form?.errors.name, required: true, maxlength: 100 })}
${field({ label: 'Short name', name: 'slug', value: v.slug ?? '', error: form?.errors.slug, required: true, maxlength: 40, hint: 'Its address: /groups/<short name>. Lower-case letters, digits and hyphens.' })}
${textarea({ label: 'Description', name: 'description', value: v.description ?? '', error: form?.errors.description, maxlength: 2000, rows: 3 })}
<label class="check"><input type="checkbox" name="isPublic" value="1"${v.isPublic === '0' ? '' : html` checked`}> Public: anyone can see the group, its queue and sessions</label>
<button type="submit">Create the group</button>
</form>`;
}

export function groupPage(d: GroupPageData, viewer: Viewer | undefined): Html {
  const { group, membership } = d;
  const isMember = membership !== null;
  const isAdmin = hasRole(membership?.role, 'admin');
  const body = html`<section class="group">
<p class="breadcrumb"><a href="/groups">Groups</a></p>
<h1>${group.name}</h1>
<p class="muted">${group.isOrganisation ? 'Organisation · ' : ''}${group.isPublic ? 'Public group' : 'Private group: only its members see it'} · ${group.memberCount} ${group.memberCount === 1 ? 'member' : 'members'}${membership ? ` · you are ${membership.role === 'member' ? 'a member' : `its ${membership.role}`}` : ''}</p>
${group.description ? html`<p class="group-description">${group.description}</p>` : ''}
${d.message ? notice(d.message.kind, d.message.text) : ''}
${memberBar(d, viewer)}
${sessionsSection(d, viewer)}
${queueSection(d, viewer)}
${d.tagged ? taggedSection(d, viewer) : ''}
${d.discussed.length > 0 ? html`<section aria-labelledby="discussed-h"><h2 id="discussed-h">Discussed</h2><ol class="plain">${d.discussed.map((item) => html`<li><a href="${paperPath(item.paper.id)}">${item.paper.title}</a> <span class="muted">${item.stateChangedAt.slice(0, 10)}${item.proposedBy ? ` · proposed by ${item.proposedBy.displayName}` : ''}</span></li>`)}</ol></section>` : ''}
<section aria-labelledby="members-h"><h2 id="members-h">Members</h2>
<ul class="plain">${d.members.map((m) => html`<li><a href="/u/${m.username}">${m.displayName}</a>${m.role !== 'member' ? html` <span class="muted">${ROLE_NAMES[m.role]}</span>` : ''}</li>`)}</ul>
${isAdmin ? html`<p><a href="/groups/${group.slug}/settings">Invite people, manage members, chat and settings</a></p>` : ''}
</section>
${d.feeds ? feedsSection(d, isMember, viewer) : ''}
</section>`;
  return page({
    title: group.name,
    description: group.description ? excerpt(group.description, 200) : `${group.name} on Paperboy`,
    viewer,
    body,
    head: html`${d.feeds ? html`<link rel="alternate" type="application/rss+xml" title="${group.name}: queue (RSS)" href="${d.feeds.queueRss}">
<link rel="alternate" type="application/atom+xml" title="${group.name}: queue (Atom)" href="${d.feeds.queueAtom}">
` : ''}<script src="/assets/app.js" defer></script>`,
  });
}

function memberBar(d: GroupPageData, viewer: Viewer | undefined): Html | '' {
  if (!viewer?.user) return html`<p class="muted"><a href="/signin?next=${encodeURIComponent(`/groups/${d.group.slug}`)}">Sign in</a> to follow this group.</p>`;
  const slug = d.group.slug;
  const follow = d.following === null ? '' : html`<form method="post" action="/groups/${slug}/${d.following ? 'unfollow' : 'follow'}" class="inline">${csrfField(viewer)}<button type="submit">${d.following ? 'Unfollow' : 'Follow'}</button></form>`;
  const m = d.membership;
  return html`<div class="inline-form group-actions">${follow}
${d.following ? html`<span class="muted">Its new queue items show in your <a href="/for-you">For you</a>.</span>` : ''}
${m
    ? html`<form method="post" action="/groups/${slug}/digest" class="inline">${csrfField(viewer)}<input type="hidden" name="digest" value="${m.digest ? '0' : '1'}"><button type="submit">${m.digest ? 'Stop the weekly digest' : 'Get the weekly digest by email'}</button></form>
${m.role !== 'owner' ? html`<form method="post" action="/groups/${slug}/leave" class="inline">${csrfField(viewer)}<button type="submit" class="link">Leave the group</button></form>` : ''}`
    : ''}
</div>`;
}

function sessionsSection(d: GroupPageData, viewer: Viewer | undefined): Html {
  const { group } = d;
  const isAdmin = hasRole(d.membership?.role, 'admin');
  return html`<section aria-labelledby="sessions-h"><h2 id="sessions-h">Sessions</h2>
${d.sessions.upcoming.length === 0 ? html`<p class="muted">No session planned.</p>` : html`<ul class="plain sessions">${d.sessions.upcoming.map((s) => sessionLine(group.slug, s))}</ul>`}
${isAdmin && viewer ? scheduleForm(d, viewer) : ''}
${d.sessions.past.length > 0 ? html`<h3>Past sessions</h3><ul class="plain sessions">${d.sessions.past.map((s) => sessionLine(group.slug, s))}</ul>` : ''}
</section>`;
}

function sessionLine(slug: string, s: Session): Html {
  return html`<li><a href="/groups/${slug}/sessions/${s.id}">${s.title}</a> <span class="muted">${describeWhen(s.startsAt, s.timeZone)}${s.presenter ? ` · presented by ${s.presenter.displayName}` : ''}</span>${s.papers.length > 0 ? html`<br><span class="muted">${s.papers.map((p, i) => html`${i > 0 ? '; ' : ''}<a href="${paperPath(p.id)}">${p.title}</a>`)}</span>` : ''}</li>`;
}

function scheduleForm(d: GroupPageData, viewer: Viewer): Html {
  const lastZone = d.sessions.upcoming.at(-1)?.timeZone ?? d.sessions.past[0]?.timeZone ?? 'UTC';
  return html`<details class="manage"><summary>Schedule a session</summary>
<form method="post" action="/groups/${d.group.slug}/sessions" class="stack narrow">${csrfField(viewer)}
${field({ label: 'Title', name: 'title', required: true, maxlength: 200 })}
<div class="field"><label for="f-startsAt">Date and time</label><input id="f-startsAt" name="startsAt" type="datetime-local" required></div>
${field({ label: 'Time zone', name: 'timeZone', value: lastZone, required: true, maxlength: 64, hint: 'Where the group meets, such as Europe/Paris or America/New_York.' })}
<div class="field"><label for="f-duration">Minutes</label><input id="f-duration" name="durationMinutes" type="number" min="5" max="1440" value="60"></div>
<div class="field"><label for="f-presenter">Presenter</label><select id="f-presenter" name="presenter"><option value="">Nobody yet</option>${d.members.map((m) => html`<option value="${m.id}">${m.displayName}</option>`)}</select></div>
${d.queue.length > 0 ? html`<fieldset><legend>Papers</legend>${d.queue.slice(0, 30).map((item) => html`<label class="check"><input type="checkbox" name="papers" value="${item.paper.id}"> ${item.paper.title}</label><br>`)}</fieldset>` : ''}
<button type="submit">Schedule</button>
</form></details>`;
}

function queueSection(d: GroupPageData, viewer: Viewer | undefined): Html {
  const { group, membership } = d;
  return html`<section aria-labelledby="queue-h"><h2 id="queue-h">Queue</h2>
<p class="muted">Ranked by the group's votes.</p>
${membership && viewer ? addForm(group.slug, viewer) : ''}
${d.queue.length === 0 ? html`<p class="muted">The queue is empty.</p>` : d.queue.map((item, i) => queueCard(d, item, i + 1, viewer))}
</section>`;
}

function addForm(slug: string, viewer: Viewer): Html {
  return html`<details class="manage"><summary>Add a paper</summary><form method="post" action="/groups/${slug}/queue" class="stack narrow">${csrfField(viewer)}
${field({ label: 'arXiv id or link', name: 'paper', required: true, maxlength: 300 })}
${textarea({ label: 'Note for the group', name: 'note', maxlength: 1000, rows: 2 })}
<button type="submit">Add to the queue</button></form></details>`;
}

function queueCard(d: GroupPageData, item: QueueItem, rank: number, viewer: Viewer | undefined): Html {
  const { paper } = item;
  const slug = d.group.slug;
  const m = d.membership;
  const mayMove = m !== null && (hasRole(m.role, 'admin') || item.proposedBy?.id === m.userId || d.sessions.upcoming.concat(d.sessions.past).some((s) => s.presenter?.id === m.userId && s.papers.some((p) => p.id === paper.id)));
  return html`<article class="paper-card queue-item">
${m ? voteButton(paper.id, item.votes, item.voted, viewer, { slug }) : html`<span class="vote" title="Group votes"><span aria-hidden="true">▲</span> <span class="count">${item.votes}</span><span class="visually-hidden"> group votes</span></span>`}
<div class="paper-card-body">
<h3><span class="rank">${rank}.</span> <a href="${paperPath(paper.id)}">${paper.title}</a></h3>
<p class="authors">${authorList(paper.authors)}</p>
<p class="meta"><span class="state state-${item.state}">${STATE_NAMES[item.state]}</span> · <span class="id">arXiv:${paper.id}</span>${item.proposedBy ? html` · proposed by <a href="/u/${item.proposedBy.username}">${item.proposedBy.displayName}</a>` : ''}</p>
${item.note ? html`<p class="note">${item.note}</p>` : ''}
${mayMove && viewer
    ? html`<div class="inline-form"><form method="post" action="/groups/${slug}/queue/state" class="inline-form">${csrfField(viewer)}<input type="hidden" name="paperId" value="${paper.id}"><label for="state-${paper.id}">State</label><select id="state-${paper.id}" name="state">${QUEUE_STATES.map((s) => html`<option value="${s}"${s === item.state ? html` selected` : ''}>${STATE_NAMES[s]}</option>`)}</select><button type="submit">Move</button></form>
${hasRole(m!.role, 'admin') || item.proposedBy?.id === m!.userId ? html`<form method="post" action="/groups/${slug}/queue/remove" class="inline">${csrfField(viewer)}<input type="hidden" name="paperId" value="${paper.id}"><button type="submit" class="link">Take it off the queue</button></form>` : ''}</div>`
    : ''}
</div></article>`;
}

function taggedSection(d: GroupPageData, viewer: Viewer | undefined): Html {
  const tagged = d.tagged ?? [];
  return html`<section aria-labelledby="tagged-h"><h2 id="tagged-h">Papers of ${d.group.name}</h2>
<p class="muted">Papers the organisation's members tagged to it.</p>
${d.membership && viewer ? html`<form method="post" action="/groups/${d.group.slug}/tags" class="inline-form">${csrfField(viewer)}<label for="tag-paper">Tag a paper (arXiv id or link)</label><input id="tag-paper" name="paper" maxlength="300" required><button type="submit">Tag</button></form>` : ''}
${tagged.length === 0 ? html`<p class="muted">None yet.</p>` : html`<ul class="plain">${tagged.map((t) => html`<li><a href="${paperPath(t.paper.id)}">${t.paper.title}</a> <span class="muted">${authorList(t.paper.authors, 3)} · tagged by ${t.taggedBy.displayName}</span></li>`)}</ul>`}
</section>`;
}

function feedsSection(d: GroupPageData, isMember: boolean, viewer: Viewer | undefined): Html {
  const f = d.feeds!;
  return html`<section aria-labelledby="feeds-h"><h2 id="feeds-h">Calendar, feeds and export</h2>
<ul class="plain">
<li><a href="${f.calendar}">Calendar of sessions</a> <span class="muted">(iCalendar: add this address to your calendar program as a subscription)</span></li>
<li>The queue as a feed: <a href="${f.queueRss}">RSS</a> · <a href="${f.queueAtom}">Atom</a></li>
${d.bibtexPath ? html`<li><a href="${d.bibtexPath}">Export the queue as BibTeX</a></li>` : ''}
</ul>
${f.personal ? html`<p class="muted">These addresses are yours alone: calendar programs and feed readers send no password, so the address is the key. Do not share them.</p>` : ''}
${f.personal && isMember && viewer ? html`<form method="post" action="/groups/${d.group.slug}/links" class="inline-form">${csrfField(viewer)}<span class="muted">Shared one by mistake?</span><button type="submit" class="link">Make new addresses</button><span class="muted">(the old ones stop working, and so do the links in digests already sent)</span></form>` : ''}
</section>`;
}

export function joinPage(viewer: Viewer | undefined, data: { group: Group; inviter: string; token: string; joined?: boolean }): Html {
  const next = `/groups/join?token=${encodeURIComponent(data.token)}`;
  return page({
    title: `Join ${data.group.name}`,
    viewer,
    body: html`<section class="narrow"><h1>Join ${data.group.name}</h1>
<p>${data.inviter} invites you to join the group “${data.group.name}”${data.group.isPublic ? '' : ', a private group'}.</p>
${data.group.description ? html`<p class="muted">${data.group.description}</p>` : ''}
${viewer?.user
    ? html`<form method="post" action="${next}">${csrfField(viewer)}<button type="submit">Join the group</button></form>`
    : html`<p><a href="/signin?next=${encodeURIComponent(next)}">Sign in</a> or <a href="/signup">sign up</a> (then come back to this link) to join.</p>`}
</section>`,
  });
}

export function sessionPage(viewer: Viewer | undefined, data: { group: Group; membership: Membership | null; session: Session; notesHtml: Html; members: Member[] }): Html {
  const { group, session, membership } = data;
  const isAdmin = hasRole(membership?.role, 'admin');
  const mayWrite = isAdmin || (membership !== null && session.presenter?.id === membership.userId);
  const base = `/groups/${group.slug}/sessions/${session.id}`;
  return page({
    title: `${session.title} · ${group.name}`,
    viewer,
    head: html`<link rel="stylesheet" href="/assets/katex/katex.min.css">
<script src="/assets/katex/katex.min.js" defer></script>
<script src="/assets/katex/contrib/auto-render.min.js" defer></script>
<script src="/assets/app.js" defer></script>`,
    body: html`<article class="session">
<p class="breadcrumb"><a href="/groups/${group.slug}">${group.name}</a></p>
<h1>${session.title}</h1>
<p>${describeWhen(session.startsAt, session.timeZone)} · ${session.durationMinutes} minutes${session.presenter ? html` · presented by <a href="/u/${session.presenter.username}">${session.presenter.displayName}</a>` : ''}</p>
${session.papers.length > 0 ? html`<h2>Papers</h2><ul>${session.papers.map((p) => html`<li><a href="${paperPath(p.id)}">${p.title}</a></li>`)}</ul>` : ''}
<h2>Notes</h2>
${session.notes ? html`<div class="comment-body session-notes">${data.notesHtml}</div>` : html`<p class="muted">No notes yet.</p>`}
${mayWrite && viewer
    ? html`<form method="post" action="${base}" class="stack">${csrfField(viewer)}${textarea({ label: 'Notes (Markdown, math between $ signs)', name: 'notes', value: session.notes, rows: 10, maxlength: 50_000 })}<button type="submit">Save the notes</button></form>`
    : ''}
${isAdmin && viewer ? rescheduleForm(base, session, data.members, viewer) : ''}
</article>`,
  });
}

function rescheduleForm(action: string, s: Session, members: Member[], viewer: Viewer): Html {
  return html`<details class="manage"><summary>Change the session</summary>
<form method="post" action="${action}" class="stack narrow">${csrfField(viewer)}
${field({ label: 'Title', name: 'title', value: s.title, required: true, maxlength: 200 })}
<div class="field"><label for="f-startsAt">Date and time</label><input id="f-startsAt" name="startsAt" type="datetime-local" value="${localDateTime(s.startsAt, s.timeZone)}" required></div>
${field({ label: 'Time zone', name: 'timeZone', value: s.timeZone, required: true, maxlength: 64 })}
<div class="field"><label for="f-duration">Minutes</label><input id="f-duration" name="durationMinutes" type="number" min="5" max="1440" value="${s.durationMinutes}"></div>
<div class="field"><label for="f-presenter">Presenter</label><select id="f-presenter" name="presenter"><option value="">Nobody yet</option>${members.map((m) => html`<option value="${m.id}"${s.presenter?.id === m.id ? html` selected` : ''}>${m.displayName}</option>`)}</select></div>
<button type="submit">Save</button></form></details>`;
}

export function groupMessagePage(viewer: Viewer | undefined, title: string, message: string, link?: { href: string; text: string }): Html {
  return page({ title, viewer, body: html`<section class="narrow"><h1>${title}</h1><p>${message}</p>${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}</section>` });
}
