/**
 * The public shape of papers, the same as the public daily-papers API's: every route that
 * answers with papers (`/api/daily_papers`, `/api/papers/{id}`, `/api/papers/search`,
 * `POST /api/papers/index`) goes through these functions, so storage can change without the API
 * changing. docs/api.md and the OpenAPI description (openapi.ts) describe the same fields.
 */
import type { PublicUser } from '../../community/users.js';
import type { Paper } from '../../papers/paper.js';
import type { ListedPaper } from '../../ranking/period-papers.js';

export interface PaperJson {
  id: string;
  title: string;
  summary: string;
  authors: { name: string }[];
  /** arXiv's first version (ISO 8601), or the paper's listing day when arXiv did not say. */
  publishedAt: string;
  upvotes: number;
  /** When it appeared on this site: its submission, or the start of its listing day. */
  submittedOnDailyAt: string;
  categories: string[];
  githubRepo: string | null;
  projectPage: string | null;
}

/** A member as the public API shows one: `name` is the handle, `fullname` the display name. */
export interface SubmitterJson {
  name: string;
  fullname: string;
}

/** One entry of `/api/daily_papers` (and of search results). */
export interface DailyPaperJson {
  paper: PaperJson;
  title: string;
  summary: string;
  publishedAt: string;
  submittedBy: SubmitterJson | null;
  numComments: number;
  githubRepo: string | null;
  projectPage: string | null;
  /** Paperboy does not link accounts to paper authors, so this is always false. */
  isAuthorParticipating: boolean;
}

/** `/api/papers/{id}`: the paper with its catalog details. */
export interface PaperDetailJson extends PaperJson {
  numComments: number;
  submittedOnDailyBy: SubmitterJson | null;
  version: number;
  updatedAt: string | null;
  comment: string | null;
  journalRef: string | null;
  doi: string | null;
  links: { kind: string; url: string }[];
}

export function presentPaper(item: ListedPaper): PaperJson {
  const { paper } = item;
  return {
    id: paper.id,
    title: paper.title,
    summary: paper.abstract,
    authors: paper.authors.map((name) => ({ name })),
    publishedAt: publishedAt(paper),
    upvotes: item.upvotes,
    submittedOnDailyAt: item.appearedAt,
    categories: paper.categories,
    githubRepo: githubRepo(paper),
    projectPage: projectPage(paper),
  };
}

export function presentDailyPaper(item: ListedPaper): DailyPaperJson {
  const paper = presentPaper(item);
  return {
    paper,
    title: paper.title,
    summary: paper.summary,
    // In the daily-papers API the entry's date is when it was put on the daily page.
    publishedAt: item.appearedAt,
    submittedBy: presentSubmitter(item.submittedBy),
    numComments: item.comments,
    githubRepo: paper.githubRepo,
    projectPage: paper.projectPage,
    isAuthorParticipating: false,
  };
}

export function presentPaperDetail(item: ListedPaper): PaperDetailJson {
  const { paper } = item;
  return {
    ...presentPaper(item),
    numComments: item.comments,
    submittedOnDailyBy: presentSubmitter(item.submittedBy),
    version: paper.version,
    updatedAt: paper.updated,
    comment: paper.comment,
    journalRef: paper.journalRef,
    doi: paper.doi,
    links: paper.links.map((l) => ({ kind: l.kind, url: l.url })),
  };
}

function presentSubmitter(user: PublicUser | null): SubmitterJson | null {
  return user ? { name: user.username, fullname: user.displayName } : null;
}

function publishedAt(paper: Paper): string {
  return paper.published ?? `${paper.day}T00:00:00.000Z`;
}

/** The paper's code: a GitHub repository when it names one, else its first code link. */
function githubRepo(paper: Paper): string | null {
  const code = paper.links.filter((l) => l.kind === 'code');
  return (code.find((l) => /^https?:\/\/(www\.)?github\.com\//i.test(l.url)) ?? code[0])?.url ?? null;
}

function projectPage(paper: Paper): string | null {
  return paper.links.find((l) => l.kind === 'project')?.url ?? null;
}
