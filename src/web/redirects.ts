/**
 * Where a form sends the browser afterwards: always a path of this site. A `next` field or a
 * Referer comes from outside, so it can be malformed (`http://[`) or point elsewhere
 * (`//evil.example`, `/\evil.example`, which browsers read as another host); either way the
 * answer is the fallback, never an error and never another site.
 */

/**
 * One slash, then anything but a second slash or a backslash, then only the characters a path and
 * query may hold (RFC 3986, percent-encoded otherwise): no spaces, controls, backslashes or
 * characters a header cannot carry.
 */
const SITE_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*$/;
/** Longer than any address of ours; a longer one is not a page we made. */
const MAX_LENGTH = 2000;

/** `candidate` if it is a path of this site, else `fallback`. */
export function sitePath(candidate: string | null | undefined, fallback = '/'): string {
  return typeof candidate === 'string' && candidate.length <= MAX_LENGTH && SITE_PATH.test(candidate) ? candidate : fallback;
}

/**
 * The page the request came from, as a path of this site (its path and query; the host is not
 * trusted, only dropped), or `fallback` when there is no usable Referer.
 */
export function backTo(referer: string | string[] | undefined, fallback = '/'): string {
  if (typeof referer !== 'string' || referer.length > MAX_LENGTH) return fallback;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return fallback;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fallback;
  return sitePath(url.pathname + url.search, fallback);
}
