import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dayPeriod, isoWeekKey, monthPeriod, nextPeriod, parsePeriod, periodOf, previousPeriod, weekPeriod, type PeriodKind } from '../../src/catalog/periods.js';
import { shiftDay } from '../../src/papers/dates.js';
import { checkProperty } from '../support/properties.js';

const DAY_MS = 86_400_000;
/** Any day of the four-digit years, the first hundred years and the ends drawn often. */
const days = fc
  .oneof(
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('0100-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom(new Date('0000-01-01T00:00:00Z'), new Date('9999-12-31T00:00:00Z'), new Date('2020-12-31T00:00:00Z'), new Date('2021-01-03T00:00:00Z')),
  )
  .map((d) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10));
const kinds = fc.constantFrom<PeriodKind>('day', 'week', 'month');

describe('days, weeks and months (properties)', () => {
  it('names every day, and the week and month around it, which hold it', () => {
    checkProperty(
      fc.property(days, (day) => {
        assert.deepEqual(dayPeriod(day), { kind: 'day', key: day, start: day, end: day });
        const month = monthPeriod(day.slice(0, 7))!;
        assert.ok(month.start <= day && day <= month.end && month.start.endsWith('-01'), `${day} in ${month.key}`);
        assert.notEqual(shiftDay(month.end, 1).slice(0, 7), month.key, `${month.end} is the last day of ${month.key}`);
        const week = weekPeriod(isoWeekKey(new Date(`${day}T00:00:00Z`)));
        // The weeks at the ends of the four-digit years run out of them, and have no name.
        if (week === null) return assert.ok(day < '0000-01-04' || day > '9999-12-26', day);
        assert.ok(week.start <= day && day <= week.end, `${day} in ${week.key}`);
        assert.equal(new Date(`${week.start}T00:00:00Z`).getUTCDay(), 1, `${week.key} starts on a Monday`);
        assert.equal(shiftDay(week.start, 6), week.end);
        assert.deepEqual(weekPeriod(week.key), week);
      }),
    );
  });

  it('steps forward and back to the same period', () => {
    const inside = days.filter((d) => d >= '0001-01-01' && d <= '9998-12-31');
    checkProperty(
      fc.property(inside, kinds, (day, kind) => {
        const period = periodOf(kind, day);
        assert.deepEqual(nextPeriod(previousPeriod(period)), period);
        assert.deepEqual(previousPeriod(nextPeriod(period)), period);
        assert.equal(shiftDay(previousPeriod(period).end, 1), period.start);
      }),
    );
  });

  it('reads any key as a period of its kind or nothing, without throwing', () => {
    const keyLike = fc.oneof(fc.string({ maxLength: 14 }), fc.stringMatching(/^\d{1,5}-(W)?\d{1,3}(-\d{1,3})?$/));
    checkProperty(
      fc.property(kinds, keyLike, (kind, key) => {
        const period = parsePeriod(kind, key);
        if (period === null) return;
        assert.equal(period.key, key);
        assert.equal(period.kind, kind);
        assert.ok(/^\d{4}-\d{2}-\d{2}$/.test(period.start) && /^\d{4}-\d{2}-\d{2}$/.test(period.end) && period.start <= period.end, key);
      }),
    );
  });
});
