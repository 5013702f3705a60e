import { MAX_TOKEN_NAME_LENGTH, type ApiToken, type NewApiToken } from '../../community/api-tokens.js';
// Not forms.field(): the profile's collection form already has an input named `name` (ids must be unique).
import { csrfField, type Viewer } from '../forms.js';
import { html, type Html } from '../../html.js';
import { page } from '../layout.js';

function when(iso: string | null): Html | string {
  return iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')}</time>` : 'never';
}

/** The member's own tokens on their profile: make one, see when each was last used, revoke. */
export function apiTokensSection(tokens: ApiToken[], viewer: Viewer): Html {
  return html`<section aria-labelledby="api-tokens-h" id="api-tokens">
<h2 id="api-tokens-h">API tokens</h2>
<p class="muted">A personal token lets a script submit papers through the <a href="/api">API</a> as you. Only you see this section.</p>
${tokens.length === 0
    ? html`<p class="muted">No tokens.</p>`
    : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Made</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead><tbody>${tokens.map(
        (t) => html`<tr><td>${t.name}</td><td>${when(t.createdAt)}</td><td>${when(t.lastUsedAt)}</td><td>${t.revokedAt
          ? html`revoked ${when(t.revokedAt)}`
          : html`<form method="post" action="/account/api-tokens/${t.id}/revoke" class="inline">${csrfField(viewer)}<button type="submit" class="link">Revoke “${t.name}”</button></form>`}</td></tr>`,
      )}</tbody></table>`}
<form method="post" action="/account/api-tokens" class="stack">${csrfField(viewer)}
<div class="field"><label for="api-token-name">New token name</label>
<p class="hint" id="api-token-name-hint">Say where it will be used, such as "laptop" or "nightly script".</p>
<input id="api-token-name" name="name" type="text" required maxlength="${MAX_TOKEN_NAME_LENGTH}" aria-describedby="api-token-name-hint"></div>
<button type="submit">Make a token</button></form>
</section>`;
}

/** The one time a token's secret is shown. */
export function newApiTokenPage(token: NewApiToken, viewer: Viewer): Html {
  const username = viewer.user?.username ?? '';
  return page({
    title: 'Your new API token',
    viewer,
    body: html`<section><h1>Your new API token</h1>
<p>Copy the token “${token.name}” now: it is shown only this once. Paperboy keeps only a hash of it.</p>
<p><label for="new-token">Token</label><br><input id="new-token" class="token" readonly value="${token.token}" size="50"></p>
<p>Send it as <code>Authorization: Bearer &lt;token&gt;</code>; see <a href="/api">the API page</a>.</p>
<p><a href="/u/${username}#api-tokens">Back to your profile</a></p></section>`,
  });
}
