/**
 * A group's sessions as an iCalendar feed (RFC 5545), written by ical-generator, which escapes and
 * folds the text. Times are given in UTC (`DTSTART:20261210T170000Z`): every calendar program
 * shows them in its own zone, and no VTIMEZONE data has to travel with the feed. Each session's
 * UID is stable and its SEQUENCE rises with each change, so a subscribed calendar updates the
 * event it holds instead of adding another.
 */
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { Group } from '../../groups/groups.js';
import type { Session } from '../../groups/sessions.js';
import { describeWhen } from '../../groups/sessions.js';

export const CALENDAR_TYPE = 'text/calendar; charset=utf-8';

export function sessionsCalendar(group: Pick<Group, 'slug' | 'name'>, sessions: Session[], baseUrl: string): string {
  const host = new URL(baseUrl).hostname;
  const calendar = ical({
    name: `${group.name} · Paperboy`,
    description: `Sessions of ${group.name}`,
    prodId: { company: 'Paperboy', product: 'group sessions', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    url: `${baseUrl}/groups/${group.slug}`,
    ttl: 3600,
  });
  for (const s of sessions) {
    const start = new Date(s.startsAt);
    const url = `${baseUrl}/groups/${group.slug}/sessions/${s.id}`;
    const lines = [
      `${group.name}: ${describeWhen(s.startsAt, s.timeZone)}`,
      ...(s.presenter ? [`Presented by ${s.presenter.displayName}`] : []),
      ...s.papers.map((p) => `${p.title} (${baseUrl}/papers/${p.id})`),
      url,
    ];
    calendar.createEvent({
      id: `session-${s.id}@${group.slug}.groups.${host}`,
      sequence: s.sequence,
      start,
      end: new Date(start.getTime() + s.durationMinutes * 60_000),
      stamp: new Date(s.updatedAt),
      summary: s.title,
      description: lines.join('\n'),
      url,
    });
  }
  return calendar.toString();
}
