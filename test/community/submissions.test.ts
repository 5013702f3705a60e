import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FetchPaper } from '../../src/catalog/fetch-paper.js';
import { submissionOf, submissionsOnDay, submitPaper, MAX_SUBMISSIONS_PER_DAY, SUBMISSION_WINDOW_DAYS } from '../../src/community/submissions.js';
import type { User } from '../../src/community/users.js';
import { getPaper, upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { makeMember, rejectsWith } from '../support/community.js';

describe('submissions', () => {
  let t: TempDb;
  let ada: User;
  let grace: User;
  const fetched: string[] = [];
  /** Stands in for arXiv: knows papers 2312.xxxxx, and is down for 2312.99999. */
  const fetchPaper: FetchPaper = async (id) => {
    fetched.push(id);
    if (id === '2312.99999') throw new Error('ECONNRESET');
    if (!id.startsWith('2312.')) return null;
    return makePaper({ id, title: `Fetched ${id}`, day: '2026-11-20', published: '2026-11-19T10:00:00Z' });
  };
  /** Submissions are checked against this clock: papers may be submitted within 14 days of their listing. */
  const NOW = new Date('2026-11-27T12:00:00Z');

  before(async () => {
    t = await tempDb();
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
    await upsertPapers(t.db, [
      makePaper({ id: '2401.00001', day: '2026-11-16' }),
      makePaper({ id: '2311.00013', day: '2026-11-13' }),
      makePaper({ id: '2311.00012', day: '2026-11-12' }),
    ]);
  });
  after(async () => t.cleanup());

  it('submits a paper that is not in the catalog yet by its URL: fetches, stores, and lists it on the day of submission', async () => {
    const now = new Date('2026-11-27T09:30:00Z');
    const s = await submitPaper(t.db, ada.id, 'https://arxiv.org/abs/2312.01234v2', fetchPaper, now);
    assert.deepEqual(s, { paperId: '2312.01234', submittedBy: ada.id, submittedAt: now.toISOString(), day: '2026-11-27' });
    assert.deepEqual(fetched, ['2312.01234']);
    assert.equal((await getPaper(t.db, '2312.01234'))?.title, 'Fetched 2312.01234');
    assert.deepEqual(await submissionsOnDay(t.db, '2026-11-27'), [s]);
    assert.deepEqual(await submissionOf(t.db, '2312.01234'), s);
  });

  it('submits a paper already in the catalog without asking arXiv', async () => {
    fetched.length = 0;
    const s = await submitPaper(t.db, grace.id, 'arXiv:2401.00001', fetchPaper, new Date('2026-11-27T11:00:00Z'));
    assert.equal(s.paperId, '2401.00001');
    assert.deepEqual(fetched, []);
    assert.deepEqual((await submissionsOnDay(t.db, '2026-11-27')).map((x) => x.paperId), ['2312.01234', '2401.00001']);
  });

  it('refuses a duplicate, in any of its forms, naming the paper', async () => {
    for (const raw of ['2312.01234', '2312.01234v1', 'arxiv.org/pdf/2312.01234.pdf', 'arXiv:2312.01234 [cs.CL]']) {
      await assert.rejects(submitPaper(t.db, grace.id, raw, fetchPaper, NOW), (e: unknown) => {
        rejectsWith('duplicate', 'paper')(e);
        assert.equal((e as { details: { paperId: string } }).details.paperId, '2312.01234');
        assert.match((e as Error).message, /2312\.01234 has already been submitted/);
        return true;
      });
    }
  });

  it('refuses two members submitting the same new paper at once: one wins', async () => {
    const results = await Promise.allSettled([
      submitPaper(t.db, ada.id, '2312.05555', fetchPaper, NOW),
      submitPaper(t.db, grace.id, '2312.05555', fetchPaper, NOW),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    rejectsWith('duplicate')(rejected.reason);
  });

  it('refuses what is not an arXiv id, with a message that shows the input and the expected forms', async () => {
    for (const raw of ['hello', '2401.1234', '2413.12345', 'https://example.org/abs/2401.12345', 'javascript:alert(1)', '', 'x'.repeat(10_000)]) {
      await assert.rejects(submitPaper(t.db, ada.id, raw, fetchPaper, NOW), (e: unknown) => {
        rejectsWith('invalid', 'paper')(e);
        assert.match((e as Error).message, /is not an arXiv id or link\. Use an id such as 2401\.12345/);
        assert.ok((e as Error).message.length < 300);
        return true;
      });
    }
  });

  it('says when arXiv has no such paper, or cannot be reached, and stores nothing', async () => {
    await assert.rejects(submitPaper(t.db, ada.id, '2402.00001', fetchPaper, NOW), rejectsWith('not_found', 'paper'));
    await assert.rejects(submitPaper(t.db, ada.id, '2312.99999', fetchPaper, NOW), rejectsWith('unavailable'));
    assert.equal(await submissionOf(t.db, '2402.00001'), null);
    assert.equal(await getPaper(t.db, '2312.99999'), null);
  });

  it(`takes papers listed within ${SUBMISSION_WINDOW_DAYS} days, as the model site does, and says why it refuses older ones`, async () => {
    const s = await submitPaper(t.db, ada.id, '2311.00013', fetchPaper, NOW);
    assert.equal(s.day, '2026-11-27');
    await assert.rejects(submitPaper(t.db, ada.id, '2311.00012', fetchPaper, NOW), (e: unknown) => {
      rejectsWith('invalid', 'paper')(e);
      assert.match((e as Error).message, /arXiv:2311\.00012 was listed on 2026-11-12; papers can be submitted within 14 days of their listing, so from 2026-11-13 on/);
      return true;
    });
    assert.equal(await submissionOf(t.db, '2311.00012'), null);
  });

  it(`allows ${MAX_SUBMISSIONS_PER_DAY} submissions a day per member`, async () => {
    const member = await makeMember(t.db, 'Prolific');
    const now = new Date('2026-11-28T12:00:00Z');
    for (let i = 0; i < MAX_SUBMISSIONS_PER_DAY; i++) await submitPaper(t.db, member.id, `2312.1${String(i).padStart(4, '0')}`, fetchPaper, now);
    await assert.rejects(submitPaper(t.db, member.id, '2312.20000', fetchPaper, now), rejectsWith('rate_limited'));
    await submitPaper(t.db, member.id, '2312.20000', fetchPaper, new Date(now.getTime() + 24 * 3600_000 + 1));
  });
});
