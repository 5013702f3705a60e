/**
 * Three `paperboy serve` processes on one PostgreSQL database behave as one site. PostgreSQL only
 * (npm run test:postgres runs test/*\/*.postgres.ts; npm run test:sqlite does not): on SQLite a site
 * is one process, and nothing here would mean anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPapers } from '../../src/store/papers.js';
import type { User } from '../../src/community/users.js';
import { makeMember } from '../support/community.js';
import { tempDb, testStore, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { Browser, foldersIn, startServes, stop, type ServeProcess } from '../support/processes.js';

assert.equal(testStore, 'postgres', 'test/processes/*.postgres.ts run on PostgreSQL only: npm run test:postgres');

const today = new Date().toISOString().slice(0, 10);
const VOTED = '2612.00001';
const TOGGLED = '2612.00002';
const COMMENTED = '2612.00003';
const SUBMITTED = '2612.00004';

/** The upvotes a visitor's page of the paper shows. */
function shownUpvotes(page: string): number {
  return Number(/<span class="count">(\d+)<\/span>/.exec(page)?.[1]);
}

describe('three serve processes on one PostgreSQL database', () => {
  let t: TempDb;
  let serves: ServeProcess[];
  let members: User[];
  /** The i-th process, round the three. */
  const at = (i: number) => serves[i % serves.length]!.base;

  before(async () => {
    t = await tempDb();
    await upsertPapers(
      t.db,
      [VOTED, TOGGLED, COMMENTED, SUBMITTED].map((id, i) => makePaper({ id, day: today, title: `Paper ${i} of three processes` })),
    );
    members = [];
    // 50 voters, then members who have not signed in yet for the limits and the API token.
    for (let i = 0; i < 53; i++) members.push(await makeMember(t.db, `Member ${i}`));
    // No PAPERBOY_SECRET: the processes sign cookies and form tokens with the one in the database.
    serves = await startServes(3, t.env, foldersIn(t.dir));
  });
  after(async () => {
    await Promise.all((serves ?? []).map((s) => stop(s.child)));
    await t?.cleanup();
  });

  it('counts 60 concurrent vote toggles through all three exactly, and each shows the count at once', async () => {
    // Each member signs in through one process and takes a form token from the next.
    const browsers = await Promise.all(
      members.slice(0, 50).map(async (member, i) => {
        const browser = new Browser();
        await browser.get(at(i), '/signin');
        const signedIn = await browser.post(at(i), '/signin', { email: member.email, password: 'correct horse battery' });
        assert.equal(signedIn.status, 303, `${member.email} signed in`);
        await browser.get(at(i + 1), `/papers/${VOTED}`);
        return browser;
      }),
    );
    // A visitor has each process keep the pages just before the votes.
    const visitor = new Browser();
    for (let i = 0; i < 3; i++) {
      assert.equal(shownUpvotes((await visitor.get(at(i), `/papers/${VOTED}`)).body), 0);
      assert.equal(shownUpvotes((await visitor.get(at(i), `/papers/${TOGGLED}`)).body), 0);
    }
    // 40 members upvote one paper, 10 click twice on another (up, then back): 60 toggles at once,
    // each through the process after the one that gave the form token.
    const toggles = browsers.flatMap((browser, i) =>
      i < 40
        ? [browser.post(at(i + 2), `/papers/${VOTED}/vote`, {}, { json: true })]
        : [browser.post(at(i + 2), `/papers/${TOGGLED}/vote`, {}, { json: true }), browser.post(at(i), `/papers/${TOGGLED}/vote`, {}, { json: true })],
    );
    assert.equal(toggles.length, 60);
    for (const answer of await Promise.all(toggles)) assert.equal(answer.status, 200, answer.body);

    const counted = async (paper: string) => {
      const votes = await t.db.selectFrom('votes').select((eb) => eb.fn.countAll<number>().as('n')).where('paper_id', '=', paper).executeTakeFirstOrThrow();
      const stats = await t.db.selectFrom('paper_stats').select('upvotes').where('paper_id', '=', paper).executeTakeFirst();
      return { votes: Number(votes.n), upvotes: stats?.upvotes ?? 0 };
    };
    assert.deepEqual(await counted(VOTED), { votes: 40, upvotes: 40 });
    assert.deepEqual(await counted(TOGGLED), { votes: 0, upvotes: 0 });
    for (let i = 0; i < 3; i++) {
      assert.equal(shownUpvotes((await visitor.get(at(i), `/papers/${VOTED}`)).body), 40, `process ${i} shows the votes`);
      assert.equal(shownUpvotes((await visitor.get(at(i), `/papers/${TOGGLED}`)).body), 0, `process ${i} shows the votes taken back`);
    }
  });

  it('shows a comment posted through one process on the page another one kept, at once', async () => {
    const visitor = new Browser();
    // The second process keeps the visitor's page of the paper.
    const kept = await visitor.get(at(1), `/papers/${COMMENTED}`);
    assert.ok(!kept.body.includes('Posted through the first process'));
    assert.equal((await visitor.get(at(1), `/papers/${COMMENTED}`)).body, kept.body, "the page is kept");

    const member = new Browser();
    await member.get(at(0), '/signin');
    assert.equal((await member.post(at(0), '/signin', { email: members[0]!.email, password: 'correct horse battery' })).status, 303);
    await member.get(at(0), `/papers/${COMMENTED}`);
    const posted = await member.post(at(0), `/papers/${COMMENTED}/comments`, { body: 'Posted through the first process' });
    assert.equal(posted.status, 303, posted.body);

    const seen = await visitor.get(at(1), `/papers/${COMMENTED}`);
    assert.match(seen.body, /Posted through the first process/);
  });

  it('refuses the 11th sign-in attempt whichever process gets it', async () => {
    // From one address, ten wrong passwords spread over the three processes.
    const guesser = new Browser();
    await guesser.get(at(0), '/signin');
    for (let i = 0; i < 10; i++) {
      const attempt = await guesser.post(at(i), '/signin', { email: members[50]!.email, password: `wrong ${i}` });
      assert.notEqual(attempt.status, 429, `attempt ${i + 1} is counted, not refused`);
      assert.notEqual(attempt.status, 303);
    }
    for (let i = 0; i < 3; i++) assert.equal((await guesser.post(at(i), '/signin', { email: members[50]!.email, password: 'correct horse battery' })).status, 429, `process ${i}`);

    // And for one account, from ten addresses, through the three: the 11th is refused even with the right password.
    for (let i = 0; i < 10; i++) {
      const browser = new Browser();
      await browser.get(at(i), '/signin');
      assert.notEqual((await browser.post(at(i + 1), '/signin', { email: members[51]!.email, password: `wrong ${i}` })).status, 429);
    }
    const eleventh = new Browser();
    await eleventh.get(at(2), '/signin');
    assert.equal((await eleventh.post(at(0), '/signin', { email: members[51]!.email, password: 'correct horse battery' })).status, 429);
  });

  it('takes an API token made through one process in the others', async () => {
    const member = new Browser();
    await member.get(at(2), '/signin');
    assert.equal((await member.post(at(2), '/signin', { email: members[52]!.email, password: 'correct horse battery' })).status, 303);
    await member.get(at(0), `/u/${members[52]!.username}`);
    const made = await member.post(at(0), '/account/api-tokens', { name: 'laptop' });
    assert.equal(made.status, 201);
    const token = /value="(pb_[A-Za-z0-9_-]{43})"/.exec(made.body)![1]!;
    const submitted = await fetch(`${at(1)}/api/papers/index`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-forwarded-for': member.address },
      body: JSON.stringify({ arxivId: SUBMITTED }),
    });
    assert.equal(submitted.status, 201, await submitted.text());
    const refused = await fetch(`${at(2)}/api/papers/index`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}x`, 'content-type': 'application/json' },
      body: JSON.stringify({ arxivId: SUBMITTED }),
    });
    assert.equal(refused.status, 401);
  });
});
