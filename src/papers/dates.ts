/**
 * Dates as arXiv's sources write them, turned into ISO 8601 UTC (`YYYY-MM-DDTHH:MM:SSZ`).
 *
 * Accepted forms (surrounding whitespace ignored):
 * - ISO 8601: `2015-12-26T21:19:45Z`, `2020-09-04T00:00:00-04:00`, `2024-01-02T03:04:05.678Z`
 * - the export's `2024-01-02 03:04:05 UTC` (also `GMT`)
 * - RFC 2822 as in `.abs` files: `Mon, 2 Apr 2007 19:18:42 GMT`, optionally followed by the
 *   size note `(11kb)` / `(11kb,D)`; the weekday is optional and not checked against the date
 * - a plain day `2024-01-02`, read as midnight UTC.
 * A time without a zone is taken as UTC (arXiv's clocks and listings are in UTC/Eastern, and
 * every real source here marks its zone). Impossible dates (`2023-02-30`, hour 24) are rejected.
 */

import { arxivIdMonth } from './arxiv-id.js';
import type { Paper } from './paper.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const RFC_2822 =
  /^(?:[a-z]{3},?\s+)?(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(Z|UT|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
/** The size note arXiv appends to version dates: `(11kb)`, `(11kb,D)`, `(1234kb,AI)`. */
const SIZE_NOTE = /\s*\(([^()]*)\)\s*$/;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC. */
  offset: number;
}

/** The ISO 8601 UTC form of `raw`, or null when it is not a date in an accepted form. */
export function parseDate(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  const text = trimmed.endsWith(')') ? trimmed.replace(SIZE_NOTE, '') : trimmed;
  const parts = parseIsoLike(text) ?? parseRfc2822(text);
  return parts && isValid(parts) ? toIso(parts) : null;
}

/** The size from a version date's note: `Mon, 2 Apr 2007 19:18:42 GMT (11kb,D)` → `11kb`. */
export function sizeFromDateNote(raw: string): string | null {
  const note = SIZE_NOTE.exec(raw)?.[1];
  const size = note?.split(',')[0]?.trim();
  return size ? size : null;
}

// Plain indexing rather than destructuring with defaults: this runs for every date of every
// record, and the destructured version was several times slower.
function parseIsoLike(text: string): Parts | null {
  const m = ISO_LIKE.exec(text);
  if (!m) return null;
  return parts(m[1], m[2], m[3], m[4], m[5], m[6], m[7]);
}

function parseRfc2822(text: string): Parts | null {
  const m = RFC_2822.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf((m[2] ?? '').toLowerCase()) + 1;
  if (month === 0) return null;
  return parts(m[3], String(month), m[1], m[4], m[5], m[6], m[7]);
}

/** Missing time fields are zero. */
function parts(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  zone: string | undefined,
): Parts {
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    offset: zoneOffset(zone),
  };
}

/** `Z`/`UTC`/`GMT`/none → 0; `-04:00` → -240. */
function zoneOffset(zone: string | undefined): number {
  const m = zone ? /^([+-])(\d{2}):?(\d{2})$/.exec(zone) : null;
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

function isValid(p: Parts): boolean {
  return (
    p.year >= 1000 &&
    p.month >= 1 && p.month <= 12 &&
    p.day >= 1 && p.day <= daysInMonth(p.year, p.month) &&
    p.hour <= 23 && p.minute <= 59 && p.second <= 59 &&
    Math.abs(p.offset) < 24 * 60
  );
}

/** Days in a month (1-12) of the Gregorian calendar, for any year (Date.UTC would read years 0 to 99 as 1900 to 1999). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The time in UTC; null when its zone moves it out of the four-digit years (9999-12-31T23:00-02:00). */
function toIso(p: Parts): string | null {
  // Formatting by hand: Date's own formatting was the slowest step of normalizing a record.
  if (p.offset === 0) return format(p.year, p.month, p.day, p.hour, p.minute, p.second);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - p.offset * 60_000);
  const year = d.getUTCFullYear();
  if (year < 1000 || year > 9999) return null;
  return format(year, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

function format(year: number, month: number, day: number, hour: number, minute: number, second: number): string {
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const MONTH_YEAR = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * When a paper was first submitted, as far as its record tells: the day of its first version
 * (`2026-06-15`), else the month its id names (`June 2026` for `2606.32040`), else null. Many
 * sources (the JSON-lines sample, listings) give no dates, but the id always has the month.
 */
export function submittedWhen(paper: Pick<Paper, 'id' | 'published'>): string | null {
  if (paper.published) return paper.published.slice(0, 10);
  const month = arxivIdMonth(paper.id);
  return month === null ? null : MONTH_YEAR.format(new Date(`${month}-01T00:00:00Z`));
}

export interface WallClock {
  /** YYYY-MM-DD */
  day: string;
  /** 0-23 */
  hour: number;
  minute: number;
}

/** The date and time of day in a time zone (an IANA name such as America/New_York). */
export function wallClock(now: Date, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), minute: Number(parts.minute) };
}

const DAY_MS = 86_400_000;

/** The day `days` after (or, negative, before) a `YYYY-MM-DD` day. */
export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 for Sunday to 6 for Saturday. */
export function weekdayOf(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}
