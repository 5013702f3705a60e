import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setVote, toggleVote, votesOf } from '../../src/community/votes.js';
import { statsOf } from '../../src/community/paper-stats.js';
import type { User } from '../../src/community/users.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { makeMember, rejectsWith } from '../support/community.js';

describe('votes', () => {
  let t: TempDb;
  let members: User[];
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001' }), makePaper({ id: '2401.00002' })]);
    members = await Promise.all(Array.from({ length: 50 }, (_, i) => makeMember(t.db, `Voter ${i}`)));
  });
  after(async () => t.cleanup());

  async function storedCount(paperId: string): Promise<{ counter: number; rows: number }> {
    const stats = await statsOf(t.db, [paperId]);
    const rows = await t.db.selectFrom('votes').select((eb) => eb.fn.countAll<number>().as('n')).where('paper_id', '=', paperId).executeTakeFirstOrThrow();
    return { counter: stats.get(paperId)!.upvotes, rows: Number(rows.n) };
  }

  it('toggles a vote on and off and keeps the counter', async () => {
    const [ada] = members;
    assert.deepEqual(await toggleVote(t.db, ada!.id, '2401.00002'), { voted: true, upvotes: 1 });
    assert.deepEqual(await votesOf(t.db, ada!.id, ['2401.00001', '2401.00002']), new Set(['2401.00002']));
    assert.deepEqual(await toggleVote(t.db, ada!.id, '2401.00002'), { voted: false, upvotes: 0 });
    assert.deepEqual(await votesOf(t.db, ada!.id, ['2401.00001', '2401.00002']), new Set());
    assert.deepEqual(await storedCount('2401.00002'), { counter: 0, rows: 0 });
  });

  it('sets a vote the way asked: twice on is one vote, off when there is none changes nothing', async () => {
    const [, ben] = members;
    assert.deepEqual(await setVote(t.db, ben!.id, '2401.00002', false), { voted: false, upvotes: 0 });
    assert.deepEqual(await setVote(t.db, ben!.id, '2401.00002', true), { voted: true, upvotes: 1 });
    assert.deepEqual(await setVote(t.db, ben!.id, '2401.00002', true), { voted: true, upvotes: 1 });
    assert.deepEqual(await storedCount('2401.00002'), { counter: 1, rows: 1 });
    assert.deepEqual(await setVote(t.db, ben!.id, '2401.00002', false), { voted: false, upvotes: 0 });
    assert.deepEqual(await storedCount('2401.00002'), { counter: 0, rows: 0 });
  });

  it('counts exactly under 50 concurrent toggles from different members, on and then off', async () => {
    const on = await Promise.all(members.map((m) => toggleVote(t.db, m.id, '2401.00001')));
    assert.ok(on.every((r) => r.voted));
    // Each toggle saw the count its own write made: every value from 1 to 50 once.
    assert.deepEqual(on.map((r) => r.upvotes).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.deepEqual(await storedCount('2401.00001'), { counter: 50, rows: 50 });

    const off = await Promise.all(members.map((m) => toggleVote(t.db, m.id, '2401.00001')));
    assert.ok(off.every((r) => !r.voted));
    assert.deepEqual(off.map((r) => r.upvotes).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(await storedCount('2401.00001'), { counter: 0, rows: 0 });
  });

  it('stays consistent when half the members vote while the other half take votes back', async () => {
    const half = members.slice(0, 25);
    await Promise.all(half.map((m) => toggleVote(t.db, m.id, '2401.00001')));
    await Promise.all(members.map((m) => toggleVote(t.db, m.id, '2401.00001')));
    assert.deepEqual(await storedCount('2401.00001'), { counter: 25, rows: 25 });
    const voters = await Promise.all(members.map((m) => votesOf(t.db, m.id, ['2401.00001'])));
    assert.deepEqual(voters.map((v) => v.size), [...Array(25).fill(0), ...Array(25).fill(1)]);
  });

  it('handles one member double-clicking', async () => {
    const m = members[0]!;
    const results = await Promise.all([toggleVote(t.db, m.id, '2401.00002'), toggleVote(t.db, m.id, '2401.00002')]);
    // One click adds the vote and the other takes it back; on PostgreSQL either may come first.
    assert.deepEqual(results.map((r) => r.voted).sort(), [false, true]);
    assert.deepEqual(await storedCount('2401.00002'), { counter: 0, rows: 0 });
  });

  it('refuses unknown papers and unknown members', async () => {
    await assert.rejects(toggleVote(t.db, members[0]!.id, '9999.99999'), rejectsWith('not_found'));
    await assert.rejects(toggleVote(t.db, 999_999, '2401.00001'), rejectsWith('not_found'));
    assert.deepEqual(await statsOf(t.db, ['2401.99999']), new Map([['2401.99999', { upvotes: 0, comments: 0 }]]));
  });
});
