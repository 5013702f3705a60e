/**
 * A polite HTTP client for arXiv, built on Node's global `fetch`.
 *
 * - At least `minIntervalMs` (default 3000, arXiv's asked-for rate) between the *start* of
 *   consecutive requests from one client, retries included. Concurrent calls on one client are
 *   spaced too: they take turns in call order. Share one client per process.
 * - Each attempt has its own time-out (`AbortSignal.timeout`), covering headers and body.
 * - 429, 5xx (and 408), network errors and time-outs are retried with exponential backoff
 *   and jitter, up to `maxAttempts` attempts in all. A `Retry-After` header (seconds or an
 *   HTTP date) replaces the backoff, capped at `maxRetryAfterMs`; it also holds back every
 *   other request from the same client until it has passed.
 * - Any other non-2xx status fails at once.
 * - Every attempt, wait and failure is reported through `onEvent` and/or `logger`.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from '../config.js';

/** The subset of a pino logger this module writes to. `debug` is used when present. */
export interface HttpLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export type WaitReason = 'interval' | 'retry-after' | 'backoff';
export type FailureKind = 'status' | 'timeout' | 'network';

/**
 * What the client reports. `t` is `performance.now()` (ms, monotonic) when the event happened;
 * for `request` it is the moment the attempt started.
 */
export type HttpEvent =
  | { type: 'wait'; url: string; attempt: number; maxAttempts: number; ms: number; reason: WaitReason; cause?: string; t: number }
  | { type: 'request'; url: string; attempt: number; maxAttempts: number; t: number }
  | { type: 'response'; url: string; attempt: number; status: number; ms: number; t: number }
  | {
      type: 'failure';
      url: string;
      attempt: number;
      maxAttempts: number;
      failure: FailureKind;
      status: number | null;
      message: string;
      willRetry: boolean;
      t: number;
    };

export interface HttpClientOptions {
  /** Least time between the starts of two requests, ms. Default 3000. */
  minIntervalMs?: number;
  /** Time-out of one attempt (headers and body), ms. Default 60 000. */
  timeoutMs?: number;
  /** Attempts in all, first one included. Default 5. */
  maxAttempts?: number;
  /** First backoff, ms; doubled each retry, then jittered (between half and all of it). Default 3000. */
  backoffBaseMs?: number;
  /** Ceiling of one backoff wait, ms. Default 60 000. */
  backoffMaxMs?: number;
  /** Ceiling of one `Retry-After` wait, ms. Default 120 000. */
  maxRetryAfterMs?: number;
  /** Sent as `User-Agent`. */
  userAgent?: string;
  logger?: HttpLogger;
  onEvent?: (event: HttpEvent) => void;
}

export interface HttpResponse {
  /** The requested URL. */
  url: string;
  status: number;
  body: string;
  /** Attempts it took, 1 when the first one succeeded. */
  attempts: number;
  contentType: string | null;
}

export interface GetOptions {
  /** Aborts the request and any wait; the abort reason is thrown, never retried. */
  signal?: AbortSignal;
  /** `Accept` header. */
  accept?: string;
}

/** What the arXiv readers need from a client; `HttpClient` is one. */
export interface HttpGetter {
  get(url: string, options?: GetOptions): Promise<HttpResponse>;
  readonly logger?: HttpLogger | undefined;
}

