import type { Viewer } from './forms.js';
import { html, type Html } from '../html.js';

export interface PageOptions {
  title: string;
  description?: string;
  body: Html;
  /** Who is looking; pages cached for every visitor leave it out. */
  viewer?: Viewer | undefined;
  /** Extra tags for <head>: feeds, page scripts. */
  head?: Html;
}

function accountNav(viewer: Viewer | undefined): Html {
  if (!viewer?.user) return html`<a href="/signin">Sign in</a><a href="/signup">Sign up</a>`;
  const user = viewer.user;
  return html`<a href="/submit">Submit</a><a href="/u/${user.username}">${user.displayName}</a>${user.role === 'admin' ? html`<a href="/admin">Moderation</a>` : ''}<form method="post" action="/signout" class="inline"><input type="hidden" name="_csrf" value="${viewer.csrf}"><button type="submit" class="link">Sign out</button></form>`;
}

export function page({ title, description, body, viewer, head }: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} · Paperboy</title>
${description ? html`<meta name="description" content="${description}">` : ''}
<link rel="stylesheet" href="/assets/style.css">
${head ?? ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="/">Paperboy</a>
  <nav aria-label="Main"><a href="/">Daily papers</a>${viewer?.user ? html`<a href="/for-you">For you</a>` : ''}<a href="/groups">Groups</a><a href="/search">Search</a></nav>
  <form class="site-search" action="/search" method="get" role="search"><label for="site-q" class="visually-hidden">Search papers</label><input type="search" id="site-q" name="q" maxlength="1000" placeholder="Search papers"></form>
  <nav class="account" aria-label="Account">${accountNav(viewer)}</nav>
</header>
<main id="main">
${body}
</main>
<footer class="site"><p>Metadata from <a href="https://arxiv.org">arXiv</a>. Thank you to arXiv for use of its open access interoperability.</p><p><a href="/subscribe">Papers by email</a> · <a href="/api">API and feeds</a></p></footer>
</body>
</html>`;
}
