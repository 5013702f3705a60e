/**
 * `GET /papers/{id}.md`: the paper page as CommonMark, for notes apps and language models.
 * Paper text and members' comments are data, not Markdown: every piece is escaped so it renders
 * exactly as written (no links, emphasis or HTML smuggled in through a title or a comment).
 */
import type { FastifyReply } from 'fastify';
import { listComments, type CommentNode } from '../../community/comments.js';
import { hiddenAmong } from '../../store/visibility.js';
import { statsOf } from '../../community/paper-stats.js';
import { submissionOf } from '../../community/submissions.js';
import { getUser } from '../../community/users.js';
import { formatArxivId, parseArxivId } from '../../papers/arxiv-id.js';
import { submittedWhen } from '../../papers/dates.js';
import type { Paper } from '../../papers/paper.js';
import { arxivAbsUrl, arxivPdfUrl, paperPath } from '../../papers/urls.js';
import { getPaper } from '../../store/papers.js';
import type { Db } from '../../store/schema.js';
import { safeUrl } from '../../html.js';

export interface MarkdownView {
  paper: Paper;
  upvotes: number;
  comments: CommentNode[];
  submission: { username: string; displayName: string; at: string } | null;
  hidden: boolean;
  baseUrl: string;
}

export async function sendPaperMarkdown(db: Db, baseUrl: string, rawId: string, reply: FastifyReply) {
  const parsed = parseArxivId(rawId);
  const text = (status: number, body: string) => reply.code(status).type('text/plain; charset=utf-8').send(body);
  if (!parsed) return text(404, `"${rawId.slice(0, 80)}" is not an arXiv id.\n`);
  const body = await paperMarkdownById(db, baseUrl, parsed.id);
  if (body === null) return text(404, `arXiv:${parsed.id} is not in this catalog.\n`);
  return reply.type('text/markdown; charset=utf-8').send(body);
}

/** A stored paper as Markdown, with its votes, discussion and submitter; null when it is not in the catalog. */
export async function paperMarkdownById(db: Db, baseUrl: string, paperId: string): Promise<string | null> {
  const paper = await getPaper(db, paperId);
  if (!paper) return null;
  const [stats, comments, submission, hidden] = await Promise.all([statsOf(db, [paper.id]), listComments(db, paper.id), submissionOf(db, paper.id), hiddenAmong(db, [paper.id])]);
  const submitter = submission ? await getUser(db, submission.submittedBy) : null;
  return paperMarkdown({
    paper,
    upvotes: stats.get(paper.id)?.upvotes ?? 0,
    comments,
    submission: submission && submitter ? { username: submitter.username, displayName: submitter.displayName, at: submission.submittedAt } : null,
    hidden: hidden.has(paper.id),
    baseUrl,
  });
}

export function paperMarkdown(view: MarkdownView): string {
  const { paper, baseUrl } = view;
  const submitted = submittedWhen(paper);
  const facts = [
    `**arXiv:** ${link(formatArxivId(paper.id, paper.version), arxivAbsUrl(paper))} · ${link('PDF', arxivPdfUrl(paper))}`,
    `**Categories:** ${escapeInline(paper.categories.join(', '))}`,
    [
      submitted ? `**Published:** ${escapeInline(submitted)}` : null,
      paper.updated ? `**Updated:** ${escapeInline(paper.updated.slice(0, 10))}` : null,
      `**Listed on:** ${link(paper.day, `${baseUrl}/day/${paper.day}`)}`,
    ]
      .filter((part) => part !== null)
      .join(' · '),
    view.submission ? `**Submitted by:** ${link(view.submission.displayName, `${baseUrl}/u/${encodeURIComponent(view.submission.username)}`)} on ${escapeInline(view.submission.at.slice(0, 10))}` : null,
    `**Upvotes:** ${view.upvotes} · **Comments:** ${countComments(view.comments)}`,
    paper.comment ? `**Author comments:** ${escapeInline(paper.comment)}` : null,
    paper.journalRef ? `**Journal reference:** ${escapeInline(paper.journalRef)}` : null,
    paper.doi ? `**DOI:** ${escapeInline(paper.doi)}` : null,
    paper.license ? `**Licence:** ${link(paper.license, paper.license)}` : null,
    ...paper.links.map((l) => `**${l.kind[0]!.toUpperCase()}${l.kind.slice(1)}:** ${link(l.url, l.url)}`),
  ].filter((line): line is string => line !== null);

  const out = [
    `# ${escapeInline(paper.title)}`,
    '',
    escapeBlock(paper.authors.join(', ')),
    '',
    ...(view.hidden ? ['*A moderator has hidden this paper from lists.*', ''] : []),
    ...facts.map((f) => `- ${f}`),
    '',
    '## Abstract',
    '',
    ...paragraphs(paper.abstract).flatMap((p) => [p, '']),
    '## Discussion',
    '',
    ...(view.comments.length === 0 ? ['No comments yet.', ''] : view.comments.flatMap((c) => comment(c, baseUrl))),
    '---',
    '',
    link('This paper on Paperboy', `${baseUrl}${paperPath(paper.id)}`),
    '',
  ];
  return out.join('\n');
}

/** A comment and its replies; replies are quoted one level deeper than what they answer. */
function comment(node: CommentNode, baseUrl: string): string[] {
  const who = node.author ? `**${escapeInline(node.author.displayName)}** (${link(`@${node.author.username}`, `${baseUrl}/u/${encodeURIComponent(node.author.username)}`)})` : '*someone*';
  const body = node.state === 'visible' ? paragraphs(node.body) : [node.state === 'deleted' ? '*Deleted by its author.*' : '*Removed by a moderator.*'];
  const lines = [`${who} · ${escapeInline(node.createdAt.slice(0, 10))}`, '', ...body.flatMap((p) => [p, ''])];
  for (const child of node.children) lines.push(...comment(child, baseUrl).map((line) => (line === '' ? '>' : `> ${line}`)), '');
  return lines;
}

function countComments(nodes: CommentNode[]): number {
  return nodes.reduce((n, c) => n + (c.state === 'visible' ? 1 : 0) + countComments(c.children), 0);
}

/** `[text](<url>)` for http(s) URLs; anything else is shown as text, never a link. */
function link(text: string, url: string): string {
  const safe = safeUrl(url);
  return safe ? `[${escapeInline(text)}](<${safe.replace(/[<>\s]/g, encodeURIComponent)}>)` : escapeInline(text);
}

/** Paragraphs split on blank lines, each on one line and escaped. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map(escapeBlock)
    .filter((p) => p !== '');
}

/** One paragraph: inline escapes, plus what would start a heading, list, quote or code block. */
export function escapeBlock(text: string): string {
  return escapeInline(text).replace(/^(\d+)([.)])/, '$1\\$2').replace(/^([-=])/, '\\$1');
}

/**
 * Text shown as written by CommonMark: whitespace collapsed to single spaces (so nothing starts a
 * block), control characters dropped, and every character that could start emphasis, code, a
 * link, an autolink, raw HTML, an entity, a table cell or strikethrough backslash-escaped.
 */
export function escapeInline(text: string): string {
  return text
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]()<>#+!|~&]/g, '\\$&');
}
