import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { createCollection } from '../../src/community/collections.js';
import { upsertPapers } from '../../src/store/papers.js';
import { backTo, sitePath } from '../../src/web/redirects.js';
import { Client } from '../support/client.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { checkProperty } from '../support/properties.js';
import { testServer } from '../support/web.js';

/** Referers an outside review sent: malformed ones (which answered 500) and ones that led off-site. */
const MALFORMED = ['foo', '::::', 'http://[', 'http://a:99999/', '', ' ', 'javascript:alert(1)'];
const OFF_SITE = ['http://evil.example//evil.example/x', 'https://evil.example/\\evil.example', 'http://x/%2F%2Fevil.example', '//evil.example/x', '/\\evil.example'];

/** A Location is a path of this site: one slash, then not a second one nor a backslash. */
function assertSitePath(location: string | undefined, context: string) {
  assert.ok(location, `${context}: a Location`);
  assert.match(location, /^\/(?![/\\])/, `${context}: ${location}`);
  assert.equal(new URL(location, 'https://site.example').host, 'site.example', `${context}: ${location}`);
}

describe('redirects back to where the member was', () => {
  let t: TempDb;
  let app: FastifyInstance;
  let member: Client;
  let admin: Client;
  let visitor: Client;
  let collectionId: number;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', day: '2024-01-02' })]);
    app = await testServer(t.db, t.dir);
    const m = await makeMember(t.db, 'Back Walker');
    collectionId = (await createCollection(t.db, m.id, { name: 'Reading', isPublic: true })).id;
    member = new Client(app);
    await member.signIn(m.email);
    admin = new Client(app);
    await admin.signIn((await makeAdmin(t.db, 'Back Admin')).email);
    visitor = new Client(app);
    await visitor.get('/signin');
  });
  after(async () => {
    await app.close();
    await t.cleanup();
  });

  for (const referer of [...MALFORMED, ...OFF_SITE]) {
    it(`stays on this site with Referer ${JSON.stringify(referer)}`, async () => {
      const headers = { referer };
      const asked = await visitor.post('/papers/2401.00001/vote', {}, { headers });
      assert.equal(asked.statusCode, 303, 'a visitor is sent to sign in');
      assertSitePath(asked.headers.location as string, 'sign in');
      const next = new URL(asked.headers.location as string, 'https://site.example').searchParams.get('next') ?? '/';
      assertSitePath(next, 'next');

      const added = await member.post(`/collections/${collectionId}/add`, { paperId: '2401.00001' }, { headers });
      assert.equal(added.statusCode, 303);
      assertSitePath(added.headers.location as string, 'collection add');
      const removed = await member.post(`/collections/${collectionId}/remove`, { paperId: '2401.00001' }, { headers });
      assert.equal(removed.statusCode, 303);
      assertSitePath(removed.headers.location as string, 'collection remove');

      const resolved = await admin.post('/admin/users/999999/suspend', { reason: 'probe' }, { headers });
      assert.notEqual(resolved.statusCode, 500);
      const hidden = await admin.post('/admin/comments/999999/hide', { reason: 'probe' }, { headers });
      assert.notEqual(hidden.statusCode, 500);
    });
  }

  it('goes back to the page the form was on', async () => {
    const res = await member.post(`/collections/${collectionId}/add`, { paperId: '2401.00001' }, { headers: { referer: 'http://localhost:3000/u/someone/c/reading?x=1' } });
    assert.equal(res.headers.location, '/u/someone/c/reading?x=1');
  });
});

describe('the redirect helper (properties)', () => {
  const SITE = 'https://site.example';
  /** Any string, with the characters that make paths tricky drawn often. */
  const hostile = fc.oneof(
    fc.string({ unit: fc.constantFrom('/', '\\', ':', '.', '@', '%', '?', '#', 'a', ' ', '\t', '\n', '[', 'é', '\u0000') , maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
  );
  const isSitePath = (path: string) => /^\/(?![/\\])/.test(path) && new URL(path, SITE).origin === SITE;

  it('gives a path of this site or the fallback for any `next`, never throws', () => {
    checkProperty(
      fc.property(hostile, (next) => {
        const path = sitePath(next, '/fallback');
        assert.ok(path === '/fallback' || path === next);
        assert.ok(isSitePath(path), path);
      }),
    );
  });

  it('gives a path of this site or the fallback for any Referer, never throws', () => {
    checkProperty(
      fc.property(fc.oneof(hostile, hostile.map((s) => `http://evil.example${s}`), hostile.map((s) => `https://evil.example/${s}`)), (referer) => {
        const path = backTo(referer, '/fallback');
        assert.ok(isSitePath(path), `${referer} -> ${path}`);
      }),
    );
  });

  it("keeps the path and query of a Referer that is one of this site's pages", () => {
    checkProperty(
      fc.property(fc.webPath(), fc.webQueryParameters(), (path, query) => {
        const url = new URL(`${SITE}${path}${query ? `?${query}` : ''}`);
        const expected = url.pathname + url.search;
        // Only what cannot be a path of ours (`//host`, characters a path never needs) falls back.
        const plain = /^\/(?!\/)[\w\-./~%!$&'()*+,;=:@?]*$/.test(expected);
        const back = backTo(url.href, '/fallback');
        if (plain) assert.equal(back, expected);
        else assert.ok(back === '/fallback' || back === expected, `${url.href} -> ${back}`);
      }),
    );
  });
});
