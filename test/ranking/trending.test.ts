import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AGE_OFFSET_HOURS, BASE_POINTS, COMMENT_WEIGHT, GRAVITY, ageInHours, rankByTrending, trendingScore } from '../../src/ranking/trending.js';
import { trendingPapers } from '../../src/ranking/trending-papers.js';
import { addComment } from '../../src/community/comments.js';
import { hidePaper } from '../../src/community/moderation.js';
import { submitPaper } from '../../src/community/submissions.js';
import { toggleVote } from '../../src/community/votes.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { makeAdmin, makeMember } from '../support/community.js';

describe('trending score', () => {
  it('uses the documented constants', () => {
    assert.deepEqual([BASE_POINTS, COMMENT_WEIGHT, AGE_OFFSET_HOURS, GRAVITY], [0.01, 0.5, 2, 1.8]);
  });

  it('gives the exact scores of docs/trending.md', () => {
    assert.equal(trendingScore({ upvotes: 0, comments: 0, ageHours: 0 }), 0.0028717458874925874);
    assert.equal(trendingScore({ upvotes: 0, comments: 0, ageHours: 1 }), 0.0013841454884616858);
    assert.equal(trendingScore({ upvotes: 0, comments: 0, ageHours: 24 }), 0.000028382325319900976);
    assert.equal(trendingScore({ upvotes: 1, comments: 0, ageHours: 0 }), 0.29004633463675134);
    assert.equal(trendingScore({ upvotes: 1, comments: 0, ageHours: 24 }), 0.0028666148573099986);
    assert.equal(trendingScore({ upvotes: 1, comments: 0, ageHours: 48 }), 0.0008834365557461685);
    assert.equal(trendingScore({ upvotes: 3, comments: 0, ageHours: 5 }), 0.09065463706937961);
    assert.equal(trendingScore({ upvotes: 0, comments: 2, ageHours: 3 }), 0.05574107832303308);
    assert.equal(trendingScore({ upvotes: 10, comments: 4, ageHours: 24 }), 0.03408717270920107);
    assert.equal(trendingScore({ upvotes: 20, comments: 10, ageHours: 48 }), 0.021875988375457105);
  });

  it('reads negative and non-finite inputs as zero', () => {
    const fresh = trendingScore({ upvotes: 0, comments: 0, ageHours: 0 });
    assert.equal(trendingScore({ upvotes: 0, comments: 0, ageHours: -5 }), fresh);
    assert.equal(trendingScore({ upvotes: -3, comments: Number.NaN, ageHours: 0 }), fresh);
    assert.equal(trendingScore({ upvotes: Number.POSITIVE_INFINITY, comments: 0, ageHours: 0 }), fresh);
  });

  it('orders unvoted papers newest first', () => {
    const papers = [48, 0, 24, 1, 12].map((ageHours) => ({ ageHours, upvotes: 0, comments: 0 }));
    assert.deepEqual(rankByTrending(papers, (p) => p).map((p) => p.ageHours), [0, 1, 12, 24, 48]);
  });

  it('orders the worked example of docs/trending.md', () => {
    const papers = [
      { name: 'A', upvotes: 10, comments: 4, ageHours: 24 },
      { name: 'B', upvotes: 0, comments: 0, ageHours: 0 },
      { name: 'C', upvotes: 3, comments: 0, ageHours: 5 },
      { name: 'D', upvotes: 1, comments: 0, ageHours: 24 },
      { name: 'E', upvotes: 20, comments: 10, ageHours: 48 },
      { name: 'F', upvotes: 0, comments: 2, ageHours: 3 },
    ];
    assert.deepEqual(rankByTrending(papers, (p) => p).map((p) => p.name), ['C', 'F', 'A', 'E', 'B', 'D']);
  });

  it('keeps the given order for equal scores', () => {
    const papers = ['x', 'y', 'z'].map((name) => ({ name, upvotes: 2, comments: 0, ageHours: 3 }));
    assert.deepEqual(rankByTrending(papers, (p) => p).map((p) => p.name), ['x', 'y', 'z']);
  });

  it('measures age in hours', () => {
    assert.equal(ageInHours('2026-11-27T00:00:00Z', new Date('2026-11-27T13:30:00Z')), 13.5);
  });
});

describe('trending papers', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
  });
  after(async () => t.cleanup());

  it('ranks the last week from the stored counters, counts a submission as new, and leaves out hidden papers', async () => {
    await upsertPapers(t.db, [
      makePaper({ id: '2611.00001', day: '2026-11-26' }),
      makePaper({ id: '2611.00002', day: '2026-11-26' }),
      makePaper({ id: '2611.00003', day: '2026-11-27' }),
      makePaper({ id: '2611.00004', day: '2026-11-27' }),
      makePaper({ id: '2611.00005', day: '2026-11-10' }),
      makePaper({ id: '2611.00099', day: '2026-11-14' }),
    ]);
    const now = new Date('2026-11-27T12:00:00Z');

    // No votes at all: newest day first, then newest id.
    assert.deepEqual((await trendingPapers(t.db, { now })).map((p) => p.paper.id), ['2611.00004', '2611.00003', '2611.00002', '2611.00001']);

    const [ada, grace] = [await makeMember(t.db, 'Ada'), await makeMember(t.db, 'Grace')];
    const admin = await makeAdmin(t.db);
    await toggleVote(t.db, ada.id, '2611.00001');
    await toggleVote(t.db, grace.id, '2611.00001');
    await addComment(t.db, ada.id, { paperId: '2611.00001', body: 'good' });
    await toggleVote(t.db, ada.id, '2611.00003');
    // A paper listed 13 days ago, submitted an hour ago, counts from its submission.
    await submitPaper(t.db, grace.id, '2611.00099', async () => null, new Date('2026-11-27T11:00:00Z'));
    await hidePaper(t.db, admin.id, '2611.00004', 'duplicate of another paper');

    const ranked = await trendingPapers(t.db, { now });
    assert.deepEqual(
      ranked.map((p) => [p.paper.id, p.upvotes, p.comments, p.appearedAt, p.score]),
      [
        // Voted papers first, even a day and a half old; then the unvoted, newest first.
        ['2611.00003', 1, 0, '2026-11-27T00:00:00.000Z', trendingScore({ upvotes: 1, comments: 0, ageHours: 12 })],
        ['2611.00001', 2, 1, '2026-11-26T00:00:00.000Z', trendingScore({ upvotes: 2, comments: 1, ageHours: 36 })],
        ['2611.00099', 0, 0, '2026-11-27T11:00:00.000Z', trendingScore({ upvotes: 0, comments: 0, ageHours: 1 })],
        ['2611.00002', 0, 0, '2026-11-26T00:00:00.000Z', trendingScore({ upvotes: 0, comments: 0, ageHours: 36 })],
      ],
    );
    assert.equal(ranked[0]!.score, 0.008735563189301835); // 1.01 / 14^1.8
    assert.equal(ranked[0]!.paper.title, 'A Test Paper');
    assert.deepEqual((await trendingPapers(t.db, { now, limit: 2, offset: 1 })).map((p) => p.paper.id), ['2611.00001', '2611.00099']);
    assert.deepEqual((await trendingPapers(t.db, { now, windowDays: 30 })).map((p) => p.paper.id).at(-1), '2611.00005');
  });
});
