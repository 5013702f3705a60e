import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dayPeriod, isoWeekKey, monthPeriod, nextPeriod, periodOf, previousPeriod, weekPeriod } from '../../src/catalog/periods.js';

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
});
