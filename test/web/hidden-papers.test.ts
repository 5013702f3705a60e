import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { isoWeekKey } from '../../src/catalog/periods.js';
import { addToCollection, createCollection } from '../../src/community/collections.js';
import { followAuthor } from '../../src/community/follows.js';
import { hidePaper } from '../../src/community/moderation.js';
import { setUpvotesPublic } from '../../src/community/profile.js';
import { submitPaper } from '../../src/community/submissions.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import { upsertPapers } from '../../src/store/papers.js';
import { Client } from '../support/client.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

const HIDDEN = '2411.00009';
const SHOWN = '2411.00010';
/** A listing day of last week, so the paper is also among the trending ones. */
const DAY = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const AUTHOR = 'Quentin Hidden';

/**
 * A moderator hides a paper; every list of papers leaves it out: pages, feeds and the API, for
 * visitors, for members and for the member whose lists hold it. An outside review found it still
 * on category pages and on profiles (upvoted, submitted).
 */
describe('a hidden paper is in no list', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let owner: User;
  let slug: string;
  before(async () => {
    t = await tempDb();
    const common = { day: DAY, published: `${DAY}T08:00:00Z`, authors: [AUTHOR, 'Ada Lovelace'], categories: ['cs.CV'], primaryCategory: 'cs.CV' };
    await upsertPapers(t.db, [
      makePaper({ ...common, id: HIDDEN, title: 'Zanzibar quokkas in the hidden paper', abstract: 'Zanzibar quokkas everywhere.' }),
      makePaper({ ...common, id: SHOWN, title: 'Zanzibar quokkas in the shown paper', abstract: 'Zanzibar quokkas here too.' }),
    ]);
    owner = await makeMember(t.db, 'Hidden Lister');
    const noFetch = async () => null;
    for (const id of [HIDDEN, SHOWN]) {
      await toggleVote(t.db, owner.id, id);
      await submitPaper(t.db, owner.id, id, noFetch);
    }
    await setUpvotesPublic(t.db, owner.id, true);
    const collection = await createCollection(t.db, owner.id, { name: 'Quokka reading', isPublic: true });
    slug = collection.slug;
    for (const id of [HIDDEN, SHOWN]) await addToCollection(t.db, owner.id, collection.id, id);
    await followAuthor(t.db, owner.id, AUTHOR);
    await hidePaper(t.db, (await makeAdmin(t.db, 'Hiding Admin')).id, HIDDEN, 'spam');
    app = await testServer(t.db, t.dir);
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  const lists = () => {
    const week = isoWeekKey(new Date(`${DAY}T00:00:00Z`));
    const feeds = ['daily', 'trending', 'categories/cs.CV', `authors/${encodeURIComponent(AUTHOR)}`, `collections/${owner.username}/${slug}`].flatMap((f) => [`/feeds/${f}.rss`, `/feeds/${f}.atom`]);
    return {
      pages: ['/', `/day/${DAY}`, `/week/${week}`, `/month/${DAY.slice(0, 7)}`, '/categories/cs.CV', `/u/${owner.username}`, `/u/${owner.username}/c/${slug}`, `/authors/${encodeURIComponent(AUTHOR)}`, '/search?q=zanzibar', '/search?q=zanzibar&mode=keyword', `/papers/${SHOWN}`],
      feeds: [...feeds, '/feeds/search.rss?q=zanzibar', '/feeds/search.atom?q=zanzibar'],
      // list=all: by default the API lists featured papers only, as the public API does.
      api: ['/api/daily_papers?list=all', `/api/daily_papers?date=${DAY}&list=all`, `/api/daily_papers?week=${week}&list=all`, `/api/daily_papers?month=${DAY.slice(0, 7)}&list=all`, `/api/daily_papers?submitter=${owner.username}`, '/api/daily_papers?sort=trending&list=all', '/api/papers/search?q=zanzibar'],
    };
  };

  async function walk(client: Client | null, who: string) {
    const { pages, feeds, api } = lists();
    for (const url of [...pages, ...feeds, ...api]) {
      const res = client ? await client.get(url) : await app.inject(url);
      assert.equal(res.statusCode, 200, `${who} ${url}`);
      assert.ok(res.body.includes(SHOWN), `${who} ${url} lists the paper that is not hidden`);
      assert.ok(!res.body.includes(HIDDEN), `${who} ${url} leaves out the hidden paper`);
    }
  }

  it('leaves it out of every list a visitor sees', () => walk(null, 'visitor'));

  it('leaves it out of the lists of the member who voted for it, submitted it and collected it', async () => {
    const client = new Client(app);
    await client.signIn(owner.email);
    await walk(client, 'owner');
    const forYou = await client.get('/for-you');
    assert.equal(forYou.statusCode, 200);
    assert.ok(!forYou.body.includes(HIDDEN), 'for you');
  });

  it('still shows the paper itself, marked as hidden', async () => {
    const res = await app.inject(`/papers/${HIDDEN}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /hidden/i);
  });
});
