import type { Claim } from '../../community/claims.js';
import type { ModerationEntry } from '../../community/moderation.js';
import type { Report } from '../../community/reports.js';
import { csrfField, type Viewer } from '../forms.js';
import { html, type Html } from '../../html.js';
import { page } from '../layout.js';

function targetLink(target: { type: string; id: string }): Html {
  if (target.type === 'paper') return html`<a href="/papers/${target.id}">paper ${target.id}</a>`;
  if (target.type === 'comment') return html`comment ${target.id}`;
  if (target.type === 'claim') return html`author claim ${target.id}`;
  return html`member ${target.id}`;
}

export function moderationLogTable(entries: ModerationEntry[]): Html {
  if (entries.length === 0) return html`<p class="muted">Nothing yet.</p>`;
  return html`<table class="log"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Why</th></tr></thead><tbody>
${entries.map((e) => html`<tr><td>${e.at.slice(0, 16).replace('T', ' ')}</td><td>${e.moderator ? e.moderator.displayName : 'operator'}</td><td>${e.action.replace('_', ' ')}</td><td>${targetLink(e.target)}</td><td>${e.reason}</td></tr>`)}
</tbody></table>`;
}

export function adminPage(viewer: Viewer, reports: Report[], log: ModerationEntry[], claims: Claim[] = []) {
  return page({
    title: 'Moderation',
    viewer,
    body: html`<section><h1>Moderation</h1>
<h2>Open reports</h2>
${reports.length === 0
    ? html`<p class="muted">No open reports.</p>`
    : html`<ul class="plain reports">${reports.map(
        (r) => html`<li><p>${targetLink(r.target)} reported by <a href="/u/${r.reporter.username}">${r.reporter.displayName}</a> on ${r.createdAt.slice(0, 10)}: “${r.reason}”</p>
${r.target.type === 'comment' ? html`<form method="post" action="/admin/comments/${r.target.id}/hide" class="inline">${csrfField(viewer)}<input type="hidden" name="reason" value="${`reported: ${r.reason}`.slice(0, 500)}"><button type="submit">Hide the comment</button></form>` : ''}
${r.target.type === 'user' ? html`<form method="post" action="/admin/users/${r.target.id}/suspend" class="inline">${csrfField(viewer)}<input type="hidden" name="reason" value="${`reported: ${r.reason}`.slice(0, 500)}"><button type="submit">Suspend the member</button></form>` : ''}
<form method="post" action="/admin/reports/${r.id}/resolve" class="inline">${csrfField(viewer)}<label for="res-${r.id}" class="visually-hidden">Resolution</label><input id="res-${r.id}" name="reason" value="dealt with" maxlength="500"><button type="submit">Resolve</button></form></li>`,
      )}</ul>`}
<h2>Author claims</h2>
${claims.length === 0
    ? html`<p class="muted">No claims waiting.</p>`
    : html`<ul class="plain claims">${claims.map(
        (c) => html`<li><p><a href="/u/${c.member.username}">${c.member.displayName}</a> (@${c.member.username}) says they are <a href="/authors/${encodeURIComponent(c.authorName)}">${c.authorName}</a> on <a href="/papers/${c.paper.id}">${c.paper.title}</a> (claimed ${c.createdAt.slice(0, 10)})</p>
<form method="post" action="/admin/claims/${c.id}/approve" class="inline">${csrfField(viewer)}<input type="hidden" name="reason" value="checked: ${c.authorName}"><button type="submit">Approve</button></form>
<form method="post" action="/admin/claims/${c.id}/refuse" class="inline">${csrfField(viewer)}<label for="refuse-${c.id}" class="visually-hidden">Why refuse</label><input id="refuse-${c.id}" name="reason" value="could not confirm the claim" maxlength="500"><button type="submit">Refuse</button></form></li>`,
      )}</ul>`}
<h2>Recent actions</h2>
${moderationLogTable(log)}
<p><a href="/moderation-log">The public moderation log</a></p>
</section>`,
  });
}

export function publicLogPage(viewer: Viewer | undefined, log: ModerationEntry[]) {
  return page({ title: 'Moderation log', viewer, body: html`<section><h1>Moderation log</h1><p>Every moderator action on this site, newest first.</p>${moderationLogTable(log)}</section>` });
}
