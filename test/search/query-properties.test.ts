import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_TERMS, parseCategory, parseDay, parseQuery } from '../../src/search/query.js';
import { checkProperty } from '../support/properties.js';

/** Whether year-month-day is a day of the (proleptic Gregorian) calendar, by another road than the code's. */
function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** What people type, and what they paste: the syntax's own characters drawn often. */
const typed = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.array(
    fc.oneof(
      fc.constantFrom('"', '-', '*', ':', 'cat:', 'author:', 'after:', 'before:', 'category:', 'cs.CL', 'cs', '2025', '2025-02-29', '0000-02-29', ' ', '\t', '\u0000', 'AND', 'NEAR(', '(', ')', 'é', 'the'),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  ).map((parts) => parts.join('')),
);

/** Any four-digit year, the first hundred (which JavaScript's Date.UTC reads as 1900 to 1999) and the leap-year edges drawn often. */
export const years = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom(0, 4, 100, 400, 1900, 2000, 2024, 9999));

describe('the search box parser (properties)', () => {
  it('parses anything typed into a bounded query, without throwing', () => {
    checkProperty(
      fc.property(typed, (input) => {
        const q = parseQuery(input);
        assert.ok(q.terms.length <= MAX_TERMS);
        for (const term of q.terms) {
          assert.ok(/[\p{L}\p{N}]/u.test(term.text), `term ${JSON.stringify(term.text)} has a word character`);
          // eslint-disable-next-line no-control-regex
          assert.doesNotMatch(term.text, /[\u0000-\u001f\u007f]/);
        }
        for (const day of [q.filters.after, q.filters.before]) {
          if (day === null) continue;
          const [y, m, d] = day.split('-').map(Number) as [number, number, number];
          assert.ok(/^\d{4}-\d{2}-\d{2}$/.test(day) && isRealDay(y, m, d), day);
        }
        for (const category of q.filters.categories) assert.equal(typeof category, 'string');
      }),
    );
  });

  it('reads a date filter as a real day, or not at all', () => {
    checkProperty(
      fc.property(years, fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constant(2)), fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31)), (year, month, day) => {
        const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const parsed = parseDay(text, 'start');
        assert.equal(parsed, isRealDay(year, month, day) ? text : null, text);
        if (month >= 1 && month <= 12) {
          const first = parseDay(text.slice(0, 7), 'start')!;
          const last = parseDay(text.slice(0, 7), 'end')!;
          assert.ok(first <= last && first.endsWith('-01'), text);
          assert.equal(isRealDay(year, month, Number(last.slice(8)) + 1), false, `${last} is the month's last day`);
        }
      }),
    );
  });

  it('reads any category filter without throwing', () => {
    checkProperty(fc.property(fc.string({ maxLength: 30 }), (value) => void parseCategory(value)));
  });
});
