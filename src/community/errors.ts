/** Why a community action was refused. The web layer says each code as an HTTP status (src/web/refusals.ts) and shows `message`. */
export type CommunityErrorCode =
  /** A field failed validation; `field` names it. */
  | 'invalid'
  | 'email_taken'
  | 'username_taken'
  /** Wrong email or password (never says which). */
  | 'bad_credentials'
  /** A verification or reset token that is unknown, used or expired. */
  | 'bad_token'
  /** The action needs a verified email address. */
  | 'unverified'
  | 'suspended'
  | 'forbidden'
  | 'not_found'
  /** Already there: a paper already submitted (`paperId` says which). */
  | 'duplicate'
  | 'rate_limited'
  /** A service we depend on (arXiv) failed; trying again later may work. */
  | 'unavailable';

export class CommunityError extends Error {
  override name = 'CommunityError';

  constructor(
    readonly code: CommunityErrorCode,
    message: string,
    readonly details: { field?: string; paperId?: string; cause?: unknown; /** For `rate_limited`: when trying again will work. */ retryAfterSeconds?: number } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get field(): string | undefined {
    return this.details.field;
  }
}

export function invalid(field: string, message: string): CommunityError {
  return new CommunityError('invalid', message, { field });
}

/** Characters no single-line field may hold: C0/C1 controls (CR, LF, NUL, ...) and bidi overrides used for spoofing. */
export const FORBIDDEN_IN_LINE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
