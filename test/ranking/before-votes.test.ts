import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dayPeriod } from '../../src/catalog/periods.js';
import { toggleVote } from '../../src/community/votes.js';
import { AUTHOR_POINTS, CODE_POINTS, LATER_ANNOUNCEMENT_POINTS, STAR_POINTS, beforeVotesScore, orderBeforeVotes, type BeforeVotesInput } from '../../src/ranking/before-votes.js';
import { MIN_SPAN_DAYS, TREND_WINDOW_DAYS, starsPerDay } from '../../src/ranking/code-trend.js';
import { papersOfPeriod } from '../../src/ranking/period-papers.js';
import { upsertPapers } from '../../src/store/papers.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

const input = (over: Partial<BeforeVotesInput>): BeforeVotesInput => ({ hasCode: false, stars: null, authorUpvotes: 0, announceType: null, ...over });

describe('order before the first vote', () => {
  it('uses the documented constants', () => {
    assert.deepEqual([CODE_POINTS, STAR_POINTS, AUTHOR_POINTS, LATER_ANNOUNCEMENT_POINTS], [1, 0.5, 1, -2]);
    assert.deepEqual([TREND_WINDOW_DAYS, MIN_SPAN_DAYS], [7, 1]);
  });

  it('gives the exact scores of docs/trending.md', () => {
    assert.equal(beforeVotesScore(input({ hasCode: true, stars: 99, authorUpvotes: 9 })), 3);
    assert.equal(beforeVotesScore(input({ hasCode: true, stars: 999 })), 2.5);
    assert.equal(beforeVotesScore(input({ hasCode: true, stars: 500 })), 2.349918862933623);
    assert.equal(beforeVotesScore(input({ authorUpvotes: 2 })), 0.47712125471966244);
    assert.equal(beforeVotesScore(input({})), 0);
    assert.equal(beforeVotesScore(input({ hasCode: true, announceType: 'cross' })), -1);
    assert.equal(beforeVotesScore(input({ hasCode: true, announceType: 'replace' })), -1);
    assert.equal(beforeVotesScore(input({ hasCode: true, announceType: 'new' })), 1);
    // Unreadable numbers count as nothing.
    assert.equal(beforeVotesScore(input({ stars: -5, authorUpvotes: Number.NaN })), 0);
  });

  it("puts a member's picks first, then the score, keeping the incoming order of equals", () => {
    const items = [
      { id: 'a', in: input({}) },
      { id: 'b', in: input({ hasCode: true }) },
      { id: 'c', in: input({}) },
      { id: 'd', in: input({ hasCode: true, stars: 10 }) },
    ];
    const order = (personal?: Map<string, number>) => orderBeforeVotes(items, (i) => i.id, (i) => i.in, personal).map((i) => i.id);
    assert.deepEqual(order(), ['d', 'b', 'a', 'c']);
    assert.deepEqual(order(new Map([['c', 1], ['a', 2]])), ['a', 'c', 'd', 'b']);
  });

  it('measures trending code as stars gained per day', () => {
    const now = new Date('2026-12-03T00:00:00Z');
    assert.equal(starsPerDay({ stars: 150, createdAt: '2020-01-01T00:00:00Z', since: { day: '2026-11-26', stars: 80 }, now }), 10);
    // A count from today says nothing yet: a new repository's stars over its age.
    assert.equal(starsPerDay({ stars: 150, createdAt: '2026-11-23T00:00:00Z', since: { day: '2026-12-03', stars: 150 }, now }), 15);
    assert.equal(starsPerDay({ stars: 150, createdAt: '2026-12-02T12:00:00Z', since: null, now }), 150);
    assert.equal(starsPerDay({ stars: 150, createdAt: null, since: null, now }), 0);
    assert.equal(starsPerDay({ stars: 70, createdAt: null, since: { day: '2026-11-26', stars: 80 }, now }), 0);
  });
});