/** A request that failed for good: a non-retryable status, or the last of its attempts. */
export class HttpError extends Error {
  constructor(
    readonly url: string,
    /** The last HTTP status, or null when no response came (time-out, network error). */
    readonly status: number | null,
    readonly attempts: number,
    readonly failure: FailureKind,
    /** Why, without the URL: `HTTP 404`, `timed out after 60 s`, `network error: ECONNRESET`. */
    readonly reason: string,
    /** The start of the last response's body, when there was one (arXiv error feeds explain the 400). */
    readonly body: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(`GET ${url}: ${reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, options);
    this.name = 'HttpError';
  }

  /** True when the server rejected the request itself (a 4xx other than 408/429): retrying later won't help. */
  get isClientError(): boolean {
    return this.status !== null && this.status >= 400 && this.status < 500 && !isRetryableStatus(this.status);
  }
}

export const DEFAULT_USER_AGENT = 'paperboy/0.1 (self-hosted daily-papers hub; polite harvester)';

/**
 * The one client a process uses for arXiv (the feed, the export API, OAI-PMH), so the pause between
 * requests holds across all of them and there is one connection at a time. Its User-Agent says
 * what runs and, as arXiv asks of harvesters, whom to write to: `PAPERBOY_CONTACT_EMAIL`.
 */
export function arxivClient(config: Pick<Config, 'arxivIntervalMs' | 'contactEmail' | 'baseUrl' | 'baseUrlGiven'>, logger?: HttpLogger): HttpClient {
  const about = [config.baseUrlGiven ? `+${config.baseUrl}` : null, config.contactEmail === null ? null : `mailto:${config.contactEmail}`].filter((part) => part !== null);
  const userAgent = about.length === 0 ? DEFAULT_USER_AGENT : `paperboy/0.1 (self-hosted daily-papers hub; ${about.join('; ')})`;
  return new HttpClient({ minIntervalMs: config.arxivIntervalMs, userAgent, ...(logger ? { logger } : {}) });
}

const ERROR_BODY_LIMIT = 4000;

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * `Retry-After` as ms from `now` (a wall-clock `Date.now()`), or null when absent or unreadable.
 * Accepts delta-seconds (`120`) and HTTP dates (`Wed, 21 Oct 2015 07:28:00 GMT`); past dates give 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (/^\d+\.\d+$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** `850 ms`, `4.2 s`, `30 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** Sleeps until `performance.now() >= target` (timers may fire a hair early; this never does). */
async function sleepUntil(target: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const remaining = target - performance.now();
    if (remaining <= 0) return;
    try {
      await delay(Math.ceil(remaining), undefined, signal ? { signal } : undefined);
    } catch (err) {
      // timers/promises rejects with a generic AbortError: surface the caller's reason instead.
      signal?.throwIfAborted();
      throw err;
    }
  }
}

type AttemptOutcome =
  | { ok: true; response: HttpResponse }
  | { ok: false; failure: FailureKind; status: number | null; reason: string; retryAfterMs: number | null; body: string | null; cause?: unknown };

export class HttpClient implements HttpGetter {
  readonly minIntervalMs: number;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxRetryAfterMs: number;
  readonly userAgent: string;
  readonly logger: HttpLogger | undefined;
  private readonly onEvent: ((event: HttpEvent) => void) | undefined;
  /** performance.now() when the last request started. */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** Tail of the queue of requests waiting for their turn. */
  private gate: Promise<unknown> = Promise.resolve();
  /** No request starts before this (set by Retry-After). */
  private notBefore = Number.NEGATIVE_INFINITY;

  constructor(options: HttpClientOptions = {}) {
    this.minIntervalMs = nonNegative(options.minIntervalMs ?? 3000, 'minIntervalMs');
    this.timeoutMs = positive(options.timeoutMs ?? 60_000, 'timeoutMs');
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 5));
    this.backoffBaseMs = nonNegative(options.backoffBaseMs ?? 3000, 'backoffBaseMs');
    this.backoffMaxMs = nonNegative(options.backoffMaxMs ?? 60_000, 'backoffMaxMs');
    this.maxRetryAfterMs = nonNegative(options.maxRetryAfterMs ?? 120_000, 'maxRetryAfterMs');
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.logger = options.logger;
    this.onEvent = options.onEvent;
  }

  /** GET `url` and return its body as text. Throws `HttpError` when it fails for good. */
  async get(url: string, options: GetOptions = {}): Promise<HttpResponse> {
    const { signal } = options;
    for (let attempt = 1; ; attempt++) {
      const startedAt = await this.acquireSlot(url, attempt, signal);
      this.emit({ type: 'request', url, attempt, maxAttempts: this.maxAttempts, t: startedAt });
      const outcome = await this.attempt(url, attempt, options);
      if (outcome.ok) return outcome.response;

      const retryable = outcome.failure !== 'status' || (outcome.status !== null && isRetryableStatus(outcome.status));
      const willRetry = retryable && attempt < this.maxAttempts;
      this.emit({
        type: 'failure',
        url,
        attempt,
        maxAttempts: this.maxAttempts,
        failure: outcome.failure,
        status: outcome.status,
        message: outcome.reason,
        willRetry,
        t: performance.now(),
      });
      if (!willRetry) {
        throw new HttpError(url, outcome.status, attempt, outcome.failure, outcome.reason, outcome.body, { cause: outcome.cause });
      }

      let waitMs: number;
      let reason: WaitReason;
      if (outcome.retryAfterMs !== null) {
        waitMs = Math.min(outcome.retryAfterMs, this.maxRetryAfterMs);
        reason = 'retry-after';
        // Retry-After speaks for the server, not for this request alone.
        this.notBefore = Math.max(this.notBefore, performance.now() + waitMs);
      } else {
        waitMs = this.backoffMs(attempt);
        reason = 'backoff';
      }
      this.emit({ type: 'wait', url, attempt: attempt + 1, maxAttempts: this.maxAttempts, ms: waitMs, reason, cause: outcome.reason, t: performance.now() });
      await sleepUntil(performance.now() + waitMs, signal);
    }
  }

