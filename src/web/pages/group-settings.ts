import { SERVICE_NAMES, CHAT_SERVICES, type WebhookView } from '../../groups/chat.js';
import type { Group, Membership } from '../../groups/groups.js';
import type { Member } from '../../groups/members.js';
import { html, type Html } from '../../html.js';
import { csrfField, field, notice, textarea, type Viewer } from '../forms.js';
import { page } from '../layout.js';
import { ROLE_NAMES } from './groups.js';

export interface SettingsData {
  group: Group;
  membership: Membership;
  members: Member[];
  webhooks: WebhookView[];
  /** A link just made, shown once. */
  invitationLink?: string;
  message?: { kind: 'info' | 'error'; text: string };
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

/** The admins' page of a group: its settings, invitations, members and chat webhooks (with their failures). */
export function settingsPage(d: SettingsData, viewer: Viewer): Html {
  const { group, membership } = d;
  const isOwner = membership.role === 'owner';
  const base = `/groups/${group.slug}`;
  const v = d.values ?? {};
  const body = html`<section class="group-settings">
<p class="breadcrumb"><a href="${base}">${group.name}</a></p>
<h1>Settings of ${group.name}</h1>
${d.message ? notice(d.message.kind, d.message.text) : ''}

<h2 id="invite-h">Invite people</h2>
${d.invitationLink
    ? html`<div class="notice" role="status"><p>Send this link to the person you invite. It works once, for 7 days, and only while you may invite:</p><p><input class="copy" readonly value="${d.invitationLink}" aria-label="Invitation link" size="60"></p></div>`
    : ''}
<form method="post" action="${base}/invitations" class="inline-form">${csrfField(viewer)}<button type="submit">Make an invitation link</button></form>
<form method="post" action="${base}/invitations" class="inline-form">${csrfField(viewer)}<label for="invite-email">Or mail an invitation to</label><input id="invite-email" name="email" type="email" maxlength="254" required value="${v.email ?? ''}"${d.errors?.email ? html` aria-invalid="true"` : ''}><button type="submit">Send</button></form>
${d.errors?.email ? html`<p class="error">${d.errors.email}</p>` : ''}

<h2>Members</h2>
<table class="log"><thead><tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col">Actions</th></tr></thead><tbody>
${d.members.map((m) => html`<tr><td><a href="/u/${m.username}">${m.displayName}</a></td><td>${ROLE_NAMES[m.role]}</td><td><div class="inline-form">${memberActions(base, m, membership, isOwner, viewer)}</div></td></tr>`)}
</tbody></table>

<h2>Chat</h2>
<p class="muted">New queue items and sessions are posted to these incoming webhooks. The address is kept secret: after it is saved only its host is shown.</p>
${d.webhooks.length === 0
    ? html`<p class="muted">No webhooks.</p>`
    : html`<table class="log"><thead><tr><th scope="col">Service</th><th scope="col">Address</th><th scope="col">Last delivered</th><th scope="col">Problems</th><th scope="col"></th></tr></thead><tbody>
${d.webhooks.map(
  (w) => html`<tr><td>${SERVICE_NAMES[w.service]}</td><td><code>${w.shownUrl}</code></td><td>${w.lastOkAt?.slice(0, 16).replace('T', ' ') ?? 'never'}</td>
<td>${w.lastError ? html`<span class="error">${w.lastError}</span> <span class="muted">(${w.lastErrorAt?.slice(0, 16).replace('T', ' ')})</span>` : ''}${w.failed > 0 ? html`<br>${w.failed} ${w.failed === 1 ? 'message' : 'messages'} not delivered` : ''}${w.waiting > 0 ? html`<br>${w.waiting} waiting` : ''}</td>
<td><form method="post" action="${base}/webhooks/${w.id}/delete" class="inline">${csrfField(viewer)}<button type="submit" class="link">Remove</button></form></td></tr>`,
)}
</tbody></table>`}
<form method="post" action="${base}/webhooks" class="stack narrow">${csrfField(viewer)}
<div class="field"><label for="f-service">Service</label><select id="f-service" name="service">${CHAT_SERVICES.map((s) => html`<option value="${s}"${v.service === s ? html` selected` : ''}>${SERVICE_NAMES[s]}</option>`)}</select></div>
${field({ label: 'Webhook address', name: 'url', type: 'url', required: true, maxlength: 2000, error: d.errors?.url, hint: 'Starts with https://. For Matrix, a matrix-hookshot generic webhook.' })}
<button type="submit">Add the webhook</button></form>

<h2>About the group</h2>
<form method="post" action="${base}/settings" class="stack narrow">${csrfField(viewer)}
${field({ label: 'Name', name: 'name', value: v.name ?? group.name, required: true, maxlength: 100, error: d.errors?.name })}
${textarea({ label: 'Description', name: 'description', value: v.description ?? group.description, maxlength: 2000, rows: 3, error: d.errors?.description })}
<label class="check"><input type="checkbox" name="isPublic" value="1"${group.isPublic ? html` checked` : ''}> Public: anyone can see the group, its queue and sessions</label>
<label class="check"><input type="checkbox" name="isOrganisation" value="1"${group.isOrganisation ? html` checked` : ''}> An organisation: its page shows the papers its members tag to it</label>
<button type="submit">Save</button></form>
</section>`;
  return page({ title: `Settings of ${group.name}`, viewer, body });
}

function memberActions(base: string, m: Member, me: Membership, isOwner: boolean, viewer: Viewer): Html | '' {
  if (m.role === 'owner') return '';
  const form = (action: string, label: string, fields: Record<string, string> = {}) =>
    html`<form method="post" action="${base}/members/${m.id}/${action}" class="inline">${csrfField(viewer)}${Object.entries(fields).map(([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`)}<button type="submit" class="link">${label}</button></form>`;
  const parts: Html[] = [];
  if (isOwner) parts.push(m.role === 'admin' ? form('role', 'Make a member', { role: 'member' }) : form('role', 'Make an admin', { role: 'admin' }));
  if (isOwner) parts.push(form('transfer', 'Hand the group to them'));
  if (m.id !== me.userId && (isOwner || m.role === 'member')) parts.push(form('remove', 'Remove'));
  return html`${parts.map((p, i) => html`${i > 0 ? ' · ' : ''}${p}`)}`;
}
