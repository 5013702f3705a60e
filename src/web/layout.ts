import { html, type Html } from './html.js';

export interface PageOptions {
  title: string;
  description?: string;
  body: Html;
}

export function page({ title, description, body }: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} · Paperboy</title>
${description ? html`<meta name="description" content="${description}">` : ''}
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="/">Paperboy</a>
  <nav aria-label="Main"><a href="/">Daily papers</a></nav>
</header>
<main id="main">
${body}
</main>
<footer class="site"><p>Metadata from <a href="https://arxiv.org">arXiv</a>. Thank you to arXiv for use of its open access interoperability.</p></footer>
</body>
</html>`;
}
