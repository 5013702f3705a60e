import { html, type Html } from '../html.js';

/** What every page needs to know about who is looking: the member (if any) and the form token. */
export interface Viewer {
  user: { id: number; username: string; displayName: string; role: 'member' | 'admin'; emailVerified: boolean } | null;
  csrf: string;
}

export function csrfField(viewer: Viewer): Html {
  return html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;
}

export interface FieldOptions {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'url' | 'search';
  value?: string;
  error?: string | undefined;
  autocomplete?: string;
  required?: boolean;
  maxlength?: number;
  hint?: string;
}

/** A labelled input whose error, when there is one, is tied to it for screen readers. */
export function field(o: FieldOptions): Html {
  const id = `f-${o.name}`;
  const describedBy = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${o.error ? ' has-error' : ''}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required ? html` required` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>
${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
</div>`;
}

export function textarea(o: Omit<FieldOptions, 'type' | 'autocomplete'> & { rows?: number }): Html {
  const id = `f-${o.name}`;
  return html`<div class="field${o.error ? ' has-error' : ''}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
<textarea id="${id}" name="${o.name}" rows="${o.rows ?? 4}"${o.required ? html` required` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>${o.value ?? ''}</textarea>
${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
</div>`;
}

/** A message at the top of a page after an action: "Check your inbox", "Saved". */
export function notice(kind: 'info' | 'error', text: string | undefined): Html | '' {
  if (!text) return '';
  return html`<p class="notice notice-${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

/** Reads one string field of a posted form; anything else (arrays, objects, missing) is ''. */
export function formString(body: unknown, name: string, max = 20_000): string {
  if (!body || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}
