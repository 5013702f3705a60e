/**
 * The daily read of arXiv's announcements (docs/announcements.md): brings the catalog up to the
 * announcement arXiv serves now, for the configured categories, with each paper listed on the day
 * arXiv announced it. A plain function over the database: which days are done is in
 * `announcement_days`, where a caught-up harvest stopped in `harvest_checkpoints`; run it as often
 * as you like, it reads arXiv only for what is missing and never records a day twice.
 *
 * - Today (in New York, Monday to Friday) is read from the feed once arXiv has built it (just
 *   after midnight there). New and cross-listed papers not held yet are listed on the feed's day;
 *   replacements update papers already held and list nothing. The full records (dates, comments,
 *   versions) come from the export API by id; the feed's own data stands in for a paper the API
 *   does not return, once it is late enough in the morning not to wait for it any more, and its
 *   full record is asked for again later (feed-only.ts).
 * - Weekdays between the last day recorded and today that were missed (the server was down) are
 *   caught up through OAI-PMH by datestamp, each paper on the day its record names
 *   (papers/announcements.ts, `listingDayOfRecord`); a missed weekday without papers had no
 *   announcement.
 * - A weekday whose feed is empty is recorded as a day without announcement (a holiday), once it
 *   is late enough that the emptiness is not a feed still being built.
 */
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../log.js';
import { ARXIV_TIME_ZONE, isListingWeekday, listingDayOfRecord, listingDayOnOrAfter } from '../papers/announcements.js';
import { parseArxivId } from '../papers/arxiv-id.js';
import { shiftDay, wallClock } from '../papers/dates.js';
import type { Paper, PaperInput, SourceItem } from '../papers/paper.js';
import { inSelection, isArchiveOrCategory, oaiSetOf } from '../papers/taxonomy.js';
import { fetchByIds } from '../sources/arxiv-api.js';
import { fetchAnnouncement, type AnnouncementFeed } from '../sources/announcement-feed.js';
import { HttpError, type HttpGetter } from '../sources/http.js';
import { harvestOai, type OaiCheckpoint } from '../sources/oai-harvest.js';
import { daysWithoutAnnouncement, latestRecordedDay, recordDay, recordedDays } from '../store/announcement-days.js';
import { clearCheckpoint, loadCheckpoint, saveCheckpoint } from '../store/checkpoints.js';
import { markFeedOnly, unmarkFeedOnly } from '../store/feed-only-papers.js';
import { countsOnDays, moveListingDay, storedListings } from '../store/papers.js';
import type { Db } from '../store/schema.js';
import { Ingest } from './ingest.js';

/** Missed days further back than this are left to `paperboy harvest`: catching up is for downtime, not for filling an archive. */
export const MAX_CATCH_UP_DAYS = 14;
/** Minutes after midnight in New York before an empty weekday feed counts as a day without announcement. */
const HOLIDAY_AFTER_MINUTE = 3 * 60;
/** Minutes after midnight in New York from which a paper the export API did not return is listed with the feed's data alone. */
const FEED_ONLY_AFTER_MINUTE = 6 * 60;
/** A paper listed with the feed's data alone is first asked for again this long after (then twice as long each time: feed-only.ts). */
export const FIRST_RETRY_MS = 15 * 60_000;

export interface AnnouncementDeps {
  db: Db;
  log: Logger;
  /** The process's one client for arXiv. */
  client: HttpGetter;
  config: Pick<Config, 'arxivCategories' | 'arxivRssUrl' | 'arxivApiUrl' | 'oaiUrl'>;
}

export interface RecordedDay {
  day: string;
  status: 'listed' | 'none';
  source: 'feed' | 'oai';
  listed: number;
  replaced: number;
}

export interface AnnouncementReport {
  /** Days recorded by this run, oldest first. */
  recorded: RecordedDay[];
  /**
   * Today's announcement is due but could not be taken yet (the feed still names yesterday, an
   * empty feed too early to call a holiday, papers the API did not return): run again later.
   */
  waiting: string | null;
}

/** The configured categories, each checked against arXiv's taxonomy; a ConfigError naming the variable otherwise. */
export function announcementCategories(config: Pick<Config, 'arxivCategories'>): string[] {
  const unknown = config.arxivCategories.filter((entry) => !isArchiveOrCategory(entry));
  if (unknown.length > 0) {
    throw new ConfigError(`invalid configuration:\n  PAPERBOY_ARXIV_CATEGORIES=${JSON.stringify(config.arxivCategories.join(' '))}: not arXiv categories or archives: ${unknown.join(', ')}`);
  }
  return config.arxivCategories;
}