describe('a day listed before the first vote', () => {
  let t: TempDb;
  const DAY = '2026-11-27';
  before(async () => {
    t = await tempDb();
    const code = (url: string) => [{ kind: 'code' as const, url }];
    await upsertPapers(t.db, [
      makePaper({ id: '2611.00010', day: '2026-11-20', authors: ['Grace Hopper'] }),
      makePaper({ id: '2611.00101', day: DAY, authors: ['Nobody Known'] }),
      makePaper({ id: '2611.00102', day: DAY, authors: ['Someone Else'], links: code('https://gitlab.com/x/y') }),
      makePaper({ id: '2611.00103', day: DAY, authors: ['Another One'], links: code('https://github.com/org/starred') }),
      makePaper({ id: '2611.00104', day: DAY, authors: ['Grace Hopper', 'A. Student'] }),
      makePaper({ id: '2611.00105', day: DAY, authors: ['Voted Once'] }),
    ]);
    // What the enrichment job stores: the repository of 2611.00103 has 500 stars.
    await t.db.insertInto('paper_code').values({ paper_id: '2611.00103', code_url: 'https://github.com/org/starred', repo: 'org/starred', paper_modified_at: '2026-11-27T00:00:00Z' }).execute();
    await t.db.insertInto('code_repos').values({ repo: 'org/starred', status: 'ok', stars: 500, next_check_at: '2026-11-28T00:00:00Z' }).execute();
    // Grace Hopper's earlier paper has two upvotes here.
    const [a, b] = [await makeMember(t.db, 'Voter A'), await makeMember(t.db, 'Voter B')];
    await toggleVote(t.db, a.id, '2611.00010');
    await toggleVote(t.db, b.id, '2611.00010');
    await toggleVote(t.db, a.id, '2611.00105');
  });
  after(() => t.cleanup());

  const ids = async (personal?: Map<string, number>) =>
    (await papersOfPeriod(t.db, dayPeriod(DAY)!, { limit: 10, offset: 0, now: new Date(`${DAY}T12:00:00Z`), ...(personal ? { personal } : {}) })).items.map((i) => i.paper.id);

  it('puts voted papers first, then code with stars, code, and papers whose authors were upvoted here before, then the rest', async () => {
    // 2611.00103: 1 + 0.5 × log10(501); 2611.00102: 1; 2611.00104: log10(1 + 2); 2611.00101: 0.
    assert.deepEqual(await ids(), ['2611.00105', '2611.00103', '2611.00102', '2611.00104', '2611.00101']);
  });

  it("orders a member's unvoted papers by their picks first", async () => {
    assert.deepEqual(await ids(new Map([['2611.00101', 5]])), ['2611.00105', '2611.00101', '2611.00103', '2611.00102', '2611.00104']);
  });

  it('sorts by trending code: papers with known stars first, by stars gained per day', async () => {
    await t.db.insertInto('code_repo_stars').values({ repo: 'org/starred', day: '2026-11-24', stars: 440 }).execute();
    const listing = await papersOfPeriod(t.db, dayPeriod(DAY)!, { sort: 'code', limit: 10, offset: 0, now: new Date(`${DAY}T12:00:00Z`) });
    assert.equal(listing.items[0]!.paper.id, '2611.00103');
    assert.equal(listing.items[0]!.code?.stars, 500);
    assert.deepEqual(listing.items.slice(1).map((i) => i.paper.id), ['2611.00105', '2611.00102', '2611.00104', '2611.00101']);
  });

  it('filters by words, category and code', async () => {
    const filtered = async (filter: { query?: string; category?: string; hasCode?: boolean }) =>
      (await papersOfPeriod(t.db, dayPeriod(DAY)!, { limit: 10, offset: 0, filter })).items.map((i) => i.paper.id).sort();
    assert.deepEqual(await filtered({ hasCode: true }), ['2611.00102', '2611.00103']);
    assert.deepEqual(await filtered({ query: 'grace HOPPER' }), ['2611.00104']);
    assert.deepEqual(await filtered({ query: 'grace nobody' }), []);
    assert.deepEqual(await filtered({ category: 'cs.LG' }), ['2611.00101', '2611.00102', '2611.00103', '2611.00104', '2611.00105']);
    assert.deepEqual(await filtered({ category: 'cs' }), ['2611.00101', '2611.00102', '2611.00103', '2611.00104', '2611.00105']);
    assert.deepEqual(await filtered({ category: 'math' }), []);
  });
});
