/**
 * The arXiv export API (`/api/query`, Atom): look papers up by id, or list a category's
 * submissions in a date range.
 *
 * Failure policy (what the run does when a page goes wrong):
 * - The page's body is not a usable feed (truncated XML, an HTML error page, arXiv's error
 *   feed — `FeedError` from the parser): the same request is made again up to `pageRetries`
 *   times (arXiv's API is known to send a bad or empty page now and then); if it still fails,
 *   one error item naming the request (`GET <url>`) is yielded and the run goes on:
 *   - by id: with the next batch (the failed batch's ids are in the URL of the error);
 *   - by category: with the next page (`start += pageSize`) when the total is known from an
 *     earlier page; when the *first* page fails the total is unknown, so the run ends there.
 * - The server rejects the request (a 4xx other than 408/429 — `HttpError.isClientError`,
 *   e.g. a malformed id in `id_list`): one error item, then on as above, without re-fetching.
 * - The server stays unavailable (429/5xx/time-outs/network errors after all of the client's
 *   attempts): the `HttpError` is thrown and the iteration ends — going on would only hammer a
 *   server that is down. What was yielded before stays yielded.
 * - By category, a page comes back empty although `start < totalResults`: re-fetched like a
 *   bad page; if still empty, an error item says how many results are missing and the run ends.
 */
import type { SourceItem } from '../papers/paper.js';
import { RecordError } from '../papers/paper.js';
import { parseAtomFeed, type AtomPage } from './atom.js';
import { FeedError } from './feed-error.js';
import { HttpError, type HttpGetter, type HttpLogger } from './http.js';

export const ARXIV_API_URL = 'https://export.arxiv.org/api/query';
/** arXiv's API asks for no more than this many ids or results per request in practice. */
export const MAX_API_PAGE = 100;

export interface ArxivApiOptions {
  client: HttpGetter;
  /** Default `https://export.arxiv.org/api/query`. */
  baseUrl?: string;
  /** Results per request (`max_results`) for category listings, and ids per `id_list` batch. Default and maximum 100. */
  pageSize?: number;
  /** Times a page whose body does not parse (or is unexpectedly empty) is fetched again before giving up on it. Default 1. */
  pageRetries?: number;
  /** Where re-fetches are reported; defaults to the client's logger. */
  logger?: HttpLogger;
  /** Stops the run between requests (and aborts the one in flight). */
  signal?: AbortSignal;
}

export interface CategoryQuery {
  /** An arXiv category (`cs.CL`) or archive (`cs`, `hep-th`). */
  category: string;
  /** Range of `submittedDate`, both ends included, to the minute, in UTC. */
  from: Date;
  until: Date;
}

/** `YYYYMMDDHHMM` in UTC, the form `submittedDate:[A TO B]` takes. */
export function formatSubmittedDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid Date');
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

/** `cat:cs.CL AND submittedDate:[202401010000 TO 202401012359]` */
export function categorySearchQuery(q: CategoryQuery): string {
  const category = q.category.trim();
  if (!/^[A-Za-z][A-Za-z0-9.-]*$/.test(category)) throw new RangeError(`not an arXiv category: ${JSON.stringify(q.category)}`);
  if (q.from.getTime() > q.until.getTime()) throw new RangeError('from is after until');
  return `cat:${category} AND submittedDate:[${formatSubmittedDate(q.from)} TO ${formatSubmittedDate(q.until)}]`;
}

