/**
 * What lists and paper pages show beside a paper from the outside services: its code with the
 * repository's stars and last push, its one-line summary and keywords, and the Hub's models,
 * datasets and Spaces citing it. Read for a whole page at once (one query per kind, not per card);
 * written by the jobs in src/enrich/. Nothing here waits on a service: what is not stored yet is
 * missing, and a paper without a model-written summary gets a sentence of its abstract.
 */
import { codeLinkOf } from '../papers/code.js';
import type { Paper } from '../papers/paper.js';
import { extractiveSummary } from '../papers/summary.js';
import { perStatement } from './chunks.js';
import type { Db, HubKind } from './schema.js';

export interface PaperCode {
  url: string;
  /** `owner/name` on GitHub, or null for code elsewhere. */
  repo: string | null;
  /** Null until GitHub has been asked (or when the code is not on GitHub). */
  stars: number | null;
  pushedAt: string | null;
}

export interface SummaryView {
  text: string;
  keywords: string[];
  /** `llm`: written by the configured language model; `extractive`: a sentence of the abstract. */
  source: 'llm' | 'extractive';
  /** The model that wrote it, for `llm`. */
  model: string | null;
}

export interface PaperExtras {
  code: PaperCode | null;
  summary: SummaryView;
}

export async function extrasOf(db: Db, papers: readonly Paper[]): Promise<Map<string, PaperExtras>> {
  const codes = new Map(papers.map((p) => [p.id, codeLinkOf(p)]));
  const repos = [...new Set([...codes.values()].flatMap((c) => (c?.repo ? [c.repo] : [])))];
  const ids = [...new Set(papers.map((p) => p.id))];
  const [repoRows, summaryRows] = await Promise.all([inChunks(repos, (chunk) => repoFacts(db, chunk)), inChunks(ids, (chunk) => storedSummaries(db, chunk))]);
  const byRepo = new Map(repoRows.map((r) => [r.repo, r]));
  const summaries = new Map(summaryRows.map((r) => [r.paper_id, r]));
  const out = new Map<string, PaperExtras>();
  for (const paper of papers) {
    const link = codes.get(paper.id) ?? null;
    const facts = link?.repo ? byRepo.get(link.repo) : undefined;
    const stored = summaries.get(paper.id);
    out.set(paper.id, {
      code: link ? { url: link.url, repo: link.repo, stars: facts?.status === 'ok' ? facts.stars : null, pushedAt: facts?.status === 'ok' ? facts.pushed_at : null } : null,
      summary: stored?.summary
        ? { text: stored.summary, keywords: parseKeywords(stored.keywords), source: 'llm', model: stored.model }
        : { text: extractiveSummary(paper.abstract), keywords: [], source: 'extractive', model: null },
    });
  }
  return out;
}

export interface HubLink {
  kind: HubKind;
  id: string;
  likes: number;
  downloads: number | null;
}

/** The Hub's models, datasets and Spaces citing a paper, most liked first; empty until looked up. */
export async function hubLinksOf(db: Db, paperId: string): Promise<HubLink[]> {
  const rows = await db
    .selectFrom('hub_links')
    .select(['kind', 'hub_id', 'likes', 'downloads'])
    .where('paper_id', '=', paperId)
    .orderBy('likes', 'desc')
    .orderBy('hub_id')
    .execute();
  return rows.map((r) => ({ kind: r.kind, id: r.hub_id, likes: Number(r.likes), downloads: r.downloads === null ? null : Number(r.downloads) }));
}

export interface StarHistory {
  stars: number;
  createdAt: string | null;
  /** The oldest count kept since the day asked for, if any. */
  since: { day: string; stars: number } | null;
}

/** Stars now and the oldest count since `sinceDay` of each repository, for "stars gained per day". */
export async function starHistories(db: Db, repos: readonly string[], sinceDay: string): Promise<Map<string, StarHistory>> {
  const unique = [...new Set(repos)];
  const [current, samples] = await Promise.all([
    inChunks(unique, (chunk) => repoFacts(db, chunk)),
    inChunks(unique, (chunk) =>
      db.selectFrom('code_repo_stars').select(['repo', 'day', 'stars']).where('repo', 'in', chunk).where('day', '>=', sinceDay).orderBy('day').execute(),
    ),
  ]);
  const oldest = new Map<string, { day: string; stars: number }>();
  for (const s of samples) if (!oldest.has(s.repo)) oldest.set(s.repo, { day: s.day, stars: Number(s.stars) });
  const out = new Map<string, StarHistory>();
  for (const r of current) {
    if (r.status !== 'ok' || r.stars === null) continue;
    out.set(r.repo, { stars: Number(r.stars), createdAt: r.created_at, since: oldest.get(r.repo) ?? null });
  }
  return out;
}

function repoFacts(db: Db, repos: string[]) {
  return db.selectFrom('code_repos').select(['repo', 'status', 'stars', 'pushed_at', 'created_at']).where('repo', 'in', repos).execute();
}

function storedSummaries(db: Db, ids: string[]) {
  return db.selectFrom('paper_summaries').select(['paper_id', 'summary', 'keywords', 'model']).where('paper_id', 'in', ids).where('status', '=', 'done').execute();
}

async function inChunks<T, R>(items: readonly T[], read: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const chunk of perStatement(items)) out.push(...(await read(chunk)));
  return out;
}

function parseKeywords(json: string | null): string[] {
  try {
    const list: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
