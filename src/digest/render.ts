import type { Period } from '../catalog/periods.js';
import { html, type Html } from '../html.js';
import type { MailMessage } from '../mail/mailer.js';
import type { Paper } from '../papers/paper.js';
import { excerpt } from '../papers/text.js';
import { arxivAbsUrl, arxivPdfUrl, paperPath } from '../papers/urls.js';
import { extrasOf, type SummaryView } from '../store/enrichment.js';
import { getPaper } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import { SECTION_TITLES, type DigestContent, type DigestItem, type DigestSection } from './content.js';
import { subscriptionLink } from './links.js';
import type { MailRecipient } from './subscriptions.js';
import { hiddenAmong } from '../store/visibility.js';

export interface RenderSettings {
  baseUrl: string;
  /** Signs the manage and unsubscribe links. */
  secret: string;
}

interface Entry {
  item: DigestItem;
  paper: Paper;
  block: PaperBlock;
}

/** A paper as every digest shows it; only the reason line differs between readers. */
export interface PaperBlock {
  /** Title, authors and excerpt; the reason and the arXiv links follow. */
  html: Html;
  links: Html;
  text: string;
}

const MAX_AUTHORS = 6;
const SECTIONS: DigestSection[] = ['alerts', 'for-you', 'trending'];

/**
 * Renders digests into mails: an HTML part built for mail clients (one centred table, inline
 * styles, a phone-width rule in <style> for clients that honour it) and a plain-text part with
 * the same content. Papers are read once and kept, since thousands of digests share them.
 */
export class DigestRenderer {
  private readonly papers = new Map<string, Paper | null>();
  /** Each paper's HTML and text, made once: thousands of digests carry the same few hundred papers. */
  private readonly blocks = new Map<string, PaperBlock>();
  /** Each paper's one-line summary, read with the paper. */
  private readonly summaries = new Map<string, SummaryView>();
  /** Read once per renderer: a delivery pass is short, and hiding is rare. */

  constructor(
    private readonly db: Db,
    private readonly settings: RenderSettings,
  ) {}

  async render(content: DigestContent, recipient: MailRecipient): Promise<MailMessage> {
    const entries: Entry[] = [];
    for (const item of content.items) {
      const paper = await this.paper(item.paperId);
      // A paper removed or hidden since the digest was composed is left out.
      if (paper) entries.push({ item, paper, block: this.block(paper) });
    }
    const unsubscribe = subscriptionLink(this.settings.baseUrl, this.settings.secret, 'unsubscribe', recipient);
    const manage = subscriptionLink(this.settings.baseUrl, this.settings.secret, 'manage', recipient);
    const heading = `Your ${content.frequency} papers`;
    const when = describePeriod(content.period);
    const subject = `Paperboy ${content.frequency}: ${count(entries.length)} for ${when}`;
    const links = { manage, unsubscribe };
    return {
      to: recipient.email,
      subject,
      text: renderText(this.settings.baseUrl, heading, when, entries, recipient, links),
      html: renderHtml(this.settings.baseUrl, subject, heading, when, entries, recipient, links).value,
      headers: {
        // RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs to this URL.
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': `Paperboy ${content.frequency} digest <${content.frequency}.digest.${new URL(this.settings.baseUrl).hostname}>`,
      },
    };
  }

  private block(paper: Paper): PaperBlock {
    let block = this.blocks.get(paper.id);
    if (!block) {
      block = paperBlock(this.settings.baseUrl, paper, this.summaries.get(paper.id) ?? null);
      this.blocks.set(paper.id, block);
    }
    return block;
  }

  private async paper(id: string): Promise<Paper | null> {
    // Hidden by a moderator since the digest was composed (it may have waited for a retry).
    if ((await hiddenAmong(this.db, [id])).has(id)) return null;
    if (!this.papers.has(id)) {
      const paper = await getPaper(this.db, id);
      if (paper) this.summaries.set(id, (await extrasOf(this.db, [paper])).get(id)!.summary);
      this.papers.set(id, paper);
    }
    return this.papers.get(id) ?? null;
  }
}

