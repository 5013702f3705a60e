import { html } from '../../html.js';
import { page } from '../layout.js';

export function emptyCatalogPage() {
  return page({
    title: 'No papers yet',
    body: html`<section><h1>No papers yet</h1>
<p>The catalog is empty. Import some with <code>paperboy import FILE</code>, <code>paperboy fetch --category cs.CL --days 2</code> or <code>paperboy harvest --set cs</code>.</p></section>`,
  });
}
