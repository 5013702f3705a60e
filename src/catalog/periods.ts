import { shiftDay } from '../papers/dates.js';

/**
 * Days, ISO weeks and months as the daily pages and the API name them:
 * `2026-07-01`, `2026-W27`, `2026-07`. A week runs Monday to Sunday and belongs to the year
 * of its Thursday (ISO 8601), so 2026-W01 starts on Monday 2025-12-29.
 */
export type PeriodKind = 'day' | 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** `2026-07-01`, `2026-W27`, `2026-07` */
  key: string;
  /** First and last day, both included, YYYY-MM-DD. */
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;
/** arXiv opened in August 1991: no paper is listed before this day. */
export const FIRST_DAY = '1991-01-01';
/** The shape of a week's and a month's key; whether the numbers are in range is checked apart. */
export const WEEK_KEY = /^(\d{4})-W(\d{2})$/;
export const MONTH_KEY = /^(\d{4})-(\d{2})$/;

export function dayPeriod(day: string): Period | null {
  const date = parseDay(day);
  return date ? { kind: 'day', key: day, start: day, end: day } : null;
}

export function weekPeriod(key: string): Period | null {
  const match = WEEK_KEY.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > isoWeeksInYear(year)) return null;
  const start = isoDay(new Date(mondayOfWeekOne(year).getTime() + (week - 1) * 7 * DAY_MS));
  const end = shiftDay(start, 6);
  // The first week of year 0 starts in year -1 and the last of 9999 ends in 10000: days without a name.
  return parseDay(start) && parseDay(end) ? { kind: 'week', key, start, end } : null;
}

export function monthPeriod(key: string): Period | null {
  const match = MONTH_KEY.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  const start = utcDay(year, month - 1, 1);
  const end = utcDay(year, month, 0);
  return { kind: 'month', key, start: isoDay(start), end: isoDay(end) };
}

/** The period of a kind that holds a given day. */
export function periodOf(kind: PeriodKind, day: string): Period {
  if (kind === 'day') return dayPeriod(day)!;
  if (kind === 'month') return monthPeriod(day.slice(0, 7))!;
  return weekPeriod(isoWeekKey(parseDay(day)!))!;
}

export function parsePeriod(kind: PeriodKind, key: string): Period | null {
  return kind === 'day' ? dayPeriod(key) : kind === 'week' ? weekPeriod(key) : monthPeriod(key);
}

/**
 * Why a period has no page, or null when it has one: it ends before arXiv began, or starts after
 * `today` (YYYY-MM-DD, UTC; a day's grace for listings dated ahead of the reader's clock). Inside
 * these bounds every period's neighbours and the periods of other kinds around it have names.
 */
export function outsideCalendar(p: Period, today: string): string | null {
  if (p.end < FIRST_DAY) return `arXiv began in 1991: there are no papers before ${FIRST_DAY}.`;
  if (p.start > shiftDay(today, 1)) return `This ${p.kind} has not come yet: there are papers up to today, ${today}.`;
  return null;
}

export function previousPeriod(p: Period): Period {
  return periodOf(p.kind, shiftDay(p.start, -1));
}

export function nextPeriod(p: Period): Period {
  return periodOf(p.kind, shiftDay(p.end, 1));
}

/** The end of a period's last day, the moment from which its papers' ages are counted. */
export function periodEnd(p: Period): Date {
  return new Date(Date.parse(`${p.end}T00:00:00Z`) + DAY_MS);
}

export function isoWeekKey(date: Date): string {
  const thursday = new Date(date.getTime() + (3 - ((date.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - mondayOfWeekOne(year).getTime()) / (7 * DAY_MS)) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

export function parseDay(day: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || isoDay(date) !== day ? null : date;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A day at midnight UTC; unlike Date.UTC, years 0 to 99 are taken as written, not as 1900 to 1999. */
function utcDay(year: number, monthIndex: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}

function mondayOfWeekOne(year: number): Date {
  const jan4 = utcDay(year, 0, 4);
  return new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS);
}

function isoWeeksInYear(year: number): number {
  return isoWeekKey(utcDay(year, 11, 28)).endsWith('53') ? 53 : 52;
}