export function count(n: number): string {
  return n === 1 ? '1 paper' : `${n} papers`;
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const SHORT_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "Wednesday 25 November 2026", or "the week of 23 Nov 2026 to 29 Nov 2026". */
export function describePeriod(period: Period): string {
  const day = (d: string) => new Date(`${d}T00:00:00Z`);
  if (period.kind === 'day') return DAY_FORMAT.format(day(period.start)).replace(',', '');
  return `the week of ${SHORT_FORMAT.format(day(period.start))} to ${SHORT_FORMAT.format(day(period.end))}`;
}

function sectionsOf(entries: Entry[]): Array<{ section: DigestSection; entries: Entry[] }> {
  return SECTIONS.map((section) => ({ section, entries: entries.filter((e) => e.item.section === section) })).filter((s) => s.entries.length > 0);
}

function authorsOf(paper: Paper): string {
  const shown = paper.authors.slice(0, MAX_AUTHORS).join(', ');
  return paper.authors.length > MAX_AUTHORS ? `${shown} and ${paper.authors.length - MAX_AUTHORS} more` : shown;
}

function renderText(baseUrl: string, heading: string, when: string, entries: Entry[], recipient: MailRecipient, links: { manage: string; unsubscribe: string }): string {
  const lines = [`${heading} for ${when}`, ''];
  let n = 0;
  for (const { section, entries: list } of sectionsOf(entries)) {
    lines.push(SECTION_TITLES[section].toUpperCase(), '');
    for (const { item, paper, block } of list) {
      lines.push(`${++n}. ${block.text}`, `   ${item.reason}`, `   ${baseUrl}${paperPath(paper.id)}`, '');
    }
  }
  lines.push(
    '-- ',
    `You get this ${recipient.frequency} digest because ${recipient.email} subscribed at ${baseUrl}.`,
    `Manage your subscription: ${links.manage}`,
    `Unsubscribe: ${links.unsubscribe}`,
  );
  return `${lines.join('\n')}\n`;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
export const LINK = 'color:#1d4ed8;text-decoration:underline';

function renderHtml(
  baseUrl: string,
  subject: string,
  heading: string,
  when: string,
  entries: Entry[],
  recipient: MailRecipient,
  links: { manage: string; unsubscribe: string },
): Html {
  return mailDocument({
    baseUrl,
    subject,
    preheader: `${count(entries.length)}: ${entries[0]?.paper.title ?? ''}`,
    heading,
    lead: `${when} · ${count(entries.length)}`,
    body: html`${sectionsOf(entries).map(
      ({ section, entries: list }) => html`${sectionHeading(SECTION_TITLES[section])}
${list.map(({ item, block }) => paperEntry(block, item.reason))}`,
    )}`,
    footer: html`You get this ${recipient.frequency} digest because ${recipient.email} subscribed at <a href="${baseUrl}/" style="color:#71717a;">${new URL(baseUrl).host}</a>.<br>
<a href="${links.manage}" style="${LINK}">Manage your subscription</a> · <a href="${links.unsubscribe}" style="${LINK}">Unsubscribe</a>`,
  });
}

/**
 * A mail's HTML, built for mail clients: one centred table, inline styles, a phone-width rule in
 * <style> for clients that honour it. Every digest (the site's, a group's) is one of these.
 */
export function mailDocument(o: { baseUrl: string; subject: string; preheader: string; heading: string; lead: string; body: Html; footer: Html }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${o.subject}</title>
<style>
@media (max-width: 640px) {
  .container { width: 100% !important; border-radius: 0 !important; }
  .pad { padding: 20px 16px !important; }
  .outer { padding: 0 !important; }
}
</style>
</head>
<body style="margin:0;padding:0;background:#f4f4f5;">
<div style="display:none;max-height:0;overflow:hidden;">${o.preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5;">
<tr><td class="outer" align="center" style="padding:24px 8px;">
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background:#ffffff;border-radius:8px;">
<tr><td class="pad" style="padding:28px 32px;font-family:${FONT};color:#18181b;font-size:15px;line-height:1.5;overflow-wrap:anywhere;word-break:break-word;">
<p style="margin:0 0 4px;font-size:13px;letter-spacing:.04em;text-transform:uppercase;color:#71717a;"><a href="${o.baseUrl}/" style="color:#71717a;text-decoration:none;">Paperboy</a></p>
<h1 style="margin:0 0 4px;font-size:24px;line-height:1.25;">${o.heading}</h1>
<p style="margin:0 0 24px;color:#52525b;">${o.lead}</p>
${o.body}
<p style="margin:32px 0 0;padding-top:16px;border-top:1px solid #e4e4e7;font-size:13px;color:#71717a;">${o.footer}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}

export function sectionHeading(title: string): Html {
  return html`<h2 style="margin:28px 0 12px;font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:#71717a;border-bottom:1px solid #e4e4e7;padding-bottom:6px;">${title}</h2>`;
}

/** A paper in a mail with the line under it: why it is there, and its arXiv links. */
export function paperEntry(block: PaperBlock, reason: string): Html {
  return html`<div style="margin:0 0 22px;">
${block.html}
<p style="margin:0;font-size:13px;color:#71717a;"><em>${reason}</em> · ${block.links}</p>
</div>`;
}

/** A model's one-line summary when there is one (keywords after it), else the start of the abstract. */
export function paperBlock(baseUrl: string, paper: Paper, summary: SummaryView | null = null): PaperBlock {
  const llm = summary?.source === 'llm' ? summary : null;
  return {
    html: html`<h3 style="margin:0 0 4px;font-size:17px;line-height:1.35;"><a href="${baseUrl}${paperPath(paper.id)}" style="color:#1d4ed8;text-decoration:none;">${paper.title}</a></h3>
<p style="margin:0 0 6px;font-size:14px;color:#52525b;">${authorsOf(paper)}</p>
${llm ? html`<p style="margin:0 0 6px;font-size:14px;"><strong>In one line:</strong> ${llm.text}</p>` : ''}
<p style="margin:0 0 6px;font-size:14px;">${excerpt(paper.abstract)}</p>`,
    links: html`<a href="${arxivAbsUrl(paper)}" style="${LINK}">arXiv</a> · <a href="${arxivPdfUrl(paper)}" style="${LINK}">PDF</a>`,
    text: `${paper.title}\n   ${authorsOf(paper)}${llm ? `\n   In one line: ${llm.text}` : ''}`,
  };
}
