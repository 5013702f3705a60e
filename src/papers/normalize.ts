/**
 * Turns a record as a source found it (`PaperInput`) into the one `Paper` shape.
 *
 * A record is rejected (`RecordError`) only when it cannot make a usable paper: no valid id, no
 * title, no known category, a date that does not parse, or no day to list it on. Everything else
 * that is odd but survivable (an unknown category, a bad version number, a missing abstract) is
 * dropped or defaulted and reported in `warnings`, so one stray field never costs a paper.
 */

import { scheduledListingDay } from './announcements.js';
import { parseArxivId } from './arxiv-id.js';
import { normalizeAuthors } from './authors.js';
import { parseDate, sizeFromDateNote } from './dates.js';
import { extractLinks } from './links.js';
import { RecordError, type Paper, type PaperInput, type PaperVersion, type Where } from './paper.js';
import { canonicalCategory, classifyCategoryToken } from './taxonomy.js';
import { foldWhitespace, optionalText } from './text.js';

export interface NormalizeResult {
  paper: Paper;
  /** Things dropped or defaulted, each naming its field: `categories: dropped unknown "cs"`. */
  warnings: string[];
}

export function normalizePaper(input: PaperInput): NormalizeResult {
  const where = input.where;
  const warnings: string[] = [];

  const arxivId = requireId(input.id, where);
  const title = requireText(input.title, where, 'title');
  const abstract = optionalText(input.abstract) ?? '';
  if (abstract === '') warnings.push('abstract: missing');
  const { categories, primaryCategory } = normalizeCategories(input, arxivId.id, warnings);
  if (categories.length === 0) throw new RecordError(where, 'categories', `no known arXiv category in ${describe(input.categories)}`);

  const versions = normalizeVersions(input.versions, where, warnings);
  // Parsed even when v1 supplies the date: a malformed field still means a broken record.
  const statedPublished = dateField(input.published, where, 'published');
  const published = versions.find((v) => v.version === 1)?.date ?? statedPublished;
  const updated = dateField(input.updated, where, 'updated') ?? versions[versions.length - 1]?.date ?? null;
  const day = pickDay(input, arxivId.id, published, updated);
  const comment = optionalText(input.comment);

  const paper: Paper = {
    id: arxivId.id,
    version: pickVersion(input.version, arxivId.version, versions, warnings),
    title,
    abstract,
    authors: normalizeAuthors(input.authors),
    categories,
    primaryCategory,
    published,
    updated,
    day,
    comment,
    journalRef: optionalText(input.journalRef),
    doi: optionalText(input.doi),
    license: optionalText(input.license),
    versions,
    links: extractLinks(comment === null ? abstract : `${abstract}\n${comment}`),
  };
  return { paper, warnings };
}

function requireId(raw: unknown, where: Where): { id: string; version: number | null } {
  if (typeof raw !== 'string' || raw.trim() === '') throw new RecordError(where, 'id', 'missing');
  const parsed = parseArxivId(raw);
  if (parsed === null) throw new RecordError(where, 'id', `not an arXiv id: ${JSON.stringify(raw)}`);
  return parsed;
}

/** Title-like text: whitespace folded, LaTeX left as written; missing or blank is an error. */
function requireText(raw: unknown, where: Where, field: string): string {
  const text = optionalText(raw);
  if (text === null) throw new RecordError(where, field, 'missing or empty');
  return text;
}

/**
 * Known categories, primary first, without duplicates. MSC and ACM classes that sources mix into
 * the list are dropped quietly (they are metadata, not mistakes); anything else unknown is dropped
 * with a warning. An entry holding several tokens (`cs.AI cs.LG`, `cs.CL, 92-02`) is split when
 * every token in it is a category or a class. A record that names no category at all (some old
 * `.abs` files have no Categories line) is in the archive its old-style id names: `cs/0011004` in `cs`.
 */
function normalizeCategories(
  input: PaperInput,
  id: string,
  warnings: string[],
): { categories: string[]; primaryCategory: string } {
  const found: string[] = [];
  const entries = categoryEntries(input.categories);
  const archive = /^([a-z-]+)\//.exec(id)?.[1];
  if (entries.length === 0 && archive !== undefined) entries.push(archive);
  for (const entry of entries) {
    const kind = classifyCategoryToken(entry);
    if (kind === 'category') found.push(canonicalCategory(entry) ?? entry);
    else if (kind === 'unknown') found.push(...splitMixedEntry(entry, warnings));
  }
  const stated = typeof input.primaryCategory === 'string' ? input.primaryCategory.trim() : '';
  const primary = stated === '' ? null : canonicalCategory(stated);
  if (stated !== '' && primary === null) warnings.push(`primaryCategory: unknown ${JSON.stringify(stated)}, using the first category`);
  const ordered = [...new Set(primary === null ? found : [primary, ...found])];
  return { categories: ordered, primaryCategory: ordered[0] ?? '' };
}

