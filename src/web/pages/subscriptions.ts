import type { Preferences, Subscription } from '../../digest/subscriptions.js';
import { MAX_AUTHOR_LENGTH, MAX_AUTHORS, MAX_SEARCH_LENGTH, MAX_SEARCHES } from '../../digest/subscriptions.js';
import { csrfField, field, notice, textarea, type Viewer } from '../forms.js';
import { html, type Html } from '../../html.js';
import { page } from '../layout.js';

/** What the subscribe and manage forms show again after a refusal: the words as typed, and the problem. */
export interface SubscriptionFormState {
  values?: { email?: string; frequency?: string; categories?: string; authors?: string; searches?: string };
  errors?: Record<string, string>;
  message?: string;
}

/** Preferences as the form fields write them. */
export function preferenceValues(p: Preferences): Required<Omit<NonNullable<SubscriptionFormState['values']>, 'email'>> {
  return { frequency: p.frequency, categories: p.categories.join(' '), authors: p.authors.join('\n'), searches: p.searches.join('\n') };
}

function preferenceFields(state: SubscriptionFormState): Html {
  const v = state.values ?? {};
  const e = state.errors ?? {};
  const frequency = v.frequency === 'weekly' ? 'weekly' : 'daily';
  const radio = (value: 'daily' | 'weekly', label: string) =>
    html`<label class="check"><input type="radio" name="frequency" value="${value}"${frequency === value ? html` checked` : ''}> ${label}</label>`;
  return html`<fieldset>
<legend>How often</legend>
${radio('daily', 'Daily: each day’s new papers')}
${radio('weekly', 'Weekly: the week’s best, on Mondays')}
${e.frequency ? html`<p class="error">${e.frequency}</p>` : ''}
</fieldset>
${field({ label: 'Categories (optional)', name: 'categories', value: v.categories, error: e.categories, maxlength: 2000, hint: 'arXiv categories separated by spaces, such as cs.LG stat.ML. Leave empty for all of them.' })}
${textarea({ label: 'Authors to follow (optional)', name: 'authors', value: v.authors, error: e.authors, rows: 3, hint: `One name per line, as written on papers; at most ${MAX_AUTHORS}, each up to ${MAX_AUTHOR_LENGTH} characters.` })}
${textarea({ label: 'Saved searches (optional)', name: 'searches', value: v.searches, error: e.searches, rows: 3, hint: `One search per line, as you would type it in the search box; at most ${MAX_SEARCHES}, each up to ${MAX_SEARCH_LENGTH} characters.` })}`;
}

export function subscribePage(viewer: Viewer, state: SubscriptionFormState = {}, own?: { status: Subscription['status']; manageUrl: string } | null): Html {
  const v = state.values ?? {};
  return page({
    title: 'Papers by email',
    viewer,
    body: html`<section class="narrow">
<h1>Papers by email</h1>
<p>The day’s or the week’s trending papers in your inbox, with papers by the authors you follow and matches for your saved searches. Every mail has a link to change what you receive or to stop.</p>
${own ? html`<p class="notice notice-info" role="status">Your address is subscribed${own.status === 'active' ? '' : html` (${own.status})`}. <a href="${own.manageUrl}">Manage your subscription</a>.</p>` : ''}
${notice('error', state.message)}
<form method="post" action="/subscribe" class="stack">
${csrfField(viewer)}
${field({ label: 'Email', name: 'email', type: 'email', value: v.email, error: state.errors?.email, autocomplete: 'email', required: true, maxlength: 254 })}
${preferenceFields(state)}
<button type="submit">Subscribe</button>
</form>
<p class="hint">We send a link to confirm the address first; nothing else arrives until you follow it.</p>
</section>`,
  });
}

/** The same page for a new address and for one already subscribed, so the form tells nobody who is. */
export function checkInboxPage(viewer: Viewer, email: string): Html {
  return messageSection(viewer, 'Check your inbox', html`<p>We have sent a mail to <strong>${email}</strong>. Follow its link to confirm your subscription; nothing else is sent until you do.</p>
<p class="hint">Nothing there after a few minutes? Look among spam, or <a href="/subscribe">try again</a> in ten minutes.</p>`);
}

export function memberSubscribedPage(viewer: Viewer, s: Subscription, manageUrl: string): Html {
  return messageSection(viewer, 'You are subscribed', html`<p>The ${s.frequency} papers will come to <strong>${s.email}</strong>. Your address is confirmed already, through your account.</p>
<p><a href="${manageUrl}">Manage your subscription</a></p>`);
}

