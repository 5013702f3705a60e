/**
 * What the MCP tools answer with: short enough for an assistant's context. A paper is its id,
 * title, authors, day, categories, a one-line summary (the abstract's first sentence) and its
 * links; the whole paper is `get_paper` or the `paperboy://papers/{id}` resource.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Paper } from '../../papers/paper.js';
import { firstSentence } from '../../papers/text.js';
import { arxivAbsUrl, paperPath } from '../../papers/urls.js';

export interface PaperBrief {
  id: string;
  title: string;
  authors: string;
  day: string;
  categories: string[];
  summary: string;
  url: string;
  arxiv: string;
}

const AUTHORS_SHOWN = 3;

export function paperBrief(paper: Paper, baseUrl: string): PaperBrief {
  const authors = paper.authors.slice(0, AUTHORS_SHOWN).join(', ') + (paper.authors.length > AUTHORS_SHOWN ? ' et al.' : '');
  return {
    id: paper.id,
    title: paper.title,
    authors,
    day: paper.day,
    categories: paper.categories,
    summary: firstSentence(paper.abstract),
    url: `${baseUrl}${paperPath(paper.id)}`,
    arxiv: arxivAbsUrl(paper),
  };
}

/** A tool's answer: the value as JSON text (what every client shows the model) and as structured content. */
export function jsonResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}
