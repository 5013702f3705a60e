/** The tools anyone may call: search, the papers of a day, week or month, one paper, similar papers. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { papersOfPeriod } from '../../ranking/period-papers.js';
import { getPaper } from '../../store/papers.js';
import type { Db } from '../../store/schema.js';
import { paperMarkdownById } from '../api/markdown.js';
import { searchText } from '../api/params.js';
import { arxivIdText, dailyPapersParameters, onePeriod, periodAsked, periodParameters } from '../api/routes.js';
import { searchApiParameters, searchFilters } from '../search-routes.js';
import { guarded, ToolRefusal, type McpDeps } from './context.js';
import { jsonResult, paperBrief, textResult } from './results.js';

export const MAX_TOOL_RESULTS = 50;

const limit = (fallback: number, max = MAX_TOOL_RESULTS) =>
  z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback).describe(`How many papers, 1 to ${max}.`);

export const paperIdArgument = arxivIdText.describe('The paper: an arXiv id such as 2401.12345 or hep-th/9901001 (a version or an arxiv.org link is fine too).');

export function registerReadTools(server: McpServer, deps: McpDeps): void {
  const { db, baseUrl, log } = deps;
  const readOnly = { readOnlyHint: true, openWorldHint: false };

  server.registerTool(
    'search_papers',
    {
      title: 'Search papers',
      description:
        'Searches the catalog by keyword (BM25 over title, authors and abstract), by meaning (semantic, embeddings) or both (hybrid, the default). ' +
        'The query takes the search box syntax: words, "a phrase", prefix*, -excluded, cat:cs.CL, author:"Name", after:2025-01-01, before:2025-06-30. ' +
        'Answers with each paper\'s id, title, authors, day, categories, first sentence of the abstract and links; read a whole paper with get_paper.',
      inputSchema: z.object({
        query: searchText.describe('What to look for, in the search box syntax.'),
        mode: searchApiParameters.shape.mode.describe('keyword, semantic or hybrid (the default).'),
        category: searchApiParameters.shape.cat.describe('Only this arXiv category (cs.CL) or archive (cs).'),
        author: searchApiParameters.shape.author.describe('Only papers by this author.'),
        after: searchApiParameters.shape.after.describe('Only papers listed on this day or later, YYYY-MM-DD.'),
        before: searchApiParameters.shape.before.describe('Only papers listed on this day or earlier, YYYY-MM-DD.'),
        limit: limit(10),
      }),
      annotations: readOnly,
    },
    guarded(log, async (args) => {
      const search = await deps.search;
      const { hits, notes } = await search.search({ query: args.query, mode: args.mode, limit: args.limit, filters: searchFilters({ ...args, cat: args.category }) });
      return jsonResult({ query: args.query, mode: args.mode, ...(notes.length > 0 ? { notes } : {}), papers: hits.map((h) => paperBrief(h.paper, baseUrl)) });
    }),
  );

  server.registerTool(
    'daily_papers',
    {
      title: 'Papers of a day, week or month',
      description:
        'Lists the papers of a day (date), an ISO week (week) or a month (month), as the site\'s daily, weekly and monthly pages do; ' +
        'with none of them, the latest day that has papers. Sorted by publication date (newest first) or trending (votes and age).',
      inputSchema: z
        .object({
          ...periodParameters,
          sort: dailyPapersParameters.shape.sort,
          limit: limit(20, 100),
        })
        .superRefine(onePeriod),
      annotations: readOnly,
    },
    guarded(log, async (args) => {
      const period = await periodAsked(db, args);
      if (!period) return jsonResult({ period: null, total: 0, papers: [] });
      const listing = await papersOfPeriod(db, period, { sort: args.sort, limit: args.limit, offset: 0, now: new Date() });
      return jsonResult({
        period: { kind: period.kind, key: period.key, start: period.start, end: period.end },
        sort: args.sort,
        total: listing.total,
        papers: listing.items.map((item) => ({ ...paperBrief(item.paper, baseUrl), upvotes: item.upvotes, comments: item.comments })),
      });
    }),
  );

  server.registerTool(
    'get_paper',
    {
      title: 'Read a paper',
      description: 'One paper in full, as Markdown: title, authors, arXiv and PDF links, categories, dates, links to code, the abstract and the discussion on this site.',
      inputSchema: z.object({ paper_id: paperIdArgument }),
      annotations: readOnly,
    },
    guarded(log, async ({ paper_id }) => textResult(await markdownOf(db, baseUrl, paper_id))),
  );

  server.registerTool(
    'similar_papers',
    {
      title: 'Similar papers',
      description: 'Papers most like a given one, by the meaning of their titles and abstracts (or, before any vectors exist, by its title\'s words).',
      inputSchema: z.object({ paper_id: paperIdArgument, limit: limit(10) }),
      annotations: readOnly,
    },
    guarded(log, async ({ paper_id, limit }) => {
      const paper = await storedPaper(db, paper_id);
      const hits = await (await deps.search).similar(paper.id, limit);
      return jsonResult({ paper_id: paper.id, papers: hits.map((h) => paperBrief(h.paper, baseUrl)) });
    }),
  );
}

/** The stored paper an argument names (already checked to be an arXiv id), or a refusal naming the argument. */
export async function storedPaper(db: Db, raw: string) {
  const id = parseArxivId(raw)!.id;
  const paper = await getPaper(db, id);
  if (!paper) throw new ToolRefusal(`paper_id: arXiv:${id} is not in this catalog.`);
  return paper;
}

async function markdownOf(db: Db, baseUrl: string, raw: string): Promise<string> {
  const id = parseArxivId(raw)!.id;
  const markdown = await paperMarkdownById(db, baseUrl, id);
  if (markdown === null) throw new ToolRefusal(`paper_id: arXiv:${id} is not in this catalog.`);
  return markdown;
}
