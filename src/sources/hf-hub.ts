/**
 * The Hugging Face Hub's listings of the models, datasets and Spaces that cite an arXiv paper
 * (`GET /api/models?filter=arxiv:<id>`, and `/api/datasets`, `/api/spaces` alike, as the Hub
 * documents for paper pages). Each answer is a JSON array of repositories with `id` (`owner/name`),
 * `likes` and, for models and datasets, `downloads`. A 429 pauses the service (`Retry-After`, or
 * five minutes when it gives none).
 */
import { z } from 'zod';
import { jsonBody, retryAfterOf, ServiceError, serviceRequest } from './service.js';

export type HubKind = 'model' | 'dataset' | 'space';

export interface HubRepo {
  kind: HubKind;
  /** `owner/name` */
  id: string;
  likes: number;
  downloads: number | null;
}

export interface HubSettings {
  url: string;
  timeoutMs: number;
}

/** Most repositories of each kind kept for one paper: the page shows the most liked. */
export const HUB_LIMIT = 20;
const RATE_LIMIT_PAUSE_MS = 5 * 60_000;
const PATHS: Record<HubKind, string> = { model: 'models', dataset: 'datasets', space: 'spaces' };

const listing = z.array(
  z.object({
    id: z.string().min(1).max(200),
    likes: z.number().int().min(0).optional(),
    downloads: z.number().int().min(0).optional(),
  }),
);

export class HubClient {
  constructor(private readonly settings: HubSettings) {}

  /** Every model, dataset and Space citing the paper, most liked first within each kind. */
  async citing(arxivId: string, now = Date.now()): Promise<HubRepo[]> {
    const out: HubRepo[] = [];
    for (const kind of ['model', 'dataset', 'space'] as const) out.push(...(await this.list(kind, arxivId, now)));
    return out;
  }

  private async list(kind: HubKind, arxivId: string, now: number): Promise<HubRepo[]> {
    const query = new URLSearchParams({ filter: `arxiv:${arxivId}`, sort: 'likes', direction: '-1', limit: String(HUB_LIMIT) });
    const res = await serviceRequest('Hugging Face Hub', `${this.settings.url}/api/${PATHS[kind]}?${query}`, {
      headers: { accept: 'application/json' },
      timeoutMs: this.settings.timeoutMs,
    });
    if (res.status === 429) throw new ServiceError('Hugging Face Hub', 'rate limited (HTTP 429)', retryAfterOf(res.headers, now) ?? now + RATE_LIMIT_PAUSE_MS, 429);
    if (res.status !== 200) throw new ServiceError('Hugging Face Hub', `HTTP ${res.status} listing ${PATHS[kind]} of ${arxivId}`, retryAfterOf(res.headers, now), res.status);
    const parsed = listing.safeParse(jsonBody('Hugging Face Hub', res));
    if (!parsed.success) throw new ServiceError('Hugging Face Hub', `unexpected answer listing ${PATHS[kind]}: ${parsed.error.issues[0]?.message ?? ''}`, null, 200);
    return parsed.data
      .map((r) => ({ kind, id: r.id, likes: r.likes ?? 0, downloads: kind === 'space' ? null : (r.downloads ?? null) }))
      .sort((a, b) => b.likes - a.likes)
      .slice(0, HUB_LIMIT);
  }
}