/** The raw entries: a list as given, or a space-separated string split. */
function categoryEntries(raw: PaperInput['categories']): string[] {
  const entries = typeof raw === 'string' ? raw.split(/\s+/) : Array.isArray(raw) ? raw : [];
  return entries.filter((e): e is string => typeof e === 'string').map((e) => e.trim()).filter((e) => e !== '');
}

function splitMixedEntry(entry: string, warnings: string[]): string[] {
  const tokens = entry.split(/[\s,;]+/).filter((t) => t !== '');
  if (tokens.length > 1 && tokens.every((t) => classifyCategoryToken(t) !== 'unknown')) {
    return tokens.filter((t) => classifyCategoryToken(t) === 'category').map((t) => canonicalCategory(t) ?? t);
  }
  warnings.push(`categories: dropped unknown ${JSON.stringify(foldWhitespace(entry))}`);
  return [];
}

/**
 * Versions sorted by number, dates in ISO. A version number may be `2` or `'v2'`; a size missing
 * from its field is taken from the date's `(11kb)` note. A version listed twice keeps its first
 * entry. A bad number or date rejects the record: the history would be wrong, not just thin.
 */
function normalizeVersions(raw: PaperInput['versions'], where: Where, warnings: string[]): PaperVersion[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new RecordError(where, 'versions', 'not a list');
  const byNumber = new Map<number, PaperVersion>();
  for (const entry of raw) {
    const version = versionNumber(entry?.version);
    if (version === null) throw new RecordError(where, 'versions', `bad version number ${JSON.stringify(entry?.version)}`);
    const rawDate = typeof entry.date === 'string' ? entry.date : '';
    const date = parseDate(rawDate);
    if (date === null) throw new RecordError(where, 'versions', `v${version}: bad date ${JSON.stringify(entry.date)}`);
    if (byNumber.has(version)) {
      warnings.push(`versions: v${version} listed twice, kept the first`);
      continue;
    }
    byNumber.set(version, { version, date, size: optionalText(entry.size)?.replace(/^\((.*)\)$/, '$1') ?? sizeFromDateNote(rawDate) });
  }
  return [...byNumber.values()].sort((a, b) => a.version - b.version);
}

/** `2`, `'2'`, `'v2'` → 2; anything that is not a positive integer → null. */
function versionNumber(raw: unknown): number | null {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const m = /^v?([1-9]\d*)$/i.exec(text);
  return m ? Number(m[1]) : null;
}

/** An optional date field: null when absent or blank, ISO when it parses, an error otherwise. */
function dateField(raw: unknown, where: Where, field: string): string | null {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return null;
  const date = typeof raw === 'string' ? parseDate(raw) : null;
  if (date === null) throw new RecordError(where, field, `not a date: ${JSON.stringify(raw)}`);
  return date;
}

/** The stated version, else the id's `vN`, else the highest listed, else 1. */
function pickVersion(stated: unknown, fromId: number | null, versions: PaperVersion[], warnings: string[]): number {
  if (stated !== null && stated !== undefined) {
    if (typeof stated === 'number' && Number.isInteger(stated) && stated >= 1) return stated;
    warnings.push(`version: ignored ${JSON.stringify(stated)}, not a positive integer`);
  }
  return fromId ?? versions[versions.length - 1]?.version ?? 1;
}

/**
 * The day a paper belongs to: its listing day when the source says (an announcement feed, a
 * listing file, a dump with listing dates), else the day arXiv's regular schedule lists a paper
 * first submitted then (docs/announcements.md), else the same for its latest version. A listing
 * day starting with `YYYY-MM-DD` is taken as written (a listing day is a calendar day in New
 * York, not an instant to shift into UTC), otherwise the UTC day of the instant. A submission
 * known only by its day (OAI-PMH's `created`; read as midnight UTC, which no real submission time
 * is but by chance) is taken as made before that day's cut-off, as three quarters of a UTC day are.
 */
function pickDay(input: PaperInput, id: string, published: string | null, updated: string | null): string {
  const where = input.where;
  const listed = dateField(input.listedOn, where, 'listedOn');
  if (listed !== null) {
    const written = typeof input.listedOn === 'string' ? /^\s*(\d{4}-\d{2}-\d{2})/.exec(input.listedOn)?.[1] : undefined;
    return written ?? listed.slice(0, 10);
  }
  const submitted = published ?? updated;
  if (submitted === null) throw new RecordError(where, 'day', 'no listing day, published or updated date');
  // A date without a time (OAI-PMH's `created`) parses to midnight UTC.
  return scheduledListingDay(submitted.endsWith('T00:00:00Z') ? `${submitted.slice(0, 10)}T12:00:00Z` : submitted, { id });
}

function describe(value: unknown): string {
  return value === null || value === undefined ? 'nothing' : JSON.stringify(value);
}
