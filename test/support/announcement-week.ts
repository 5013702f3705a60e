/**
 * A stand-in for arXiv over a week of announcements, made from real recordings: the channel and
 * item layout of a recorded rss.arxiv.org feed (`fixtures/arxiv/rss/`), the entry layout of a
 * recorded export-API answer (`fixtures/arxiv/atom/`), and real arXiv records with their real
 * submission times (`fixtures/samples/arxiv-cs-3400.jsonl.gz`). What is assembled is written
 * down in `fixtures/arxiv/rss/README.md`: the envelopes and which day each record is announced
 * on (by arXiv's regular schedule from its real submission time, with the days the test declares
 * holidays passed over); every title, abstract, author, category, comment and time is the record's.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ARXIV_TIME_ZONE, isListingWeekday, scheduledListingDay } from '../../src/papers/announcements.js';
import { parseDate, shiftDay, wallClock } from '../../src/papers/dates.js';
import { classifyCategoryToken, inSelection, oaiSetOf } from '../../src/papers/taxonomy.js';
import {
  ATOM_TYPE,
  OaiListRecords,
  atomFeed,
  readFixture,
  reply,
  type Handler,
  type OaiRecordFixture,
  type RecordedRequest,
  type ScriptedResponse,
} from './fixture-server.js';
import { arxivSample } from './paths.js';

/** The recorded feed of Monday 28 April 2025 for quant-ph, as arXiv served it. */
export function recordedFeed(): string {
  return readFixture('rss/quant-ph-2025-04-28.xml');
}

/**
 * The channel arXiv serves on a day without announcement: the recorded feed's header with no
 * items (arXiv/arxiv-feed writes it so), dated `day` (midnight in New York) when given.
 */
export function emptyChannel(recorded: string, day?: string): string {
  const empty = recorded.replace(/\n {4}<item>[\s\S]*<\/item>/, '');
  return day === undefined ? empty : redate(empty, day);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Midnight of `day` in New York, as arXiv dates a feed: `{ utc, offset: '-0500' }`. */
export function newYorkMidnight(day: string): { utc: Date; offset: string } {
  for (const hours of [4, 5]) {
    const utc = new Date(`${day}T0${hours}:00:00Z`);
    const local = wallClock(utc, ARXIV_TIME_ZONE);
    if (local.day === day && local.hour === 0) return { utc, offset: `-0${hours}00` };
  }
  throw new Error(`no midnight in New York on ${day}`);
}

/** `Mon, 28 Apr 2025 00:00:00 -0400`, RFC 822 as the feed writes it. */
export function rfc822(day: string, time: string, offset: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return `${WEEKDAYS[date.getUTCDay()]}, ${String(date.getUTCDate()).padStart(2, '0')} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${time} ${offset}`;
}

/** The feed dated `day`: its channel's pubDate and lastBuildDate as arXiv writes them for that day. */
function redate(feed: string, day: string): string {
  const { utc, offset } = newYorkMidnight(day);
  const built = rfc822(utc.toISOString().slice(0, 10), `${utc.toISOString().slice(11, 19)}`, '+0000');
  return feed
    .replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, `<lastBuildDate>${built}</lastBuildDate>`)
    .replace(/(<\/managingEditor>\s*<pubDate>)[^<]*(<\/pubDate>)/, `$1${rfc822(day, '00:00:00', offset)}$2`);
}

/** One line of the JSON-lines sample. */
export interface SampleRecord {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  primary_category: string;
  /** v1's submission, `2024-01-03 00:09:34 UTC`. */
  published: string | null;
  /** The latest version's submission. */
  updated: string | null;
  comment: string | null;
}

export function sampleRecords(): SampleRecord[] {
  return gunzipSync(readFileSync(arxivSample))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as SampleRecord);
}

/** A paper of the week: when arXiv announced it, and its replacement if that came within the week. */
export interface WeekPaper {
  record: SampleRecord;
  /** new: primary category in the selection; cross: cross-listed into it. */
  type: 'new' | 'cross';
  /** The day v1 was listed. */
  listed: string;
  /** The day v2 was announced, when after `listed` and not after the week's last day; else null. */
  replaced: string | null;
}

export interface WeekOptions {
  /** Categories and archives asked for, as in PAPERBOY_ARXIV_CATEGORIES. */
  categories: string[];
  /** Weekdays the test declares days without announcement: their feed is empty, their papers roll on. */
  holidays: string[];
  /** The last listing day arXiv announces; records listed later do not exist yet. */
  last: string;
  /** The clock the stand-in answers by (the test moves it). */
  now: () => Date;
}

