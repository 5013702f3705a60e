import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listingDayOfRecord, scheduledListingDay } from '../../src/papers/announcements.js';
import { parseDate } from '../../src/papers/dates.js';
import { parseOaiPage } from '../../src/sources/oai-pmh.js';
import { readFixture } from '../support/fixture-server.js';

/** Every entry of one of arXiv's daily listing files: its id and the submission time it gives. */
function listingEntries(file: string): { id: string; submitted: string }[] {
  const text = readFixture(`listing/${file}`);
  return [...text.matchAll(/^arXiv:(\S+)[^\n]*\n(?:Date: (.+?)|replaced with revised version (.+?))\s+\(\d+kb[^)]*\)$/gm)].map((m) => ({
    id: m[1]!,
    submitted: parseDate((m[2] ?? m[3])!)!,
  }));
}

describe("arXiv's announcement schedule", () => {
  for (const [file, day, count] of [
    ['math.OA-2023-06-09.txt', '2023-06-09', 3],
    ['q-fin.RM-2023-03-17.txt', '2023-03-17', 3],
  ] as const) {
    it(`lists every entry of arXiv's listing ${file} on ${day}`, () => {
      const entries = listingEntries(file);
      assert.equal(entries.length, count);
      for (const entry of entries) assert.equal(scheduledListingDay(entry.submitted, { id: entry.id }), day, `${entry.id} submitted ${entry.submitted}`);
    });
  }

  it('counts the 14:00 cut-off in New York time, summer and winter', () => {
    // q-fin.RM: replaced six minutes after Wednesday's cut-off (18:00 UTC in March, daylight time), so on Friday's list.
    assert.equal(scheduledListingDay('2023-03-15T18:05:58Z'), '2023-03-17');
    assert.equal(scheduledListingDay('2023-03-15T17:59:59Z'), '2023-03-16');
    // In January New York is five hours behind: 18:30 UTC is 13:30, before the cut-off.
    assert.equal(scheduledListingDay('2024-01-10T18:30:00Z'), '2024-01-11');
    assert.equal(scheduledListingDay('2024-01-10T19:00:00Z'), '2024-01-12');
  });

  it("lists Thursday's cut-off on Friday, and Friday's and the weekend's on Monday", () => {
    assert.equal(scheduledListingDay('2024-01-11T15:00:00Z'), '2024-01-12'); // Thursday 10:00
    assert.equal(scheduledListingDay('2024-01-11T20:00:00Z'), '2024-01-15'); // Thursday 15:00
    assert.equal(scheduledListingDay('2024-01-12T18:00:00Z'), '2024-01-15'); // Friday 13:00
    assert.equal(scheduledListingDay('2024-01-12T20:00:00Z'), '2024-01-16'); // Friday 15:00
    assert.equal(scheduledListingDay('2024-01-14T12:00:00Z'), '2024-01-16'); // Sunday
  });

  it('rolls a listing over a day without announcement on to the next', () => {
    const holiday = (day: string) => day === '2024-01-15';
    assert.equal(scheduledListingDay('2024-01-11T20:00:00Z', { skip: holiday }), '2024-01-16');
  });

  it('never lists a paper before the month its id names', () => {
    // 1601.00001 was submitted on Saturday 26 December 2015 and announced in January.
    assert.equal(scheduledListingDay('2015-12-26T21:19:45Z'), '2015-12-29');
    assert.equal(scheduledListingDay('2015-12-26T21:19:45Z', { id: '1601.00001' }), '2016-01-01');
  });
});

describe('the listing day of an OAI-PMH record', () => {
  it('is the datestamp of each recorded record with one version, which its submission day alone leaves open', () => {
    const records = ['getrecord-0.xml', 'getrecord-1.xml', 'getrecord-2.xml', 'getrecord-3.xml', 'getrecord-4.xml'].map((file) => {
      const [item] = parseOaiPage(readFixture(`oai-pmh/${file}`), file).items;
      assert.ok(item?.kind === 'record');
      return item.input;
    });
    for (const input of records) {
      const record = { id: input.id!, datestamp: input.datestamp!, firstVersionAt: `${input.published}T12:00:00Z`, versions: 1 };
      assert.equal(listingDayOfRecord(record), input.datestamp, input.id!);
    }
    // 1603.05976 was created on Friday 18 March 2016: before Friday's cut-off it would have been
    // listed on Monday the 21st; its datestamp says Tuesday the 22nd, after the cut-off.
    assert.equal(records[4]!.id, '1603.05976');
    assert.equal(scheduledListingDay('2016-03-18T12:00:00Z'), '2016-03-21');
  });

  it('takes the announcement before a datestamp that falls on a weekend or a day without announcement', () => {
    const record = { id: '2401.01469', firstVersionAt: '2024-01-03T00:09:34Z', versions: 1 };
    assert.equal(listingDayOfRecord({ ...record, datestamp: '2024-01-06' }), '2024-01-05');
    assert.equal(listingDayOfRecord({ ...record, datestamp: '2024-01-05' }, (day) => day === '2024-01-05'), '2024-01-04');
  });

  it('follows a paper held for moderation to the day it was listed, within the month its id names', () => {
    // Submitted on 3 January; announced on 24 January, as its datestamp says.
    const held = { id: '2401.09999', firstVersionAt: '2024-01-03T00:09:34Z', versions: 1, datestamp: '2024-01-24' };
    assert.equal(listingDayOfRecord(held), '2024-01-24');
    // The same datestamp two years later is an edit (a journal reference), not a listing.
    assert.equal(listingDayOfRecord({ ...held, datestamp: '2026-01-14' }), '2024-01-04');
  });

  it('goes by the first version alone for a replaced paper, whose datestamp is its replacement', () => {
    const replaced = { id: '2401.01470', firstVersionAt: '2024-01-03T00:10:33Z', versions: 2, datestamp: '2024-01-09' };
    assert.equal(listingDayOfRecord(replaced), '2024-01-04');
  });
});