export function confirmPage(viewer: Viewer, token: string, s: Subscription): Html {
  // Whoever filled in the form chose these; the owner of the address sees them before agreeing.
  const chosen = [
    s.categories.length > 0 ? html`<li>Categories: ${s.categories.join(', ')}</li>` : '',
    s.authors.length > 0 ? html`<li>Authors: ${s.authors.join('; ')}</li>` : '',
    s.searches.length > 0 ? html`<li>Saved searches: ${s.searches.map((q, i) => html`${i > 0 ? '; ' : ''}“${q}”`)}</li>` : '',
  ];
  return messageSection(viewer, 'Confirm your subscription', html`<p>Send the ${s.frequency} papers to <strong>${s.email}</strong>?</p>
${chosen.some((c) => c !== '') ? html`<ul>${chosen}</ul><p class="hint">You can change these after confirming.</p>` : ''}
<form method="post" action="/subscribe/confirm?token=${token}" class="stack">
${csrfField(viewer)}
<button type="submit">Confirm</button>
</form>`);
}

export function confirmedPage(viewer: Viewer, s: Subscription, manageUrl: string): Html {
  return messageSection(viewer, 'Subscription confirmed', html`<p>Thank you: the ${s.frequency} papers will come to <strong>${s.email}</strong>.</p>
<p><a href="${manageUrl}">Choose categories, authors and searches</a> · <a href="/">Today’s papers</a></p>`);
}

export function managePage(viewer: Viewer, token: string, s: Subscription, unsubscribeUrl: string, state: SubscriptionFormState & { saved?: boolean } = {}): Html {
  const values = state.values ?? preferenceValues(s);
  const status =
    s.status === 'active'
      ? html`<p>Mail goes to <strong>${s.email}</strong>.</p>`
      : s.status === 'pending'
        ? html`<p class="notice notice-info" role="status">${s.email} is not confirmed yet: follow the link in the confirmation mail.</p>`
        : s.status === 'bouncing'
          ? html`<p class="notice notice-error" role="alert">Mail to ${s.email} was refused by its mail server, so we stopped sending. <a href="/subscribe">Subscribe again</a> to try once more.</p>`
          : html`<div class="notice notice-info" role="status"><p>${s.email} is unsubscribed: no mail is sent.</p>
<form method="post" action="/subscribe/manage?token=${token}" class="inline-form">${csrfField(viewer)}<input type="hidden" name="action" value="resume"><button type="submit">Subscribe again</button></form></div>`;
  return page({
    title: 'Your subscription',
    viewer,
    body: html`<section class="narrow">
<h1>Your subscription</h1>
${state.saved ? notice('info', 'Saved.') : ''}
${status}
${notice('error', state.message)}
<form method="post" action="/subscribe/manage?token=${token}" class="stack">
${csrfField(viewer)}
${preferenceFields({ values, ...(state.errors ? { errors: state.errors } : {}) })}
<button type="submit">Save</button>
</form>
${s.status === 'unsubscribed' ? '' : html`<h2>Stop the mail</h2>
<form method="post" action="${unsubscribeUrl}" class="inline-form"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`}
</section>`,
  });
}

export function unsubscribePage(viewer: Viewer, token: string, s: Subscription): Html {
  if (s.status === 'unsubscribed') return unsubscribedPage(viewer, s);
  return messageSection(viewer, 'Unsubscribe', html`<p>Stop sending papers to <strong>${s.email}</strong>?</p>
<form method="post" action="/subscribe/unsubscribe?token=${token}" class="stack">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`);
}

export function unsubscribedPage(viewer: Viewer, s: Subscription, manageUrl?: string): Html {
  return messageSection(viewer, 'Unsubscribed', html`<p>We will send no more papers to <strong>${s.email}</strong>.</p>
${manageUrl ? html`<p>Changed your mind? <a href="${manageUrl}">You can subscribe again</a>.</p>` : ''}`);
}

/** A link that does not work: says why, and what to do. */
export function linkProblemPage(viewer: Viewer, message: string): Html {
  return messageSection(viewer, 'This link does not work', html`<p>${message}</p>
<p><a href="/subscribe">Subscribe again</a>, or use the link in the latest mail we sent you.</p>`);
}

export function mailFailedPage(viewer: Viewer): Html {
  return messageSection(viewer, 'The mail could not be sent', html`<p>Our mail server did not accept the message just now. Please try again in a few minutes.</p>`);
}

function messageSection(viewer: Viewer, title: string, body: Html): Html {
  return page({ title, viewer, body: html`<section class="narrow"><h1>${title}</h1>\n${body}</section>` });
}
