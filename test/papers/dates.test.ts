import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseDate, sizeFromDateNote } from '../../src/papers/dates.js';
import { fixturesDir } from '../support/paths.js';

describe('parseDate', () => {
  it('reads every accepted form into ISO 8601 UTC', () => {
    const cases: [string, string][] = [
      ['2015-12-26T21:19:45Z', '2015-12-26T21:19:45Z'],
      ['2020-09-04T00:00:00-04:00', '2020-09-04T04:00:00Z'],
      ['2020-09-04T02:30:00+05:30', '2020-09-03T21:00:00Z'],
      ['2024-01-02T03:04:05.678Z', '2024-01-02T03:04:05Z'],
      ['2024-01-02T03:04Z', '2024-01-02T03:04:00Z'],
      ['2024-01-11 03:02:17 UTC', '2024-01-11T03:02:17Z'],
      ['2024-01-11 03:02:17 GMT', '2024-01-11T03:02:17Z'],
      ['2024-01-11 03:02:17', '2024-01-11T03:02:17Z'],
      ['Mon, 2 Apr 2007 19:18:42 GMT', '2007-04-02T19:18:42Z'],
      ['Mon, 2 Apr 2007 19:18:42 GMT   (11kb)', '2007-04-02T19:18:42Z'],
      ['Wed, 18 Jul 2007 12:00:01 GMT (999kb,D)', '2007-07-18T12:00:01Z'],
      ['2 Apr 2007 19:18:42 +0200', '2007-04-02T17:18:42Z'],
      ['2017-10-23', '2017-10-23T00:00:00Z'],
      ['  2016-01-13\n', '2016-01-13T00:00:00Z'],
      ['2024-02-29', '2024-02-29T00:00:00Z'],
    ];
    for (const [raw, iso] of cases) assert.equal(parseDate(raw), iso, raw);
  });

  it('rejects impossible and unknown forms', () => {
    for (const raw of [
      '',
      'yesterday',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      'Mon, 2 Foo 2007 19:18:42 GMT',
      '2024/01/02',
      '02-01-2024',
      '20240102',
      '2024-1-2',
    ]) {
      assert.equal(parseDate(raw), null, raw);
    }
  });

  it('reads the size from a version date note', () => {
    assert.equal(sizeFromDateNote('Mon, 2 Apr 2007 19:18:42 GMT   (11kb)'), '11kb');
    assert.equal(sizeFromDateNote('Wed, 18 Jul 2007 12:00:01 GMT (999kb,D)'), '999kb');
    assert.equal(sizeFromDateNote('Mon, 2 Apr 2007 19:18:42 GMT'), null);
  });

  it('reads every submission and revision date of the .abs fixtures', () => {
    const dir = path.join(fixturesDir, 'abs');
    let dates = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.abs'))) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const [, raw = ''] of text.matchAll(/^Date(?: \(revised v\d+\))?: (.*)$/gm)) {
        assert.match(parseDate(raw) ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, `${file}: ${raw}`);
        assert.match(sizeFromDateNote(raw) ?? '', /^\d+kb$/, `${file}: ${raw}`);
        dates++;
      }
    }
    assert.ok(dates > 200, `only ${dates} dates found`);
  });
});
