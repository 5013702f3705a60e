/**
 * Requests to the optional outside services that enrich papers (GitHub, the Hugging Face Hub, a
 * language model). Unlike arXiv, none of them is needed: a request has one attempt and a
 * time-out, and what goes wrong becomes a `ServiceError` that says whether to wait before asking
 * again (`pauseUntil`, from `Retry-After` or the service's rate-limit headers). The jobs above
 * keep that pause in the database and show the missing data as missing.
 */
import { DEFAULT_USER_AGENT, formatDuration, parseRetryAfter } from './http.js';

export interface ServiceResponse {
  status: number;
  headers: Headers;
  body: string;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly service: string,
    message: string,
    /** Epoch ms before which the service should not be asked again (a rate limit); null when the next request may go at once. */
    readonly pauseUntil: number | null = null,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${message}`, options);
  }
}

export interface ServiceRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** One attempt; a time-out or a network error is a `ServiceError`. Any HTTP status is returned for the caller to read. */
export async function serviceRequest(service: string, url: string, req: ServiceRequest): Promise<ServiceResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  try {
    const res = await fetch(url, {
      method: req.method ?? 'GET',
      headers: { 'user-agent': DEFAULT_USER_AGENT, ...req.headers },
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
      redirect: 'follow',
    });
    return { status: res.status, headers: res.headers, body: await res.text() };
  } catch (error) {
    if (req.signal?.aborted) throw req.signal.reason ?? error;
    const why = timeout.aborted ? `timed out after ${formatDuration(req.timeoutMs)}` : `network error: ${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`;
    throw new ServiceError(service, why, null, null, { cause: error });
  }
}

/** `Retry-After` as an epoch ms, or null. */
export function retryAfterOf(headers: Headers, now: number): number | null {
  const ms = parseRetryAfter(headers.get('retry-after'), now);
  return ms === null ? null : now + ms;
}

/** The body parsed as JSON, or a `ServiceError` naming the service. */
export function jsonBody(service: string, res: ServiceResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch (error) {
    throw new ServiceError(service, `HTTP ${res.status} with a body that is not JSON`, null, res.status, { cause: error });
  }
}
