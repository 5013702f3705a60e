import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadDemoIfEmpty } from '../../src/catalog/demo.js';
import { dayPeriod } from '../../src/catalog/periods.js';
import { requestPasswordReset, signIn } from '../../src/community/accounts.js';
import { DEMO_READERS, seedDemoActivity } from '../../src/community/demo.js';
import { createLogger } from '../../src/log.js';
import { papersOfPeriod } from '../../src/ranking/period-papers.js';
import { latestDay } from '../../src/store/papers.js';
import { rejectsWith } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';

describe('the demo catalog arrives with featured papers and votes, by labelled demo accounts', () => {
  let t: TempDb;
  before(async () => {
    t = await tempDb();
    assert.equal(await loadDemoIfEmpty(t.db, createLogger('silent')), true);
    await seedDemoActivity(t.db, createLogger('silent'));
  });
  after(() => t.cleanup());

  it('features papers of the newest day, voted on so they are not all tied', async () => {
    const day = (await latestDay(t.db))!;
    const featured = await papersOfPeriod(t.db, dayPeriod(day)!, { part: 'featured', limit: 50, offset: 0 });
    assert.equal(featured.total, 8);
    assert.ok(featured.items.every((i) => i.submittedBy?.displayName.endsWith('(demo data)')));
    assert.ok(featured.items.some((i) => i.paper.links.some((l) => l.kind === 'code')), 'some have code');
    const votes = featured.items.map((i) => i.upvotes);
    assert.ok(new Set(votes).size > 1 && Math.max(...votes) === DEMO_READERS, votes.join(','));
    const earlier = await t.db.selectFrom('paper_stats').select('paper_id').where('upvotes', '>', 0).execute();
    assert.ok(earlier.length > 8, 'earlier papers have votes too');
  });

  it('marks the accounts as demo data; they cannot sign in or reset a password, and no mail can reach them', async () => {
    const demo = await t.db.selectFrom('users').selectAll().where('is_demo', '=', 1).execute();
    assert.equal(demo.length, DEMO_READERS);
    for (const user of demo) {
      assert.match(user.email, /@demo\.invalid$/);
      assert.match(user.display_name, /\(demo data\)$/);
      await assert.rejects(signIn(t.db, user.email, '!demo-account'), rejectsWith('bad_credentials'));
      assert.equal(await requestPasswordReset(t.db, user.email), null);
    }
  });
});
