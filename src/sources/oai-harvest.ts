/**
 * OAI-PMH `ListRecords` harvesting of arXiv (`metadataPrefix=arXiv`), page by page, resumable.
 *
 * Exactly-once contract: `harvestOai` yields one `OaiPageResult` per response page and asks for
 * the next page only when the consumer's `for await` body for this one has returned. The consumer
 * stores the page's items AND its checkpoint in one transaction before the body returns. A run
 * killed at any moment then resumes (`resumeFrom`: the last stored checkpoint) at the page after
 * the last stored one: no gap, no duplicate.
 *
 * - `noRecordsMatch` is not an error: one page with no items, `done: true`.
 * - `badResumptionToken` (an expired token, typically on resume) restarts the list from the
 *   original `from` — records are upserted idempotently, so reading some again is safe — and is
 *   reported through the logger. The restarted pass counts pages/records from 0 again and
 *   `restarts` goes up. At most `maxRestarts` restarts per call, then an `OaiError`.
 * - Any other OAI-PMH error (`badArgument`, `cannotDisseminateFormat`, `noSetHierarchy`, …)
 *   throws `OaiError`.
 * - A page that does not parse (truncated, HTML) is fetched again up to `pageRetries` times;
 *   then the `FeedError` is thrown: the list cannot go on without that page's token. The last
 *   stored checkpoint still resumes the harvest later.
 * - 429/503 with `Retry-After`, time-outs etc. are the HTTP client's business.
 */
import type { SourceItem } from '../papers/paper.js';
import { FeedError } from './feed-error.js';
import { HttpError, type HttpGetter, type HttpLogger } from './http.js';
import { parseOaiPage, type OaiPage } from './oai-pmh.js';

export const ARXIV_OAI_URL = 'https://export.arxiv.org/oai2';

/** Where a harvest stands after a page: everything needed to ask for the next one. JSON-serializable. */
/** arXiv's two record formats: `arXiv` (structured authors, first and latest version's day) and `arXivRaw` (every version with its time and size). */
export type OaiFormat = 'arXiv' | 'arXivRaw';

export interface OaiCheckpoint {
  /** OAI set (`cs`, `physics:hep-th`), or null for all of arXiv. */
  set: string | null;
  /** Absent in checkpoints written before the format could be chosen: `arXiv`. */
  metadataPrefix?: OaiFormat;
  /** `YYYY-MM-DD` datestamp bounds of the list, both included, or null. */
  from: string | null;
  until: string | null;
  /** Token for the next page; null with `done: false` means "start the list". */
  resumptionToken: string | null;
  /** Pages received in this pass over the list. */
  pages: number;
  /** Items (records and per-record errors) yielded in this pass. */
  records: number;
  /** As the last page's `<resumptionToken>` said, when it did. */
  completeListSize: number | null;
  cursor: number | null;
  /**
   * `responseDate` of the first page of this pass: records changed after it may be missing from
   * the list, so the next incremental harvest should start `from` that day.
   */
  listStartedAt: string | null;
  /** Times the list was restarted after `badResumptionToken`. */
  restarts: number;
  /** The list is complete. */
  done: boolean;
}

export interface OaiPageResult {
  items: SourceItem[];
  /** Store it with the items; resume from it. */
  checkpoint: OaiCheckpoint;
  /** Same as `checkpoint.done`: no page will follow. */
  done: boolean;
}

export interface HarvestOaiOptions {
  client: HttpGetter;
  /** Default `https://export.arxiv.org/oai2`. */
  baseUrl?: string;
  set?: string | null;
  /** Default `arXiv`. */
  metadataPrefix?: OaiFormat;
  /** `YYYY-MM-DD` (a Date is taken as its UTC day). */
  from?: string | Date | null;
  until?: string | Date | null;
  /** The last stored checkpoint. Its set/from/until are the harvest's; any given above must agree. */
  resumeFrom?: OaiCheckpoint | null;
  /** Default 1. */
  pageRetries?: number;
  /** Default 3. */
  maxRestarts?: number;
  /** Defaults to the client's logger. */
  logger?: HttpLogger;
  /** Stops the harvest between pages (and aborts the request in flight). */
  signal?: AbortSignal;
}

/** An OAI-PMH error response other than `noRecordsMatch`, or too many restarts. */
export class OaiError extends Error {
  constructor(
    readonly url: string,
    readonly code: string,
    readonly reason: string,
  ) {
    super(`GET ${url}: OAI-PMH ${code}: ${reason}`);
    this.name = 'OaiError';
  }
}

/** A checkpoint for a harvest that has not started. */
export function initialCheckpoint(set: string | null, from: string | null, until: string | null, metadataPrefix: OaiFormat = 'arXiv'): OaiCheckpoint {
  return {
    set,
    metadataPrefix,
    from,
    until,
    resumptionToken: null,
    pages: 0,
    records: 0,
    completeListSize: null,
    cursor: null,
    listStartedAt: null,
    restarts: 0,
    done: false,
  };
}