/** What the stand-in was asked, at which time of the test's clock. */
export interface WeekRequest {
  kind: 'rss' | 'api' | 'oai';
  /** The day in New York on the test's clock. */
  day: string;
  at: Date;
  request: RecordedRequest;
}

/**
 * arXiv for a week: `/rss/<categories>` serves the announcement of the day it is in New York on
 * the test's clock (the previous one for the first ten minutes after midnight, as a feed not yet
 * rebuilt; an empty channel on weekends and holidays), `/api/query?id_list=` the records announced
 * so far, `/oai2` their arXivRaw records by datestamp. `fail(kind, day, ...responses)` answers the
 * next requests of that kind on that day with the given faults first.
 */
export class AnnouncementWeek {
  readonly papers: WeekPaper[];
  readonly requests: WeekRequest[] = [];
  private readonly faults = new Map<string, (ScriptedResponse | 'answer')[]>();
  private oai: OaiListRecords | null = null;
  private oaiDay = '';

  constructor(private readonly options: WeekOptions) {
    const skip = (day: string) => options.holidays.includes(day);
    this.papers = sampleRecords()
      .filter((r) => r.published !== null && inSelection(r.categories, options.categories))
      .map((record): WeekPaper => {
        const listed = scheduledListingDay(iso(record.published!), { id: record.id, skip });
        const update = record.updated !== null && record.updated !== record.published ? scheduledListingDay(iso(record.updated), { skip }) : null;
        return {
          record,
          type: options.categories.includes(record.primary_category) || options.categories.includes(record.primary_category.split('.')[0]!) ? 'new' : 'cross',
          listed,
          replaced: update !== null && update > listed && update <= options.last ? update : null,
        };
      })
      .filter((p) => p.listed <= options.last);
  }

  /** The papers first listed on a day. */
  listedOn(day: string): WeekPaper[] {
    return this.papers.filter((p) => p.listed === day);
  }

  /** The next requests of a kind on a day get these answers first; `answer` lets one through. */
  fail(kind: WeekRequest['kind'], day: string, ...responses: (ScriptedResponse | 'answer')[]): void {
    this.faults.set(`${kind} ${day}`, [...(this.faults.get(`${kind} ${day}`) ?? []), ...responses]);
  }

  readonly handler: Handler = (request) => {
    const at = this.options.now();
    const clock = wallClock(at, ARXIV_TIME_ZONE);
    const kind = request.path.startsWith('/rss/') ? 'rss' : request.path === '/api/query' ? 'api' : request.path === '/oai2' ? 'oai' : null;
    if (kind === null) return undefined;
    this.requests.push({ kind, day: clock.day, at, request });
    const fault = this.faults.get(`${kind} ${clock.day}`)?.shift();
    if (fault && fault !== 'answer') return fault;
    if (kind === 'rss') return reply(this.feed(clock.hour === 0 && clock.minute < 10 ? shiftDay(clock.day, -1) : clock.day), { contentType: 'application/rss+xml' });
    if (kind === 'api') return this.api(request, clock.day);
    return this.oaiList(clock.day).handler(request);
  };

  /** The feed arXiv serves on `day`: its new and cross-listed papers, then its replacements. */
  feed(day: string): string {
    const header = emptyChannel(recordedFeed(), day).replaceAll('quant-ph updates', `${this.options.categories.join(', ')} updates`).replaceAll('rss/quant-ph', `rss/${this.options.categories.join('+')}`);
    if (!isListingWeekday(day) || this.options.holidays.includes(day)) return header;
    const pubDate = rfc822(day, '00:00:00', newYorkMidnight(day).offset);
    const items = [
      ...this.listedOn(day).map((p) => rssItem(p.record, p.type, 1, pubDate)),
      ...this.papers.filter((p) => p.replaced === day).map((p) => rssItem(p.record, p.type === 'new' ? 'replace' : 'replace-cross', 2, pubDate)),
    ];
    return header.replace('\n  </channel>', `${items.join('')}\n  </channel>`);
  }

  /** The papers announced by `day`, as the export API knows them then. */
  private api(request: RecordedRequest, day: string): ScriptedResponse {
    const ids = (request.query.get('id_list') ?? '').split(',');
    const entries = ids.flatMap((id) => {
      const paper = this.papers.find((p) => p.record.id === id && p.listed <= day);
      return paper ? [atomEntry(paper.record, paper.replaced !== null && paper.replaced <= day)] : [];
    });
    return reply(atomFeed(entries, { totalResults: entries.length, startIndex: 0, itemsPerPage: ids.length, query: request.query.toString() }), { contentType: ATOM_TYPE });
  }