export function apiUrl(baseUrl: string, params: Record<string, string | number>): string {
  const url = new URL(baseUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  return url.toString();
}

/**
 * Looks the ids up, in batches of `pageSize` (≤ 100) ids per request (`id_list`), in the order
 * given (blank and repeated ids dropped). Ids may carry a version (`2401.12345v2`); ids arXiv does
 * not know are simply absent from the results.
 */
export async function* fetchByIds(ids: Iterable<string>, opts: ArxivApiOptions): AsyncGenerator<SourceItem, void, undefined> {
  const { baseUrl, pageSize } = settings(opts);
  const unique = [...new Set([...ids].map((id) => id.trim()).filter((id) => id !== ''))];
  for (let i = 0; i < unique.length; i += pageSize) {
    opts.signal?.throwIfAborted();
    const batch = unique.slice(i, i + pageSize);
    const url = apiUrl(baseUrl, { id_list: batch.join(','), start: 0, max_results: batch.length });
    const result = await fetchPage(url, opts, () => null);
    if (result.ok) yield* result.page.items;
    else yield { kind: 'error', error: result.error };
  }
}

/**
 * Lists the category's papers submitted in [from, until], newest first
 * (`sortBy=submittedDate&sortOrder=descending`), paging with `start`/`max_results` until
 * `totalResults` is reached or a page comes back empty.
 */
export async function* fetchByCategory(query: CategoryQuery, opts: ArxivApiOptions): AsyncGenerator<SourceItem, void, undefined> {
  const { baseUrl, pageSize } = settings(opts);
  const searchQuery = categorySearchQuery(query);
  let start = 0;
  let total: number | null = null;
  for (;;) {
    opts.signal?.throwIfAborted();
    const url = apiUrl(baseUrl, {
      search_query: searchQuery,
      sortBy: 'submittedDate',
      sortOrder: 'descending',
      start,
      max_results: pageSize,
    });
    const knownTotal = total;
    const result = await fetchPage(url, opts, (page) => {
      const expected = page.totalResults ?? knownTotal;
      return page.items.length === 0 && expected !== null && start < expected
        ? `empty page at start=${start} although totalResults=${expected}`
        : null;
    });
    if (!result.ok) {
      yield { kind: 'error', error: result.error };
      if (total === null || result.final) return;
      start += pageSize;
      if (start >= total) return;
      continue;
    }
    const { page } = result;
    yield* page.items;
    total = page.totalResults ?? total;
    if (page.items.length === 0) return;
    // Advance by what came back, not by what was asked: a short page then costs a re-read, never a gap.
    start += page.items.length;
    if (total !== null && start >= total) return;
  }
}

function settings(opts: ArxivApiOptions): { baseUrl: string; pageSize: number } {
  const pageSize = Math.floor(opts.pageSize ?? MAX_API_PAGE);
  if (!(pageSize >= 1 && pageSize <= MAX_API_PAGE)) throw new RangeError(`pageSize must be 1..${MAX_API_PAGE}, got ${opts.pageSize}`);
  return { baseUrl: opts.baseUrl ?? ARXIV_API_URL, pageSize };
}

type PageResult = { ok: true; page: AtomPage } | { ok: false; error: RecordError; /** no later page can be worth asking for */ final: boolean };

/**
 * One page, re-fetched up to `pageRetries` times while its body does not parse or `problem`
 * finds fault with it. Throws what the client throws, except a client-error `HttpError`, which
 * becomes an error result like a bad body.
 */
async function fetchPage(url: string, opts: ArxivApiOptions, problem: (page: AtomPage) => string | null): Promise<PageResult> {
  const where = `GET ${url}`;
  const retries = Math.max(0, Math.floor(opts.pageRetries ?? 1));
  const logger = opts.logger ?? opts.client.logger;
  for (let attempt = 0; ; attempt++) {
    let body: string;
    try {
      body = (await opts.client.get(url, opts.signal ? { signal: opts.signal } : {})).body;
    } catch (err) {
      if (err instanceof HttpError && err.isClientError) {
        return { ok: false, error: new RecordError(where, 'response', describeClientError(err, where)), final: false };
      }
      throw err;
    }
    let reason: string;
    let final = false;
    try {
      const page = parseAtomFeed(body, where);
      const fault = problem(page);
      if (fault === null) return { ok: true, page };
      reason = fault;
      final = true;
    } catch (err) {
      if (!(err instanceof FeedError)) throw err;
      reason = err.reason;
    }
    if (attempt < retries) {
      logger?.warn({ url, reason, retry: attempt + 1 }, `${where}: ${reason}; fetching the page again (${attempt + 1} of ${retries})`);
      continue;
    }
    logger?.warn({ url, reason }, `${where}: ${reason}; giving up on this page`);
    return { ok: false, error: new RecordError(where, 'feed', reason), final };
  }
}

/** `HTTP 400 Bad Request: arXiv API error: incorrect id format for 1234` when the body is arXiv's error feed. */
function describeClientError(err: HttpError, where: string): string {
  if (err.body) {
    try {
      parseAtomFeed(err.body, where);
    } catch (parseErr) {
      if (parseErr instanceof FeedError && parseErr.reason.startsWith('arXiv API error')) return `${err.reason}: ${parseErr.reason}`;
    }
  }
  return err.reason;
}