  /** Backoff before attempt `failedAttempt + 1`: base·2^(n−1), capped, then jittered into [½, 1] of it. */
  private backoffMs(failedAttempt: number): number {
    const exp = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (failedAttempt - 1));
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  /**
   * Wait for this request's turn. Turns are taken one at a time, in call order (a promise chain),
   * and each records when it actually started, so spacing holds even when a timer fires late.
   */
  private acquireSlot(url: string, attempt: number, signal: AbortSignal | undefined): Promise<number> {
    const turn = this.gate.then(() => this.waitTurn(url, attempt, signal));
    this.gate = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async waitTurn(url: string, attempt: number, signal: AbortSignal | undefined): Promise<number> {
    signal?.throwIfAborted();
    const now = performance.now();
    const start = Math.max(now, this.lastStart + this.minIntervalMs, this.notBefore);
    if (start > now) {
      this.emit({ type: 'wait', url, attempt, maxAttempts: this.maxAttempts, ms: start - now, reason: 'interval', t: now });
      await sleepUntil(start, signal);
    }
    this.lastStart = performance.now();
    return this.lastStart;
  }

  private async attempt(url: string, attempt: number, options: GetOptions): Promise<AttemptOutcome> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (options.accept) headers.accept = options.accept;
    try {
      const res = await fetch(url, { headers, signal, redirect: 'follow' });
      const body = await res.text();
      if (res.ok) {
        const ms = performance.now() - started;
        this.emit({ type: 'response', url, attempt, status: res.status, ms, t: performance.now() });
        return { ok: true, response: { url, status: res.status, body, attempts: attempt, contentType: res.headers.get('content-type') } };
      }
      return {
        ok: false,
        failure: 'status',
        status: res.status,
        reason: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
        body: body.slice(0, ERROR_BODY_LIMIT),
      };
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      if (timeout.aborted) {
        return { ok: false, failure: 'timeout', status: null, reason: `timed out after ${formatDuration(this.timeoutMs)}`, retryAfterMs: null, body: null, cause: err };
      }
      return { ok: false, failure: 'network', status: null, reason: `network error: ${describeNetworkError(err)}`, retryAfterMs: null, body: null, cause: err };
    }
  }

  private emit(event: HttpEvent): void {
    this.onEvent?.(event);
    const log = this.logger;
    if (!log) return;
    switch (event.type) {
      case 'request':
        log.debug?.({ url: event.url, attempt: event.attempt }, `GET ${event.url} (attempt ${event.attempt} of ${event.maxAttempts})`);
        break;
      case 'response':
        log.info({ url: event.url, status: event.status, ms: Math.round(event.ms), attempt: event.attempt }, `GET ${event.url} → ${event.status} (${formatDuration(event.ms)})`);
        break;
      case 'failure':
        log.warn(
          { url: event.url, status: event.status, failure: event.failure, attempt: event.attempt, willRetry: event.willRetry },
          `GET ${event.url}: ${event.message} (attempt ${event.attempt} of ${event.maxAttempts}${event.willRetry ? '' : ', giving up'})`,
        );
        break;
      case 'wait': {
        const obj = { url: event.url, ms: Math.round(event.ms), reason: event.reason, attempt: event.attempt };
        const why = event.reason === 'retry-after' ? 'Retry-After' : event.reason === 'backoff' ? `backoff after ${event.cause ?? 'a failure'}` : 'request interval';
        const msg = `waiting ${formatDuration(event.ms)} (${why}) before GET ${event.url}${event.attempt > 1 ? ` (attempt ${event.attempt} of ${event.maxAttempts})` : ''}`;
        if (event.reason === 'interval') log.debug?.(obj, msg);
        else log.warn(obj, msg);
        break;
      }
    }
  }
}

function describeNetworkError(err: unknown): string {
  // undici wraps the socket error: TypeError('fetch failed', { cause: Error('other side closed') })
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (cause) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function nonNegative(n: number, name: string): number {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${n}`);
  return n;
}

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${n}`);
  return n;
}
