import { CommunityError, type CommunityErrorCode } from '../community/errors.js';
import { SubscriptionError, type SubscriptionErrorCode } from '../digest/subscriptions.js';

/**
 * The domain's refusals (a `CommunityError` or `SubscriptionError` with a code) and the one table
 * that says each as HTTP. Routes let refusals through to the server's error handler, which answers
 * in the caller's kind (page, API JSON, or `{error}` for scripts); forms that show the refusal
 * beside their fields answer themselves, with the status from here.
 */
export type Refusal = CommunityError | SubscriptionError;
export type RefusalCode = CommunityErrorCode | SubscriptionErrorCode;

const DID_NOT_WORK = 'That did not work';
const BAD_LINK = 'This link does not work';

/** The status of each code, and the heading of the page that shows it. */
const ANSWERS: Record<RefusalCode, { status: number; title: string }> = {
  invalid: { status: 400, title: DID_NOT_WORK },
  email_taken: { status: 409, title: DID_NOT_WORK },
  username_taken: { status: 409, title: DID_NOT_WORK },
  bad_credentials: { status: 401, title: DID_NOT_WORK },
  bad_token: { status: 400, title: BAD_LINK },
  unverified: { status: 403, title: DID_NOT_WORK },
  suspended: { status: 403, title: DID_NOT_WORK },
  forbidden: { status: 403, title: DID_NOT_WORK },
  not_found: { status: 404, title: 'Not found' },
  duplicate: { status: 409, title: DID_NOT_WORK },
  rate_limited: { status: 429, title: 'Slow down' },
  unavailable: { status: 503, title: 'Try again later' },
  stale_link: { status: 400, title: BAD_LINK },
  cancelled: { status: 409, title: BAD_LINK },
};

export function isRefusal(error: unknown): error is Refusal {
  return error instanceof CommunityError || error instanceof SubscriptionError;
}

export function refusalStatus(refusal: Refusal): number {
  return ANSWERS[refusal.code].status;
}

export function refusalTitle(refusal: Refusal): string {
  return ANSWERS[refusal.code].title;
}

/** What a refusal adds to its message: the paper it is about (a duplicate), and when trying again will work. */
export function refusalDetails(refusal: Refusal): { paperId?: string | undefined; retryAfterSeconds?: number | undefined } {
  if (!(refusal instanceof CommunityError)) return {};
  return { paperId: refusal.details.paperId, retryAfterSeconds: refusal.details.retryAfterSeconds };
}
