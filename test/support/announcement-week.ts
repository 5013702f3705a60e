/**
 * Stand-ins for arXiv's daily announcement in tests, made from real recordings: the recorded
 * rss.arxiv.org feed (`fixtures/arxiv/rss/`) and real arXiv records (`fixtures/samples/`).
 */
import { ARXIV_TIME_ZONE } from '../../src/papers/announcements.js';
import { wallClock } from '../../src/papers/dates.js';
import { readFixture } from './fixture-server.js';

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
