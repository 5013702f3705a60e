import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dayPeriod, isoWeekKey, monthPeriod, nextPeriod, outsideCalendar, periodOf, previousPeriod, weekPeriod } from '../../src/catalog/periods.js';

describe('periods', () => {
  it('follows the ISO week rule', () => {
    assert.deepEqual(weekPeriod('2026-W01'), { kind: 'week', key: '2026-W01', start: '2025-12-29', end: '2026-01-04' });
    assert.equal(isoWeekKey(new Date('2021-01-03T00:00:00Z')), '2020-W53');
    assert.equal(isoWeekKey(new Date('2024-12-30T00:00:00Z')), '2025-W01');
    assert.equal(weekPeriod('2020-W53')?.start, '2020-12-28');
    assert.equal(weekPeriod('2025-W53'), null);
    assert.equal(weekPeriod('2025-W60'), null);
    assert.equal(weekPeriod('2025-W00'), null);
  });

  it('knows month lengths and refuses impossible dates', () => {
    assert.deepEqual(monthPeriod('2024-02'), { kind: 'month', key: '2024-02', start: '2024-02-01', end: '2024-02-29' });
    assert.equal(monthPeriod('2025-13'), null);
    assert.equal(dayPeriod('2025-13-45'), null);
    assert.equal(dayPeriod('2025-02-29'), null);
    assert.equal(dayPeriod('2024-02-29')?.end, '2024-02-29');
  });

  it('steps to neighbouring periods', () => {
    assert.equal(previousPeriod(dayPeriod('2026-03-01')!).key, '2026-02-28');
    assert.equal(nextPeriod(weekPeriod('2025-W52')!).key, '2026-W01');
    assert.equal(nextPeriod(monthPeriod('2025-12')!).key, '2026-01');
    assert.equal(periodOf('week', '2026-07-01').key, '2026-W27');
  });

  it('names periods of the years 0 to 99 as written, not as 1900 to 1999', () => {
    assert.deepEqual(monthPeriod('0050-06'), { kind: 'month', key: '0050-06', start: '0050-06-01', end: '0050-06-30' });
    assert.equal(weekPeriod('0050-W10')?.start.slice(0, 4), '0050');
    assert.equal(isoWeekKey(new Date(weekPeriod('0050-W10')!.start)), '0050-W10');
  });

  it("has a page only for periods from arXiv's first year to today", () => {
    assert.match(outsideCalendar(dayPeriod('0000-01-01')!, '2026-12-03') ?? '', /arXiv began in 1991/);
    assert.match(outsideCalendar(weekPeriod('9999-W51')!, '2026-12-03') ?? '', /has not come yet/);
    assert.equal(weekPeriod('9999-W52'), null, 'ends in the year 10000');
    assert.equal(outsideCalendar(weekPeriod('1991-W01')!, '2026-12-03'), null, 'ends in 1991');
    assert.equal(outsideCalendar(dayPeriod('2026-12-04')!, '2026-12-03'), null, "a day's grace");
    assert.match(outsideCalendar(dayPeriod('2026-12-05')!, '2026-12-03') ?? '', /has not come yet/);
  });
});