/** Reads what arXiv announced since the last read, up to the announcement it serves at `now`. */
export async function readAnnouncements(deps: AnnouncementDeps, now: Date, signal?: AbortSignal): Promise<AnnouncementReport> {
  const report: AnnouncementReport = { recorded: [], waiting: null };
  const categories = announcementCategories(deps.config);
  if (categories.length === 0) return report;
  const clock = wallClock(now, ARXIV_TIME_ZONE);
  const last = await latestRecordedDay(deps.db);

  const missed = last === null ? [] : missedDays(last, clock.day);
  if (missed.length > 0) report.recorded.push(...(await catchUp(deps, categories, missed, now, signal)));

  if (!isListingWeekday(clock.day) || (await recordedDays(deps.db, clock.day, clock.day)).length > 0) return report;
  const feed = await fetchAnnouncement(categories, { client: deps.client, baseUrl: deps.config.arxivRssUrl, ...(signal ? { signal } : {}) });
  for (const error of feed.errors) deps.log.warn({ where: error.where }, `announcement feed: ${error.message}`);
  const newest = (await latestRecordedDay(deps.db)) ?? '';
  const minute = clock.hour * 60 + clock.minute;
  if (feed.day === null) {
    deps.log.warn('the announcement feed names no day; reading it again later');
  } else if (feed.day <= newest || !isListingWeekday(feed.day)) {
    deps.log.info({ feedDay: feed.day, today: clock.day }, `the announcement feed still holds ${feed.day}; reading it again later`);
  } else if (feed.items.length === 0 && minute < HOLIDAY_AFTER_MINUTE) {
    deps.log.info({ day: feed.day }, `the announcement feed of ${feed.day} is empty so far; reading it again later`);
  } else {
    const day = await storeFeedDay(deps, feed, feed.day, minute >= FEED_ONLY_AFTER_MINUTE, now, signal);
    if (day) report.recorded.push(day);
  }
  if ((await recordedDays(deps.db, clock.day, clock.day)).length === 0) report.waiting = clock.day;
  return report;
}

/** Weekdays after `last` and before `today`, within the catch-up window. */
function missedDays(last: string, today: string): string[] {
  const oldest = shiftDay(today, -MAX_CATCH_UP_DAYS);
  const days: string[] = [];
  for (let day = shiftDay(last > oldest ? last : oldest, 1); day < today; day = shiftDay(day, 1)) {
    if (isListingWeekday(day)) days.push(day);
  }
  return days;
}

/**
 * Stores one day of the feed with its record, in one transaction. Returns null when the export
 * API did not return every paper to list and it is still early enough to wait for it.
 */
async function storeFeedDay(deps: AnnouncementDeps, feed: AnnouncementFeed, day: string, feedOnly: boolean, now: Date, signal?: AbortSignal): Promise<RecordedDay | null> {
  const held = await storedListings(deps.db, feed.items.map((i) => i.id));
  const fresh = feed.items.filter((i) => (i.type === 'new' || i.type === 'cross') && !held.has(i.id));
  const replaced = feed.items.filter((i) => (i.type === 'replace' || i.type === 'replace-cross') && held.has(i.id));
  const full = await fullRecords(deps, [...fresh, ...replaced].map((i) => i.id), signal);
  const missing = fresh.filter((i) => !full.has(i.id));
  if (missing.length > 0 && !feedOnly) {
    deps.log.warn({ day, missing: missing.length }, `the export API did not return ${missing.length} of the papers announced on ${day}; reading again later`);
    return null;
  }
  const ingest = new Ingest(deps.db, { onRejection: (r) => deps.log.warn(r, `announcement ${day}: rejected ${r.where}: ${r.field}: ${r.reason}`) });
  const listed = ingest.normalizeAll(fresh.map((i) => item({ ...(full.get(i.id) ?? i.input), listedOn: day })));
  // A replacement with nothing but the feed's data would wipe the paper's comment and dates: left for a later read.
  const updated = ingest.normalizeAll(replaced.filter((i) => full.has(i.id)).map((i) => item(full.get(i.id)!)));
  // A day arXiv announced something is listed, even when every paper of it was already held.
  const recorded: RecordedDay = { day, status: feed.items.length > 0 ? 'listed' : 'none', source: 'feed', listed: listed.length, replaced: updated.length };
  const fromFeed = listed.filter((p) => !full.has(p.id)).map((p) => p.id);
  await ingest.store([...listed, ...updated], async (trx) => {
    await recordDay(trx, { ...recorded, read_at: now.toISOString() });
    // A paper listed with the feed's data alone gets its full record later (feed-only.ts); a replacement brought it.
    await markFeedOnly(trx, fromFeed, now.toISOString(), new Date(now.getTime() + FIRST_RETRY_MS).toISOString());
    await unmarkFeedOnly(trx, updated.map((p) => p.id));
  });
  if (fromFeed.length > 0) deps.log.warn({ day, papers: fromFeed.length }, `${fromFeed.length} papers of ${day} listed with the announcement feed's data alone; their full records are asked for again later`);
  deps.log.info(recorded, recorded.status === 'listed' ? `announcement of ${day}: ${listed.length} papers listed, ${updated.length} replaced` : `no announcement on ${day}`);
  return recorded;
}

/** The export API's records of the papers, by id; those it did not return (or could not, arXiv being down) are absent. */
export async function fullRecords(deps: AnnouncementDeps, ids: string[], signal?: AbortSignal): Promise<Map<string, PaperInput>> {
  const found = new Map<string, PaperInput>();
  if (ids.length === 0) return found;
  try {
    for await (const result of fetchByIds(ids, { client: deps.client, baseUrl: deps.config.arxivApiUrl, ...(signal ? { signal } : {}) })) {
      if (result.kind === 'error') deps.log.warn({ where: result.error.where }, `export API: ${result.error.message}`);
      else found.set(idOf(result.input.id), result.input);
    }
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    deps.log.warn({ err: error }, `export API unavailable: ${error.message}`);
  }
  return found;
}

