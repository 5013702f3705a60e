import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { arxivIdMonth, formatArxivId, parseArxivId } from '../../src/papers/arxiv-id.js';
import { parseDate } from '../../src/papers/dates.js';
import { checkProperty } from '../support/properties.js';

/** Strings that look a little like ids and dates, and any others. */
const idLike = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom('arXiv:', 'oai:arXiv.org:', 'https://arxiv.org/abs/', '/pdf/', '.pdf', 'hep-th/', 'math.GT/', 'v', 'v0', 'v2', '.', '/', ' [cs.CL]', '[', ']', '?', '#'), fc.stringMatching(/^\d{1,7}$/)), { maxLength: 8 }).map((p) => p.join('')),
);
/** A new-style id arXiv could have minted: YYMM.NNNN from April 2007, YYMM.NNNNN from 2015. */
const newStyleId = fc
  .tuple(fc.integer({ min: 7, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 99_999 }))
  .filter(([yy, mm]) => yy > 7 || mm >= 4)
  .map(([yy, mm, n]) => {
    const digits = yy >= 15 ? 5 : 4;
    return { id: `${String(yy).padStart(2, '0')}${String(mm).padStart(2, '0')}.${String(n % 10 ** digits || 1).padStart(digits, '0')}`, month: `20${String(yy).padStart(2, '0')}-${String(mm).padStart(2, '0')}` };
  });

describe('arXiv ids and dates (properties)', () => {
  it('parses anything to a canonical id or nothing, without throwing', () => {
    checkProperty(
      fc.property(idLike, (raw) => {
        const parsed = parseArxivId(raw);
        if (parsed === null) return;
        assert.deepEqual(parseArxivId(parsed.id), { id: parsed.id, version: null }, `${raw} -> ${parsed.id}`);
        assert.deepEqual(parseArxivId(formatArxivId(parsed.id, parsed.version)), parsed);
        assert.match(arxivIdMonth(parsed.id) ?? '', /^\d{4}-\d{2}$/);
      }),
    );
  });

  it('reads every new-style id in every written form, with its month', () => {
    checkProperty(
      fc.property(newStyleId, fc.option(fc.integer({ min: 1, max: 99 }), { nil: null }), fc.constantFrom('', 'arXiv:', 'https://arxiv.org/abs/', 'oai:arXiv.org:'), ({ id, month }, version, prefix) => {
        assert.deepEqual(parseArxivId(`${prefix}${formatArxivId(id, version)}`), { id, version });
        assert.equal(arxivIdMonth(id), month);
      }),
    );
  });

  it('reads any text as an ISO 8601 UTC time or nothing, and reads its own answer back', () => {
    const dateLike = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .tuple(fc.date({ min: new Date('0900-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.constantFrom('Z', ' UTC', '+02:00', '-0430', ''))
        .map(([d, zone]) => d.toISOString().replace(/\.\d{3}Z$/, zone)),
      fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => `${d.toUTCString()} (11kb,D)`),
    );
    checkProperty(
      fc.property(dateLike, (raw) => {
        const iso = parseDate(raw);
        if (iso === null) return;
        assert.match(iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, raw);
        assert.equal(parseDate(iso), iso);
      }),
    );
  });

  it('reads a time written by JavaScript as that time, in ISO and in RFC 2822', () => {
    checkProperty(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
        const expected = whole.toISOString().replace('.000Z', 'Z');
        assert.equal(parseDate(whole.toISOString()), expected);
        assert.equal(parseDate(whole.toUTCString()), expected, whole.toUTCString());
      }),
    );
  });
});
