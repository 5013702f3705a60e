import { html } from '../../html.js';
import { page } from '../layout.js';
import { csrfField, field, notice, type Viewer } from '../forms.js';

export interface FormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  message?: string;
}

export function signUpPage(viewer: Viewer, state: FormState = {}) {
  const v = state.values ?? {};
  const e = state.errors ?? {};
  return page({
    title: 'Sign up',
    viewer,
    body: html`<section class="narrow">
<h1>Create an account</h1>
${notice('error', state.message)}
<form method="post" action="/signup" class="stack">
${csrfField(viewer)}
${field({ label: 'Name', name: 'displayName', value: v.displayName, error: e.displayName, autocomplete: 'name', required: true, maxlength: 60 })}
${field({ label: 'Email', name: 'email', type: 'email', value: v.email, error: e.email, autocomplete: 'email', required: true, maxlength: 254 })}
${field({ label: 'Password', name: 'password', type: 'password', error: e.password, autocomplete: 'new-password', required: true, hint: 'At least 10 characters.' })}
<button type="submit">Sign up</button>
</form>
<p>Already have an account? <a href="/signin">Sign in</a>.</p>
</section>`,
  });
}

export function signInPage(viewer: Viewer, state: FormState = {}, next = '') {
  const v = state.values ?? {};
  return page({
    title: 'Sign in',
    viewer,
    body: html`<section class="narrow">
<h1>Sign in</h1>
${notice('error', state.message)}
<form method="post" action="/signin" class="stack">
${csrfField(viewer)}
<input type="hidden" name="next" value="${next}">
${field({ label: 'Email', name: 'email', type: 'email', value: v.email, autocomplete: 'email', required: true })}
${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })}
<button type="submit">Sign in</button>
</form>
<p><a href="/forgot-password">Forgot your password?</a> · <a href="/signup">Create an account</a></p>
</section>`,
  });
}

export function forgotPasswordPage(viewer: Viewer, state: FormState & { sent?: boolean } = {}) {
  return page({
    title: 'Reset your password',
    viewer,
    body: html`<section class="narrow">
<h1>Reset your password</h1>
${state.sent ? notice('info', 'If an account uses that address, we have sent it a link to choose a new password. The link works for one hour.') : ''}
${notice('error', state.message)}
<form method="post" action="/forgot-password" class="stack">
${csrfField(viewer)}
${field({ label: 'Email', name: 'email', type: 'email', value: state.values?.email, autocomplete: 'email', required: true })}
<button type="submit">Send me a link</button>
</form>
</section>`,
  });
}

export function resetPasswordPage(viewer: Viewer, token: string, state: FormState = {}) {
  return page({
    title: 'Choose a new password',
    viewer,
    body: html`<section class="narrow">
<h1>Choose a new password</h1>
${notice('error', state.message)}
<form method="post" action="/reset-password" class="stack">
${csrfField(viewer)}
<input type="hidden" name="token" value="${token}">
${field({ label: 'New password', name: 'password', type: 'password', error: state.errors?.password, autocomplete: 'new-password', required: true, hint: 'At least 10 characters.' })}
<button type="submit">Save the new password</button>
</form>
</section>`,
  });
}

/** A page that only says something: "check your inbox", "your address is verified". */
export function messagePage(viewer: Viewer, title: string, message: string, link?: { href: string; text: string }) {
  return page({
    title,
    viewer,
    body: html`<section class="narrow"><h1>${title}</h1><p>${message}</p>${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}</section>`,
  });
}

/** What the emailed confirmation link opens: one button, so that only a person confirms. */
export function verifyEmailPage(viewer: Viewer, token: string) {
  return page({
    title: 'Confirm your address',
    viewer,
    body: html`<section class="narrow">
<h1>Confirm your address</h1>
<p>One more step: press the button to confirm this email address for your Paperboy account.</p>
<form method="post" action="/verify-email?token=${encodeURIComponent(token)}" class="stack">
${csrfField(viewer)}
<button type="submit">Confirm my address</button>
</form>
</section>`,
  });
}
