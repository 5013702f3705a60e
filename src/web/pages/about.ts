import { AGE_OFFSET_HOURS, BASE_POINTS, COMMENT_WEIGHT, GRAVITY } from '../../ranking/trending.js';
import { alternateLinks, feedPaths } from '../feeds/links.js';
import type { Viewer } from '../forms.js';
import { html } from '../../html.js';
import { page } from '../layout.js';

export function trendingAboutPage(viewer: Viewer | undefined) {
  return page({
    title: 'How trending works',
    viewer,
    head: alternateLinks({ title: 'Trending papers', path: feedPaths.trending }),
    body: html`<section class="narrow"><h1>How trending works</h1>
<p>Papers are ranked by a score that grows with votes and comments and shrinks with age, as on Hacker News:</p>
<pre><code>score = (upvotes + ${COMMENT_WEIGHT} × comments + ${BASE_POINTS}) / (age in hours + ${AGE_OFFSET_HOURS}) ^ ${GRAVITY}</code></pre>
<p>A paper's age counts from the start of the day it was listed, or from when a member submitted it. With no votes at all, newer papers come first. On a past day's page every paper has the same age, so the most voted come first.</p>
<p>Follow the trending list in a feed reader: <a href="/feeds/trending.rss">RSS</a> or <a href="/feeds/trending.atom">Atom</a>.</p>
</section>`,
  });
}