/** `http://arxiv.org/abs/2504.17830v1` → `2504.17830`, as the feed's items name papers. */
function idOf(raw: string | null | undefined): string {
  return (typeof raw === 'string' ? parseArxivId(raw)?.id : undefined) ?? '';
}

function item(input: PaperInput): SourceItem {
  return { kind: 'record', input };
}

/** Where a catch-up of one OAI set stands: its harvest, and the missed days its records showed arXiv announced. */
interface CatchUpState {
  oai: OaiCheckpoint;
  announced: string[];
}

/**
 * Catches up missed weekdays through OAI-PMH (`arXivRaw`, so every version has its time), one set
 * at a time, each page stored with its state; then, in one transaction, records each missed day.
 * A missed weekday no record of the selection is stamped with had no announcement: the papers the
 * schedule put on it move on to the next announcement, and it is recorded as such.
 */
async function catchUp(deps: AnnouncementDeps, categories: string[], missed: string[], now: Date, signal?: AbortSignal): Promise<RecordedDay[]> {
  const from = missed[0]!;
  const until = missed[missed.length - 1]!;
  const missedSet = new Set(missed);
  const known = await daysWithoutAnnouncement(deps.db, shiftDay(from, -2 * MAX_CATCH_UP_DAYS));
  const skip = (day: string) => known.has(day);
  deps.log.info({ from, until, days: missed.length }, `catching up on ${missed.length} missed announcement days through OAI-PMH`);
  const ingest = new Ingest(deps.db, { onRejection: (r) => deps.log.warn(r, `catching up: rejected ${r.where}: ${r.field}: ${r.reason}`) });
  const announced = new Set<string>();
  const keys: string[] = [];

  for (const set of [...new Set(categories.map(oaiSetOf))]) {
    // The list runs up to now, not to the last missed day: a paper listed on a missed day and
    // replaced or edited since carries a later datestamp. The key names the missed days, so a
    // catch-up that resumes covers the same ones.
    const key = `announcements oai ${set} ${from}..${until}`;
    keys.push(key);
    const saved = await loadCheckpoint<CatchUpState>(deps.db, key);
    for (const day of saved?.announced ?? []) announced.add(day);
    const pages = harvestOai({ client: deps.client, baseUrl: deps.config.oaiUrl, set, metadataPrefix: 'arXivRaw', from, until: null, resumeFrom: saved?.oai ?? null, ...(signal ? { signal } : {}) });
    for await (const page of pages) {
      const records = page.items.filter((i): i is { kind: 'record'; input: PaperInput } => i.kind === 'record');
      const held = await storedListings(deps.db, records.map((i) => idOf(i.input.id)));
      const papers: Paper[] = [];
      for (const source of records) {
        const [paper] = ingest.normalizeAll([source]);
        if (paper === undefined || !inSelection(paper.categories, categories)) continue;
        const stamp = source.input.datestamp ?? null;
        if (stamp !== null && missedSet.has(stamp)) announced.add(stamp);
        if (held.has(paper.id)) {
          papers.push(paper);
          continue;
        }
        // A datestamp after the missed days is a later change (or today's news, which the feed brings).
        const datestamp = stamp !== null && stamp <= until ? stamp : null;
        const firstVersionAt = paper.published ?? paper.updated ?? `${stamp ?? until}T00:00:00Z`;
        const day = listingDayOfRecord({ id: paper.id, datestamp, firstVersionAt, versions: Math.max(paper.versions.length, paper.version) }, skip);
        // Not held and listed before the missed days: an old paper's replacement or edit, never news here.
        if (missedSet.has(day)) papers.push({ ...paper, day });
      }
      const state: CatchUpState = { oai: page.checkpoint, announced: [...announced].sort() };
      await ingest.store(papers, (trx) => saveCheckpoint(trx, key, state));
      if (signal?.aborted) throw signal.reason;
    }
  }

  const quiet = new Set(missed.filter((day) => !announced.has(day)));
  return deps.db.transaction().execute(async (trx) => {
    for (const day of quiet) await moveListingDay(trx, day, listingDayOnOrAfter(shiftDay(day, 1), (d) => known.has(d) || quiet.has(d)));
    const counts = await countsOnDays(trx, missed);
    const recorded = missed.map((day): RecordedDay => ({ day, status: quiet.has(day) ? 'none' : 'listed', source: 'oai', listed: counts.get(day) ?? 0, replaced: 0 }));
    for (const day of recorded) {
      await recordDay(trx, { ...day, read_at: now.toISOString() });
      deps.log.info(day, day.status === 'listed' ? `caught up on ${day.day}: ${day.listed} papers listed` : `no announcement on ${day.day}`);
    }
    for (const key of keys) await clearCheckpoint(trx, key);
    return recorded;
  });
}
