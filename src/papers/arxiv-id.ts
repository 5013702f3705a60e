/**
 * arXiv identifiers, in the two schemes arXiv has used:
 *
 * - new style (April 2007 on): `YYMM.NNNN` until 1412, `YYMM.NNNNN` from 1501 on;
 * - old style (August 1991 to March 2007): `archive/YYMMNNN`, e.g. `hep-th/9901001`, where
 *   some archives also wrote a subject class: `math.GT/0309136`.
 *
 * Either may carry a version, `v2`. The canonical id is the one arXiv itself uses: the subject
 * class of an old id is dropped (`math.GT/0309136` and `math/0309136` are the same paper), the
 * archive is lower case, and the version is kept apart.
 */

import { canonicalCategory } from './taxonomy.js';

export interface ArxivId {
  /** Canonical id without version: `2401.12345`, `hep-th/9901001`. */
  id: string;
  /** The version the input named, or null when it named none. */
  version: number | null;
}

/** Archives that minted old-style ids (those open before April 2007). */
const OLD_STYLE_ARCHIVES = new Set([
  'acc-phys', 'adap-org', 'alg-geom', 'ao-sci', 'astro-ph', 'atom-ph', 'bayes-an', 'chao-dyn',
  'chem-ph', 'cmp-lg', 'comp-gas', 'cond-mat', 'cs', 'dg-ga', 'funct-an', 'gr-qc', 'hep-ex',
  'hep-lat', 'hep-ph', 'hep-th', 'math', 'math-ph', 'mtrl-th', 'nlin', 'nucl-ex', 'nucl-th',
  'patt-sol', 'physics', 'plasm-ph', 'q-alg', 'q-bio', 'quant-ph', 'solv-int', 'supr-con',
]);

const VERSION = String.raw`(?:v([1-9]\d*))?`;
const NEW_STYLE = new RegExp(String.raw`^(\d{2})(\d{2})\.(\d{4,5})${VERSION}$`, 'i');
const OLD_STYLE = new RegExp(String.raw`^([a-z]+(?:-[a-z]+)?)(?:\.([a-z]+(?:-[a-z]+)?))?/(\d{2})(\d{2})(\d{3})${VERSION}$`, 'i');

/** `https://arxiv.org/abs/<id>`, `/pdf/<id>(.pdf)`, `/html/<id>`, with `www.` or `export.`, with or without scheme. */
const ARXIV_URL = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;
/** A trailing `[cs.CL]`, as in the citation form `arXiv:2401.12345 [cs.CL]`. */
const TRAILING_CATEGORY = /\s*\[([^\]]+)\]$/;

/**
 * Parses an arXiv id as sources and people write it: bare, `arXiv:`-prefixed, as an OAI
 * identifier (`oai:arXiv.org:...`), as an abs/pdf URL, or in citation form with `[category]`.
 * Returns null for anything that is not a valid id (bad month, wrong number of digits for the
 * month, dates outside the scheme's years, unknown archive, number or version zero, ...).
 */
export function parseArxivId(raw: string): ArxivId | null {
  if (typeof raw !== 'string') return null;
  const s = unwrap(raw);
  if (s === null) return null;
  return parseNewStyle(s) ?? parseOldStyle(s);
}

/** Whether `raw` parses as an arXiv id (in any of the forms `parseArxivId` accepts). */
export function isArxivId(raw: string): boolean {
  return parseArxivId(raw) !== null;
}

/** `formatArxivId('2401.12345', 2)` → `2401.12345v2`; without a version, the id as is. */
export function formatArxivId(id: string, version?: number | null): string {
  return version === undefined || version === null ? id : `${id}v${version}`;
}

/**
 * The month arXiv gave the id, `YYYY-MM`: the month of its first version. `2606.32040` → `2026-06`,
 * `hep-th/9901001` → `1999-01`. Null for anything that is not an id.
 */
export function arxivIdMonth(raw: string): string | null {
  const parsed = parseArxivId(raw);
  if (parsed === null) return null;
  const slash = parsed.id.indexOf('/');
  const digits = parsed.id.slice(slash + 1);
  const yy = digits.slice(0, 2);
  return `${slash >= 0 ? oldStyleYear(yy) : 2000 + Number(yy)}-${digits.slice(2, 4)}`;
}

/** Strips the wrappers around an id; null when a wrapper is present but malformed. */
function unwrap(raw: string): string | null {
  let s = raw.trim();
  const cited = s.endsWith(']') ? TRAILING_CATEGORY.exec(s) : null;
  if (cited) {
    // Only a real category makes this the citation form; anything else is not an id.
    if (canonicalCategory(cited[1] ?? '') === null) return null;
    s = s.slice(0, cited.index);
  }
  const url = ARXIV_URL.exec(s);
  if (url) return url[1] ?? null;
  s = s.replace(/^oai:arxiv\.org:/i, '');
  s = s.replace(/^arxiv:\s*/i, '');
  return s;
}

function parseNewStyle(s: string): ArxivId | null {
  const m = NEW_STYLE.exec(s);
  if (!m) return null;
  const yy = m[1] ?? '';
  const mm = m[2] ?? '';
  const num = m[3] ?? '';
  const yymm = Number(yy + mm);
  if (!isMonth(mm) || yymm < 704) return null; // the scheme started in April 2007
  // Four-digit numbers until December 2014, five-digit from January 2015.
  if (num.length !== (yymm < 1501 ? 4 : 5) || Number(num) === 0) return null;
  return { id: `${yy}${mm}.${num}`, version: parseVersion(m[4]) };
}

function parseOldStyle(s: string): ArxivId | null {
  const m = OLD_STYLE.exec(s);
  if (!m) return null;
  const archive = (m[1] ?? '').toLowerCase();
  const subject = m[2];
  const yy = m[3] ?? '';
  const mm = m[4] ?? '';
  const num = m[5] ?? '';
  if (!OLD_STYLE_ARCHIVES.has(archive)) return null;
  // `math.GT/...`: the subject class must be a real one of that archive; it is then dropped.
  if (subject !== undefined && canonicalCategory(`${archive}.${subject}`) === null) return null;
  if (!isMonth(mm) || !inOldStyleYears(yy, mm) || num === '000') return null;
  return { id: `${archive}/${yy}${mm}${num}`, version: parseVersion(m[6]) };
}

function isMonth(mm: string): boolean {
  const month = Number(mm);
  return month >= 1 && month <= 12;
}

/** Old-style ids run from 9108 (hep-th/9108001, the first paper) to 0703. */
function inOldStyleYears(yy: string, mm: string): boolean {
  const yyyymm = oldStyleYear(yy) * 100 + Number(mm);
  return yyyymm >= 199108 && yyyymm <= 200703;
}

function oldStyleYear(yy: string): number {
  return Number(yy) >= 91 ? 1900 + Number(yy) : 2000 + Number(yy);
}

function parseVersion(version: string | undefined): number | null {
  return version === undefined ? null : Number(version);
}
