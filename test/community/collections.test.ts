import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addToCollection,
  collectionsWithPaper,
  createCollection,
  deleteCollection,
  getCollection,
  getCollectionBySlug,
  listCollections,
  removeFromCollection,
  updateCollection,
} from '../../src/community/collections.js';
import type { User } from '../../src/community/users.js';
import { upsertPapers } from '../../src/store/papers.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { makeMember, rejectsWith } from '../support/community.js';

describe('collections', () => {
  let t: TempDb;
  let ada: User;
  let grace: User;
  before(async () => {
    t = await tempDb();
    await upsertPapers(t.db, [makePaper({ id: '2401.00001', title: 'One' }), makePaper({ id: '2401.00002', title: 'Two' })]);
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
  });
  after(async () => t.cleanup());

  it('creates a private collection, adds papers once, lists them newest first', async () => {
    const c = await createCollection(t.db, ada.id, { name: '  Reading   group: week 1 ', description: 'For Tuesday.' });
    assert.equal(c.name, 'Reading group: week 1');
    assert.equal(c.slug, 'reading-group-week-1');
    assert.equal(c.isPublic, false);
    assert.deepEqual(c.owner, { id: ada.id, username: ada.username, displayName: 'Ada' });
    assert.deepEqual(await addToCollection(t.db, ada.id, c.id, '2401.00001', new Date('2026-11-27T10:00:00Z')), { added: true });
    assert.deepEqual(await addToCollection(t.db, ada.id, c.id, '2401.00002', new Date('2026-11-27T11:00:00Z')), { added: true });
    assert.deepEqual(await addToCollection(t.db, ada.id, c.id, '2401.00001'), { added: false });
    await assert.rejects(addToCollection(t.db, ada.id, c.id, '2401.99999'), rejectsWith('not_found'));

    const { collection, items } = await getCollection(t.db, ada.id, c.id);
    assert.equal(collection.paperCount, 2);
    assert.deepEqual(items.map((i) => [i.paper.title, i.addedAt]), [
      ['Two', '2026-11-27T11:00:00.000Z'],
      ['One', '2026-11-27T10:00:00.000Z'],
    ]);
    assert.deepEqual(await collectionsWithPaper(t.db, ada.id, '2401.00001'), new Set([c.id]));
  });

  it('hides a private collection from everyone but its owner (not_found, not forbidden)', async () => {
    const [c] = await listCollections(t.db, ada.id, ada.id);
    assert.ok(c);
    await assert.rejects(getCollection(t.db, grace.id, c.id), rejectsWith('not_found'));
    await assert.rejects(getCollection(t.db, null, c.id), rejectsWith('not_found'));
    await assert.rejects(getCollectionBySlug(t.db, grace.id, ada.username, c.slug), rejectsWith('not_found'));
    await assert.rejects(addToCollection(t.db, grace.id, c.id, '2401.00001'), rejectsWith('not_found'));
    await assert.rejects(updateCollection(t.db, grace.id, c.id, { isPublic: true }), rejectsWith('not_found'));
    assert.deepEqual(await listCollections(t.db, ada.id, grace.id), []);
    assert.deepEqual(await listCollections(t.db, ada.id, null), []);
  });

  it('shows a public collection to anyone, changeable only by its owner; renaming keeps the slug', async () => {
    const [c] = await listCollections(t.db, ada.id, ada.id);
    const renamed = await updateCollection(t.db, ada.id, c!.id, { name: 'Week one', isPublic: true });
    assert.deepEqual([renamed.name, renamed.slug, renamed.isPublic], ['Week one', 'reading-group-week-1', true]);
    const seen = await getCollectionBySlug(t.db, grace.id, ada.username.toUpperCase(), 'reading-group-week-1');
    assert.equal(seen.items.length, 2);
    assert.equal((await getCollection(t.db, null, c!.id)).collection.name, 'Week one');
    assert.deepEqual((await listCollections(t.db, ada.id, null)).map((x) => x.id), [c!.id]);
    await assert.rejects(addToCollection(t.db, grace.id, c!.id, '2401.00001'), rejectsWith('forbidden'));
    await assert.rejects(removeFromCollection(t.db, grace.id, c!.id, '2401.00001'), rejectsWith('forbidden'));
    await assert.rejects(deleteCollection(t.db, grace.id, c!.id), rejectsWith('forbidden'));

    assert.deepEqual(await removeFromCollection(t.db, ada.id, c!.id, '2401.00001'), { removed: true });
    assert.deepEqual(await removeFromCollection(t.db, ada.id, c!.id, '2401.00001'), { removed: false });
  });

  it('numbers slugs that collide, validates names, and deletes', async () => {
    const a = await createCollection(t.db, ada.id, { name: 'Reading group: week 1!' });
    assert.equal(a.slug, 'reading-group-week-1-2');
    const other = await createCollection(t.db, grace.id, { name: 'Reading group week 1' });
    assert.equal(other.slug, 'reading-group-week-1');
    assert.equal((await createCollection(t.db, grace.id, { name: '日本語' })).slug, 'collection');
    await assert.rejects(createCollection(t.db, ada.id, { name: ' ' }), rejectsWith('invalid', 'name'));
    await assert.rejects(createCollection(t.db, ada.id, { name: 'x'.repeat(101) }), rejectsWith('invalid', 'name'));
    await assert.rejects(createCollection(t.db, ada.id, { name: 'ok', description: 'x'.repeat(2001) }), rejectsWith('invalid', 'description'));
    await deleteCollection(t.db, ada.id, a.id);
    await assert.rejects(getCollection(t.db, ada.id, a.id), rejectsWith('not_found'));
  });
});
