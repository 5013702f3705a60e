import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { SearchService } from '../../src/search/service.js';
import { upsertPapers } from '../../src/store/papers.js';
import { LIMITS } from '../../src/web/security.js';
import { Client } from '../support/client.js';
import { makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

/**
 * The search page and author pages under load: a visitor's repeated query is answered from the
 * page cache, as the period pages are, and both routes have a limit per address. An outside review
 * measured 192 searches/s against 6,439 home pages/s, with no limit on either route.
 */
describe('search and author pages under load', () => {
  let t: TempDb;
  let app: FastifyInstance;
  /** Searches the service actually ran. */
  let searches = 0;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', title: 'Cached wombat search', authors: ['Wanda Wombat'] })]);
    // The real service (keywords alone), counting the searches it runs.
    const service = new SearchService(t.db, null);
    const search = service.search.bind(service);
    service.search = (...args) => {
      searches++;
      return search(...args);
    };
    app = await testServer(t.db, t.dir, { search: service });
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it("answers a visitor's repeated query from the cache, a member's never, and searches again after a write", async () => {
    const visitor = new Client(app);
    for (const url of ['/search?q=wombat', `/authors/${encodeURIComponent('Wanda Wombat')}`]) {
      const before = searches;
      const first = await visitor.get(url);
      const second = await new Client(app).get(url);
      assert.equal(first.statusCode, 200);
      assert.equal(second.body, first.body);
      assert.match(first.body, /Cached wombat search/);
      assert.equal(searches - before, 1, `${url}: searched once for two visitors`);
    }

    const member = new Client(app);
    await member.signIn((await makeMember(t.db, 'Searching Member')).email);
    const before = searches;
    await member.get('/search?q=wombat');
    await member.get('/search?q=wombat');
    assert.equal(searches - before, 2, "a member's page is theirs (votes, forms)");

    await member.post('/papers/2401.00001/vote', {}, { json: true });
    const afterVote = searches;
    assert.match((await visitor.get('/search?q=wombat')).body, /Cached wombat search/);
    assert.equal(searches - afterVote, 1, 'a write clears the cache');
  });

  it('limits searches and author pages per address', async () => {
    for (const url of ['/search?q=limit', `/authors/${encodeURIComponent('Someone Else')}`]) {
      const client = new Client(app);
      let status = 0;
      for (let i = 0; i <= LIMITS.search.max; i++) status = (await client.get(url)).statusCode;
      assert.equal(status, 429, url);
      assert.equal((await new Client(app).get(url)).statusCode, 200, 'another address is not held back');
    }
  });
});
