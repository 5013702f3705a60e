/**
 * arXiv's announcement schedule, and the day a paper is listed on (docs/announcements.md).
 *
 * arXiv announces on Sunday to Thursday evenings at 20:00 in New York, and names each
 * announcement by the next day: the listing of "Monday 27 April" goes out on Sunday evening, and
 * its RSS feed, mailing and `/list/.../new` page carry Monday's date. A submission joins the first
 * announcement whose cut-off (14:00 in New York, Monday to Friday) it beat: Monday's cut-off goes
 * out on Monday evening and is listed on Tuesday, ..., Thursday's is listed on Friday, and
 * Friday's (with the weekend's) on Monday. arXiv skips some days (its holidays); what was due then
 * rolls on to the next announcement. Listing days are therefore Monday to Friday, less holidays.
 *
 * Everything here is pure: which days had no announcement is known only from outside (an empty
 * feed on a weekday), so the functions take it as `skip`.
 */
import { arxivIdMonth } from './arxiv-id.js';
import { shiftDay, wallClock, weekdayOf } from './dates.js';

export const ARXIV_TIME_ZONE = 'America/New_York';
/** Minutes after midnight in New York: submissions before 14:00 make that evening's announcement. */
const CUTOFF_MINUTE = 14 * 60;
/** A bound on walks over days, far beyond any run of arXiv holidays. */
const MAX_STEPS = 60;

/** Days known to have had no announcement (holidays), beyond weekends. */
export type SkipDay = (day: string) => boolean;
const NO_SKIP: SkipDay = () => false;

/** Monday to Friday: the days a regular announcement is named by. */
export function isListingWeekday(day: string): boolean {
  const weekday = weekdayOf(day);
  return weekday >= 1 && weekday <= 5;
}

/** The next Monday-to-Friday after `day`. */
export function nextWeekday(day: string): string {
  let next = shiftDay(day, 1);
  while (!isListingWeekday(next)) next = shiftDay(next, 1);
  return next;
}

/** The first listing day on or after `day`, weekends and `skip` days passed over. */
export function listingDayOnOrAfter(day: string, skip: SkipDay = NO_SKIP): string {
  let listing = day;
  for (let step = 0; (!isListingWeekday(listing) || skip(listing)) && step < MAX_STEPS; step++) listing = shiftDay(listing, 1);
  return listing;
}

/** The last listing day on or before `day`, weekends and `skip` days passed over. */
export function listingDayOnOrBefore(day: string, skip: SkipDay = NO_SKIP): string {
  let listing = day;
  for (let step = 0; (!isListingWeekday(listing) || skip(listing)) && step < MAX_STEPS; step++) listing = shiftDay(listing, -1);
  return listing;
}

/**
 * The listing day of the first announcement after a submission at `submittedAt` (an ISO instant)
 * by the regular schedule, passing over `skip` days. A new-style or old-style id names the month
 * arXiv announced the paper in (2601.00001 was submitted on 26 December 2015 and announced in
 * January), so with `id` the day is never before that month's first listing day.
 */
export function scheduledListingDay(submittedAt: string, options: { id?: string; skip?: SkipDay } = {}): string {
  const skip = options.skip ?? NO_SKIP;
  const local = wallClock(new Date(submittedAt), ARXIV_TIME_ZONE);
  const beatCutoff = isListingWeekday(local.day) && local.hour * 60 + local.minute < CUTOFF_MINUTE;
  const cutoffDay = beatCutoff ? local.day : nextWeekday(local.day);
  let listing = nextWeekday(cutoffDay);
  const month = options.id === undefined ? null : arxivIdMonth(options.id);
  if (month !== null && listing < `${month}-01`) listing = `${month}-01`;
  return listingDayOnOrAfter(listing, skip);
}

/** What an OAI-PMH record tells about when its paper was listed. */
export interface HarvestedRecord {
  id: string;
  /**
   * `<datestamp>` of the record's header: the day (UTC) its metadata last changed; null when it is
   * known to speak of a later change (the caller read the record after a later announcement).
   */
  datestamp: string | null;
  /** The first version's submission, an ISO instant. */
  firstVersionAt: string;
  /** How many versions the record has. */
  versions: number;
}

/**
 * The listing day of a paper read from OAI-PMH. arXiv stamps a record with the day of the
 * announcement that changed it: an announcement at 20:00 in New York is already that listing
 * day in UTC. So for a record with one version the datestamp names its listing day; a datestamp
 * on a weekend or a `skip` day comes from a later edit (a journal reference added, say), and the
 * announcement before it is taken. That day is never earlier than the schedule allows after the
 * first version's submission (papers held for moderation are listed later than that, never
 * earlier), nor later than the month its id names (a paper edited long after its listing keeps
 * its month: then the schedule decides). A record with several versions carries the datestamp of
 * its latest replacement, which says nothing of its first listing: the schedule decides alone, as
 * it does without a datestamp.
 */
export function listingDayOfRecord(record: HarvestedRecord, skip: SkipDay = NO_SKIP): string {
  const earliest = scheduledListingDay(record.firstVersionAt, { id: record.id, skip });
  if (record.versions > 1 || record.datestamp === null) return earliest;
  const stamped = listingDayOnOrBefore(record.datestamp, skip);
  const month = arxivIdMonth(record.id);
  // The first listing of a month goes out on the evening before, still in the previous month.
  const latest = month === null ? null : listingDayOnOrAfter(firstDayOfNextMonth(month), skip);
  if (stamped <= earliest || (latest !== null && stamped > latest)) return earliest;
  return stamped;
}

/** `2026-12` → `2027-01-01` */
function firstDayOfNextMonth(month: string): string {
  return `${shiftDay(`${month}-28`, 7).slice(0, 7)}-01`;
}
