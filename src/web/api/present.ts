/**
 * The public shape of papers, the same as the public daily-papers API's: every route that
 * answers with papers (`/api/daily_papers`, `/api/papers/{id}`, `/api/papers/search`,
 * `POST /api/papers/index`) goes through these functions, so storage can change without the API
 * changing. The shapes are zod schemas only so that the OpenAPI description (openapi.ts) is made
 * from them and cannot drift from the code; responses are not parsed with them. docs/api.md
 * describes the same fields.
 */
import { z } from 'zod';
import type { PublicUser } from '../../community/users.js';
import { LINK_KINDS, type Paper } from '../../papers/paper.js';
import { codeLinkOf } from '../../papers/code.js';
import type { ListedPaper } from '../../ranking/period-papers.js';
import type { HubLink } from '../../store/enrichment.js';

const dateTime = z.string().meta({ format: 'date-time' });
const count = z.number().int().min(0);
const link = z.string().nullable();

export const authorSchema = z.object({ name: z.string() });

/** A member as the public API shows one: `name` is the handle, `fullname` the display name. */
export const submitterSchema = z
  .object({
    name: z.string().meta({ description: 'Their handle.' }),
    user: z.string().meta({ description: 'Their handle again, as the public API also names it.' }),
    fullname: z.string().meta({ description: 'Their display name.' }),
    type: z.literal('user'),
  })
  .meta({ description: 'A member.' });

export const paperSchema = z.object({
  id: z.string().meta({ description: 'arXiv id without version: `2401.12345` or `hep-th/9901001`.' }),
  title: z.string(),
  summary: z.string().meta({ description: 'The abstract, as arXiv has it (LaTeX left as written).' }),
  authors: z.array(authorSchema),
  publishedAt: dateTime.meta({ description: "arXiv's first version, or the start of its listing day when arXiv did not say." }),
  upvotes: count,
  submittedOnDailyAt: dateTime.meta({ description: "When it appeared on this site: a member's submission, or the start of its listing day." }),
  categories: z.array(z.string()).meta({ description: 'arXiv categories, primary first.' }),
  submittedOnDailyBy: submitterSchema.nullable().meta({ description: 'Who put it on the daily page: the member who submitted it or the moderator who picked it; null for papers only listed by arXiv.' }),
  githubRepo: link.meta({ description: 'Its code: a GitHub repository when one is named in the abstract or comments, else the first code link.' }),
  githubStars: count.nullable().meta({ description: "The GitHub repository's stars, refreshed daily while the paper is recent; null until GitHub has been asked, or when the code is not on GitHub." }),
  projectPage: link.meta({ description: 'Its project page, when one is named.' }),
  ai_summary: z.string().meta({ description: 'A one-line summary: written by the language model the instance configured (`summarySource` `llm`), else a sentence of the abstract (`extractive`).' }),
  ai_keywords: z.array(z.string()).meta({ description: "Keywords from the language model; empty for an extractive summary." }),
  ai_summary_model: link.meta({ description: 'The model that wrote `ai_summary`; null for an extractive one.' }),
  summarySource: z.enum(['llm', 'extractive']).meta({ description: 'Where `ai_summary` comes from.' }),
});

/** One entry of `/api/daily_papers` (and of search results). */
export const dailyPaperSchema = z
  .object({
    paper: paperSchema,
    title: z.string(),
    summary: z.string(),
    publishedAt: dateTime.meta({ description: 'When it appeared on this site (as `paper.submittedOnDailyAt`).' }),
    submittedBy: submitterSchema.nullable().meta({ description: 'The member who submitted it; null for papers from the arXiv listing.' }),
    numComments: count,
    githubRepo: link,
    projectPage: link,
    isAuthorParticipating: z.boolean().meta({ description: 'Always false: accounts are not linked to paper authors.' }),
  })
  .meta({ description: 'One paper of a list, with what the list shows beside it.' });

/** `/api/papers/{id}`: the paper with its catalog details. */
const hubRepoSchema = z.object({
  id: z.string().meta({ description: '`owner/name` on the Hugging Face Hub.' }),
  likes: count,
  downloads: count.nullable().meta({ description: 'Downloads in the last month, as the Hub counts them; null for Spaces.' }),
});

export const paperDetailSchema = paperSchema.extend({
  numComments: count,
  githubPushedAt: dateTime.nullable().meta({ description: "The GitHub repository's last push, when known." }),
  linkedModels: z.array(hubRepoSchema).meta({ description: 'Models on the Hugging Face Hub that cite the paper, most liked first; empty until looked up.' }),
  linkedDatasets: z.array(hubRepoSchema),
  linkedSpaces: z.array(hubRepoSchema).meta({ description: 'Spaces (demos) on the Hub that cite the paper.' }),
  version: z.number().int().min(1).meta({ description: 'Latest version known.' }),
  updatedAt: dateTime.nullable().meta({ description: "The latest version's date." }),
  comment: link.meta({ description: "The authors' comment on arXiv (pages, figures, venue)." }),
  journalRef: link,
  doi: link,
  links: z
    .array(z.object({ kind: z.enum(LINK_KINDS), url: z.string() }))
    .meta({ description: 'Code, project, model and dataset links found in the abstract and comments.' }),
});

export type PaperJson = z.output<typeof paperSchema>;
export type SubmitterJson = z.output<typeof submitterSchema>;
export type DailyPaperJson = z.output<typeof dailyPaperSchema>;
export type PaperDetailJson = z.output<typeof paperDetailSchema>;

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
    submittedOnDailyBy: presentSubmitter(item.submittedBy),
    categories: paper.categories,
    githubRepo: codeLinkOf(paper)?.url ?? null,
    githubStars: item.code?.stars ?? null,
    projectPage: projectPage(paper),
    ai_summary: item.summary.text,
    ai_keywords: item.summary.keywords,
    ai_summary_model: item.summary.model,
    summarySource: item.summary.source,
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

export function presentPaperDetail(item: ListedPaper, hub: HubLink[]): PaperDetailJson {
  const { paper } = item;
  const linked = (kind: HubLink['kind']) => hub.filter((h) => h.kind === kind).map((h) => ({ id: h.id, likes: h.likes, downloads: h.downloads }));
  return {
    ...presentPaper(item),
    numComments: item.comments,
    githubPushedAt: item.code?.pushedAt ?? null,
    linkedModels: linked('model'),
    linkedDatasets: linked('dataset'),
    linkedSpaces: linked('space'),
    version: paper.version,
    updatedAt: paper.updated,
    comment: paper.comment,
    journalRef: paper.journalRef,
    doi: paper.doi,
    links: paper.links.map((l) => ({ kind: l.kind, url: l.url })),
  };
}

export function presentSubmitter(user: PublicUser | null): SubmitterJson | null {
  return user ? { name: user.username, user: user.username, fullname: user.displayName, type: 'user' } : null;
}

function publishedAt(paper: Paper): string {
  return paper.published ?? `${paper.day}T00:00:00.000Z`;
}

function projectPage(paper: Paper): string | null {
  return paper.links.find((l) => l.kind === 'project')?.url ?? null;
}