export function oaiDay(value: string | Date | null | undefined, name: string): string | null {
  if (value == null) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError(`${name}: invalid Date`);
    return value.toISOString().slice(0, 10);
  }
  const day = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw new RangeError(`${name} must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return day;
}

export function listRecordsUrl(baseUrl: string, cp: Pick<OaiCheckpoint, 'set' | 'from' | 'until' | 'resumptionToken' | 'metadataPrefix'>): string {
  const url = new URL(baseUrl);
  url.searchParams.set('verb', 'ListRecords');
  if (cp.resumptionToken !== null) {
    // resumptionToken is an exclusive argument.
    url.searchParams.set('resumptionToken', cp.resumptionToken);
  } else {
    url.searchParams.set('metadataPrefix', cp.metadataPrefix ?? 'arXiv');
    if (cp.set !== null) url.searchParams.set('set', cp.set);
    if (cp.from !== null) url.searchParams.set('from', cp.from);
    if (cp.until !== null) url.searchParams.set('until', cp.until);
  }
  return url.toString();
}

export async function* harvestOai(opts: HarvestOaiOptions): AsyncGenerator<OaiPageResult, void, undefined> {
  const baseUrl = opts.baseUrl ?? ARXIV_OAI_URL;
  const logger = opts.logger ?? opts.client.logger;
  const pageRetries = Math.max(0, Math.floor(opts.pageRetries ?? 1));
  const maxRestarts = Math.max(0, Math.floor(opts.maxRestarts ?? 3));
  const asked = {
    set: opts.set === undefined ? undefined : opts.set === null || opts.set.trim() === '' ? null : opts.set.trim(),
    from: opts.from === undefined ? undefined : oaiDay(opts.from, 'from'),
    until: opts.until === undefined ? undefined : oaiDay(opts.until, 'until'),
  };

  let cp: OaiCheckpoint;
  if (opts.resumeFrom) {
    cp = { ...opts.resumeFrom };
    for (const key of ['set', 'from', 'until'] as const) {
      const given = asked[key];
      if (given !== undefined && given !== cp[key]) {
        throw new RangeError(`resumeFrom is a harvest with ${key}=${JSON.stringify(cp[key])}, not ${JSON.stringify(given)}`);
      }
    }
    if (cp.done) return;
  } else {
    cp = initialCheckpoint(asked.set ?? null, asked.from ?? null, asked.until ?? null, opts.metadataPrefix);
    if (cp.from !== null && cp.until !== null && cp.from > cp.until) throw new RangeError(`from ${cp.from} is after until ${cp.until}`);
  }

  let restarts = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const url = listRecordsUrl(baseUrl, cp);
    const page = await fetchOaiPage(url, opts.client, pageRetries, logger, opts.signal);

    if (page.error) {
      const { code, message } = page.error;
      if (code === 'noRecordsMatch') {
        cp = { ...cp, resumptionToken: null, pages: cp.pages + 1, cursor: null, listStartedAt: cp.listStartedAt ?? page.responseDate, done: true };
        if (cp.pages === 1) cp.completeListSize = 0;
        yield { items: [], checkpoint: cp, done: true };
        return;
      }
      if (code === 'badResumptionToken' && cp.resumptionToken !== null) {
        if (restarts >= maxRestarts) throw new OaiError(url, code, `${message} (already restarted ${restarts} times)`);
        restarts++;
        logger?.warn(
          { url, code, set: cp.set, from: cp.from, until: cp.until, pagesLost: cp.pages },
          `OAI-PMH resumption token rejected (badResumptionToken: ${message}); restarting the list from ${cp.from === null ? 'the beginning' : `from=${cp.from}`} — records already stored will be read again`,
        );
        cp = { ...initialCheckpoint(cp.set, cp.from, cp.until, cp.metadataPrefix), restarts: cp.restarts + 1 };
        continue;
      }
      throw new OaiError(url, code, message);
    }

    const token = page.resumptionToken !== null && page.resumptionToken.trim() !== '' ? page.resumptionToken : null;
    cp = {
      ...cp,
      resumptionToken: token,
      pages: cp.pages + 1,
      records: cp.records + page.items.length,
      completeListSize: page.completeListSize ?? cp.completeListSize,
      cursor: page.cursor,
      listStartedAt: cp.pages === 0 ? page.responseDate : cp.listStartedAt,
      done: token === null,
    };
    // Suspends here until the consumer's loop body returns: the next page is not fetched before.
    yield { items: page.items, checkpoint: cp, done: cp.done };
    if (cp.done) return;
  }
}

async function fetchOaiPage(url: string, client: HttpGetter, retries: number, logger: HttpLogger | undefined, signal: AbortSignal | undefined): Promise<OaiPage> {
  const where = `GET ${url}`;
  for (let attempt = 0; ; attempt++) {
    let body: string;
    try {
      body = (await client.get(url, signal ? { signal } : {})).body;
    } catch (err) {
      // Some OAI-PMH servers send their <error> with a 4xx status: read it all the same.
      const page = err instanceof HttpError && err.isClientError && err.body ? tryParse(err.body, where) : null;
      if (page?.error) return page;
      throw err;
    }
    try {
      return parseOaiPage(body, where);
    } catch (err) {
      if (!(err instanceof FeedError) || attempt >= retries) throw err;
      logger?.warn({ url, reason: err.reason, retry: attempt + 1 }, `${where}: ${err.reason}; fetching the page again (${attempt + 1} of ${retries})`);
    }
  }
}

function tryParse(body: string, where: string): OaiPage | null {
  try {
    return parseOaiPage(body, where);
  } catch {
    return null;
  }
}
