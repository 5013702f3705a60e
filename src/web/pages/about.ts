import { AUTHOR_POINTS, CODE_POINTS, LATER_ANNOUNCEMENT_POINTS, STAR_POINTS } from '../../ranking/before-votes.js';
import { TREND_WINDOW_DAYS } from '../../ranking/code-trend.js';
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
<h2>Before the first vote</h2>
<p>Every paper of a morning's announcement starts at zero votes and the same age, so trending alone cannot tell them apart. Among papers with the same score, the order is:</p>
<ol>
<li>For a signed-in member, their <a href="/for-you">"for you"</a> picks first, best first.</li>
<li>Then, for everyone, a score that needs no votes:
<pre><code>${CODE_POINTS} × (code released) + ${STAR_POINTS} × log10(1 + GitHub stars) + ${AUTHOR_POINTS} × log10(1 + upvotes of the authors' earlier papers here) ${LATER_ANNOUNCEMENT_POINTS} × (a cross-list or replacement)</code></pre>
So a paper with code comes before one without, a few hundred stars count a little more, ten upvotes for its authors' earlier papers on this site count as much as having code, and new papers come before cross-lists and replacements where the announcement's type is known.</li>
<li>Then the newest arXiv id.</li>
</ol>
<h2>Featured papers</h2>
<p>The day, week and month pages start with the featured papers: those members submitted (within 14 days of a paper's listing) and those moderators picked, ranked by the same score. The rest of the period's new papers follow under "All new papers", which can be filtered by words, category and code, and sorted by "trending code": the stars a paper's repository gained per day over the last ${TREND_WINDOW_DAYS} days (for a repository first seen today, its stars over its age).</p>
<p>Follow the trending list in a feed reader: <a href="/feeds/trending.rss">RSS</a> or <a href="/feeds/trending.atom">Atom</a>.</p>
</section>`,
  });
}
