import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dayPeriod } from '../../src/catalog/periods.js';
import { composeDigests } from '../../src/digest/compose.js';
import { digestPeriod } from '../../src/digest/period.js';
import type { Reader } from '../../src/digest/subscriptions.js';
import { upsertPapers } from '../../src/store/papers.js';
import type { Db } from '../../src/store/schema.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

const DAY = '2026-11-24';
const NEXT = '2026-11-25';

let t: TempDb;
let db: Db;
let nextId = 1;

function paper(day: string, overrides: Parameters<typeof makePaper>[0] = {}) {
  const id = `2611.${String(nextId++).padStart(5, '0')}`;
  return makePaper({ id, day, title: `Paper ${id}`, abstract: 'Nothing in particular.', authors: ['Someone Else'], categories: ['cs.LG'], primaryCategory: 'cs.LG', ...overrides });
}

async function reader(email: string, interests: Partial<Omit<Reader, 'id' | 'email' | 'frequency'>> = {}): Promise<Reader> {
  const r = { userId: null, linkVersion: 1, categories: [], authors: [], searches: [], ...interests };
  const row = await db
    .insertInto('subscriptions')
    .values({
      email,
      user_id: r.userId,
      status: 'active',
      frequency: 'daily',
      categories: JSON.stringify(r.categories),
      authors: JSON.stringify(r.authors),
      searches: JSON.stringify(r.searches),
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email, frequency: 'daily', ...r };
}

describe('composing digests', () => {
  before(async () => {
    t = await tempDb();
    db = t.db;
    await upsertPapers(db, [
      paper(DAY, { title: 'Message passing in graph neural networks', abstract: 'We study graph neural networks.', categories: ['cs.LG'] }),
      paper(DAY, { title: 'Seeing things', categories: ['cs.CV'], primaryCategory: 'cs.CV' }),
      paper(DAY, { title: 'Lovelace on engines', authors: ['Ada Lovelace'], categories: ['cs.CL'], primaryCategory: 'cs.CL' }),
      ...Array.from({ length: 24 }, () => paper(DAY, { categories: ['cs.RO'], primaryCategory: 'cs.RO' })),
      paper('2026-11-20', { title: 'An older paper on graph neural networks', categories: ['cs.CV'] }),
    ]);
  });
  after(() => t.cleanup());

  it('chooses alerts first, with reasons, then trending; caps the digest; leaves out other days', async () => {
    const vision = await reader('vision@example.org', { categories: ['cs.CV'] });
    const ada = await reader('ada@example.org', { authors: ['Ada Lovelace'] });
    const graphs = await reader('graphs@example.org', { searches: ['graph neural'] });
    const robots = await reader('robots@example.org', { categories: ['cs.RO'] });
    const nobody = await reader('nobody@example.org');
    const report = await composeDigests(db, { frequency: 'daily', period: dayPeriod(DAY)!, readers: [vision, ada, graphs, robots, nobody], maxPapers: 20 });
    assert.equal(report.candidates, 27);
    const byEmail = new Map(report.composed.map((d) => [d.reader.email, d.content.items]));

    const v = byEmail.get('vision@example.org')!;
    assert.equal(v[0]!.section, 'alerts');
    assert.match(v[0]!.reason, /cs\.CV/);
    assert.equal(v.filter((i) => i.section === 'alerts').length, 1, 'the older cs.CV paper is not of this day');
    assert.equal(v.filter((i) => i.section === 'trending').length, 5);

    assert.equal(byEmail.get('ada@example.org')![0]!.reason, 'By Ada Lovelace, whom you follow');
    const g = byEmail.get('graphs@example.org')!;
    assert.equal(g[0]!.reason, 'Matches your search “graph neural”');
    assert.equal(g.filter((i) => i.section === 'alerts').length, 1);

    assert.equal(byEmail.get('robots@example.org')!.length, 20, 'capped at maxPapers');
    assert.ok(byEmail.get('robots@example.org')!.every((i) => i.section === 'alerts'));
    const n = byEmail.get('nobody@example.org')!;
    assert.equal(n.length, 10);
    assert.ok(n.every((i) => i.section === 'trending'));

    const rows = await db.selectFrom('mail_outbox').select(['key', 'status', 'subscription_id']).execute();
    assert.equal(rows.length, 5);
    assert.ok(rows.every((r) => r.status === 'queued'));
    assert.ok(rows.some((r) => r.key === `digest-daily:${DAY}:${vision.id}`));
    const carried = await db.selectFrom('digest_papers').select((eb) => eb.fn.countAll<number>().as('n')).where('subscription_id', '=', robots.id).executeTakeFirstOrThrow();
    assert.equal(Number(carried.n), 20);

    // Run again (a second cron, or a restart after a crash): nothing new is made.
    const again = await composeDigests(db, { frequency: 'daily', period: dayPeriod(DAY)!, readers: [vision, ada, graphs, robots, nobody], maxPapers: 20 });
    assert.equal(again.composed.length, 0);
    assert.equal(again.alreadyComposed, 5);
    assert.equal((await db.selectFrom('mail_outbox').select('id').execute()).length, 5);
  });

  it('matches a followed author as search and "for you" do: case and accents ignored, once', async () => {
    const day = '2026-11-23';
    await upsertPapers(db, [paper(day, { id: '2611.09901', title: 'Accents in names', authors: ['José García-López'] }), paper(day, { id: '2611.09902', authors: ['Jose Garcia'] })]);
    const r = await reader('accents@example.org', { authors: ['Jose Garcia-Lopez', 'JOSÉ GARCÍA-LÓPEZ'] });
    const report = await composeDigests(db, { frequency: 'daily', period: dayPeriod(day)!, readers: [r], maxPapers: 20 });
    const alerts = report.composed[0]!.content.items.filter((i) => i.section === 'alerts');
    assert.deepEqual(alerts, [{ paperId: '2611.09901', section: 'alerts', reason: 'By Jose Garcia-Lopez, whom you follow' }]);
  });

  it('never sends a paper twice, and sends no mail when nothing is new', async () => {
    const r = await reader('twice@example.org', { categories: ['cs.CV'] });
    const first = await composeDigests(db, { frequency: 'daily', period: dayPeriod(DAY)!, readers: [r], maxPapers: 3 });
    const firstIds = first.composed[0]!.content.items.map((i) => i.paperId);
    assert.equal(firstIds.length, 3);

    // A weekly digest over the same day must leave those three out.
    const week = digestPeriod('weekly', DAY, '2026-12-01');
    assert.equal(week.key, '2026-W48');
    const weekly = await composeDigests(db, { frequency: 'weekly', period: week, readers: [r], maxPapers: 50 });
    const weeklyIds = weekly.composed[0]!.content.items.map((i) => i.paperId);
    assert.ok(weeklyIds.length > 0);
    assert.ok(weeklyIds.every((id) => !firstIds.includes(id)));

    // The next day has one paper, already sent to this reader: no digest at all.
    const only = paper(NEXT, { categories: ['cs.CV'] });
    await upsertPapers(db, [only]);
    const row = await db.selectFrom('mail_outbox').select('id').where('subscription_id', '=', r.id).executeTakeFirstOrThrow();
    await db.insertInto('digest_papers').values({ subscription_id: r.id, paper_id: only.id, outbox_id: row.id }).execute();
    const next = await composeDigests(db, { frequency: 'daily', period: dayPeriod(NEXT)!, readers: [r], maxPapers: 20 });
    assert.equal(next.composed.length, 0);
    assert.equal(next.nothingNew, 1);
  });

  it('picks the newest listing day, and the last complete week', () => {
    assert.equal(digestPeriod('daily', '2026-11-24', '2026-11-25').key, '2026-11-24');
    // Wednesday 25 November: the week of the 23rd is not over, so the one before.
    assert.equal(digestPeriod('weekly', '2026-11-24', '2026-11-25').key, '2026-W47');
    // Monday 30 November: last week is over.
    assert.equal(digestPeriod('weekly', '2026-11-27', '2026-11-30').key, '2026-W48');
    // An old catalog: its newest week.
    assert.equal(digestPeriod('weekly', '2025-03-05', '2026-11-30').key, '2025-W10');
  });
});
