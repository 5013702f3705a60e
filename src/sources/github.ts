/**
 * GitHub's REST API, for the stars and last push of the repositories papers name
 * (`GET /repos/{owner}/{repo}`). Polite as GitHub asks: conditional requests (`If-None-Match`
 * with the stored ETag; a 304 costs no rate limit with a token), an optional token, and a pause
 * when `x-ratelimit-remaining` reaches 0 (until `x-ratelimit-reset`) or a 403/429 says so
 * (`Retry-After`, or a minute for a secondary limit that gives no time).
 */
import { z } from 'zod';
import { jsonBody, retryAfterOf, ServiceError, serviceRequest } from './service.js';

export type RepoAnswer =
  | { kind: 'found'; stars: number; pushedAt: string | null; createdAt: string | null; etag: string | null }
  | { kind: 'not-modified' }
  /** 404 (gone, renamed away, private) or 451 (blocked): asked again only rarely. */
  | { kind: 'missing' };

export interface GitHubSettings {
  apiUrl: string;
  token: string | null;
  timeoutMs: number;
}

/** What GitHub asks a client to wait when it says neither `Retry-After` nor a reset time. */
export const SECONDARY_LIMIT_PAUSE_MS = 60_000;

const repoSchema = z.object({
  stargazers_count: z.number().int().min(0),
  pushed_at: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
});

export class GitHubClient {
  /** Epoch ms until which GitHub asked not to be called (the primary limit used up); 0 when free. */
  pausedUntil = 0;

  constructor(private readonly settings: GitHubSettings) {}

  /** A repository by `owner/name`; `etag` from the last answer makes the request conditional. */
  async repo(repo: string, etag: string | null, now = Date.now()): Promise<RepoAnswer> {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    if (etag) headers['if-none-match'] = etag;
    const [owner, name] = repo.split('/').map(encodeURIComponent);
    const res = await serviceRequest('GitHub', `${this.settings.apiUrl}/repos/${owner}/${name}`, { headers, timeoutMs: this.settings.timeoutMs });
    const remaining = res.headers.get('x-ratelimit-remaining');
    const resetAt = resetOf(res.headers);
    if (remaining === '0') this.pausedUntil = Math.max(this.pausedUntil, resetAt ?? now + SECONDARY_LIMIT_PAUSE_MS);

    if (res.status === 304) return { kind: 'not-modified' };
    if (res.status === 404 || res.status === 410 || res.status === 451) return { kind: 'missing' };
    if (res.status === 403 || res.status === 429) {
      const message = messageOf(res.body);
      const limited = res.status === 429 || remaining === '0' || res.headers.has('retry-after') || /rate limit|abuse/i.test(message);
      if (limited) {
        const until = retryAfterOf(res.headers, now) ?? (remaining === '0' ? resetAt : null) ?? now + SECONDARY_LIMIT_PAUSE_MS;
        this.pausedUntil = Math.max(this.pausedUntil, until);
        throw new ServiceError('GitHub', `rate limited (HTTP ${res.status}: ${message})`, this.pausedUntil, res.status);
      }
      return { kind: 'missing' };
    }
    if (res.status !== 200) throw new ServiceError('GitHub', `HTTP ${res.status} for ${repo}`, retryAfterOf(res.headers, now), res.status);
    const parsed = repoSchema.safeParse(jsonBody('GitHub', res));
    if (!parsed.success) throw new ServiceError('GitHub', `unexpected answer for ${repo}: ${parsed.error.issues[0]?.message ?? ''}`, null, 200);
    return {
      kind: 'found',
      stars: parsed.data.stargazers_count,
      pushedAt: parsed.data.pushed_at ?? null,
      createdAt: parsed.data.created_at ?? null,
      etag: res.headers.get('etag'),
    };
  }
}

function resetOf(headers: Headers): number | null {
  const reset = Number(headers.get('x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : null;
}

function messageOf(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? message.slice(0, 200) : '';
  } catch {
    return '';
  }
}