  /** OAI-PMH as of `day`: each paper announced by then, stamped with the day of its latest announcement. */
  private oaiList(day: string): OaiListRecords {
    if (this.oai === null || this.oaiDay !== day) {
      const records = this.papers
        .filter((p) => p.listed <= day)
        .map((p): OaiRecordFixture => {
          const replaced = p.replaced !== null && p.replaced <= day;
          const setSpecs = [...new Set(categoriesOf(p.record).map(oaiSetOf))];
          const datestamp = replaced ? p.replaced! : p.listed;
          return { id: p.record.id, datestamp, setSpecs, xml: arxivRawRecord(p.record, datestamp, setSpecs, replaced) };
        })
        .sort((a, b) => (a.datestamp < b.datestamp ? -1 : a.datestamp > b.datestamp ? 1 : a.id < b.id ? -1 : 1));
      this.oai = new OaiListRecords(records, 50, '/oai2', 'arXivRaw');
      this.oaiDay = day;
    }
    return this.oai;
  }
}

/** `2024-01-03 00:09:34 UTC` → `2024-01-03T00:09:34Z` */
function iso(sampleDate: string): string {
  return parseDate(sampleDate)!;
}

/** A record's categories, primary first, without the MSC and ACM classes the dump mixes in. */
function categoriesOf(record: SampleRecord): string[] {
  return [...new Set([record.primary_category, ...record.categories])].filter((c) => classifyCategoryToken(c) === 'category');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An item in the layout of the recorded feed. */
function rssItem(record: SampleRecord, type: string, version: number, pubDate: string): string {
  const id = `${record.id}v${version}`;
  return `
    <item>
      <title>${escapeXml(record.title)}</title>
      <link>https://arxiv.org/abs/${record.id}</link>
      <description>arXiv:${id} Announce Type: ${type} 
Abstract: ${escapeXml(record.abstract)}</description>
      <guid isPermaLink="false">oai:arXiv.org:${id}</guid>
${categoriesOf(record).map((c) => `      <category>${c}</category>\n`).join('')}      <pubDate>${pubDate}</pubDate>
      <arxiv:announce_type>${type}</arxiv:announce_type>
      <dc:creator>${escapeXml(record.authors.join(', '))}</dc:creator>
    </item>`;
}

/** An export-API entry in the layout of the recorded answer; `replaced`: as v2. */
function atomEntry(record: SampleRecord, replaced: boolean): string {
  const version = replaced ? 2 : 1;
  const url = `http://arxiv.org/abs/${record.id}v${version}`;
  const comment = record.comment === null ? '' : `\n    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">${escapeXml(record.comment)}</arxiv:comment>`;
  return `<entry>
    <id>${url}</id>
    <updated>${iso(replaced ? record.updated! : record.published!)}</updated>
    <published>${iso(record.published!)}</published>
    <title>${escapeXml(record.title)}</title>
    <summary>${escapeXml(record.abstract)}</summary>
${record.authors.map((a) => `    <author>\n      <name>${escapeXml(a)}</name>\n    </author>\n`).join('')}    <link href="${url}" rel="alternate" type="text/html"/>${comment}
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="${record.primary_category}" scheme="http://arxiv.org/schemas/atom"/>
${categoriesOf(record).map((c) => `    <category term="${c}" scheme="http://arxiv.org/schemas/atom"/>\n`).join('')}  </entry>`;
}

/** An OAI-PMH record in arXivRaw, with v1 (and v2 when `replaced`) at their real times. */
function arxivRawRecord(record: SampleRecord, datestamp: string, setSpecs: string[], replaced: boolean): string {
  const version = (n: number, date: string) => `<version version="v${n}"><date>${httpDate(date)}</date></version>`;
  return `<record>
<header>
 <identifier>oai:arXiv.org:${record.id}</identifier>
 <datestamp>${datestamp}</datestamp>
${setSpecs.map((s) => ` <setSpec>${s}</setSpec>\n`).join('')}</header>
<metadata>
 <arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/">
 <id>${record.id}</id>${version(1, record.published!)}${replaced ? version(2, record.updated!) : ''}<title>${escapeXml(record.title)}</title><authors>${escapeXml(record.authors.join(', '))}</authors><categories>${categoriesOf(record).join(' ')}</categories>${record.comment === null ? '' : `<comments>${escapeXml(record.comment)}</comments>`}<abstract>${escapeXml(record.abstract)}</abstract></arXivRaw>
</metadata>
</record>`;
}

/** `2024-01-03 00:09:34 UTC` → `Wed, 3 Jan 2024 00:09:34 GMT`, as arXivRaw writes version dates. */
function httpDate(sampleDate: string): string {
  return new Date(iso(sampleDate)).toUTCString().replace(/, 0/, ', ');
}
