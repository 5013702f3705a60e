import type { Selectable } from 'kysely';
import type { Paper } from '../papers/paper.js';
import type { CollectionsTable, Db } from '../store/schema.js';
import { perStatement } from '../store/chunks.js';
import { fromRow } from '../store/papers.js';
import { CommunityError, FORBIDDEN_IN_LINE, invalid } from './errors.js';
import { requireMember, type PublicUser } from './users.js';
import { listed } from '../store/visibility.js';

export const MAX_COLLECTION_NAME_LENGTH = 100;
export const MAX_COLLECTION_DESCRIPTION_LENGTH = 2000;

export interface Collection {
  id: number;
  owner: PublicUser;
  name: string;
  /** For `/u/<username>/c/<slug>`; set at creation and kept on rename, so shared links keep working. */
  slug: string;
  description: string;
  isPublic: boolean;
  createdAt: string;
  paperCount: number;
}

export interface CollectionItem {
  paper: Paper;
  addedAt: string;
}

export async function createCollection(
  db: Db,
  userId: number,
  input: { name: string; description?: string; isPublic?: boolean },
  now = new Date(),
): Promise<Collection> {
  await requireMember(db, userId);
  const name = cleanName(input.name);
  const description = cleanDescription(input.description ?? '');
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const row = await db
      .insertInto('collections')
      .values({ owner_id: userId, name, slug, description, is_public: input.isPublic ? 1 : 0, created_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['owner_id', 'slug']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) return (await collectionById(db, row.id))!;
  }
}

/** Renames, re-describes, or makes public or private; only the owner may. */
export async function updateCollection(
  db: Db,
  userId: number,
  collectionId: number,
  patch: { name?: string; description?: string; isPublic?: boolean },
): Promise<Collection> {
  await requireMember(db, userId);
  await ownedCollection(db, userId, collectionId);
  const set: Partial<{ name: string; description: string; is_public: number }> = {};
  if (patch.name !== undefined) set.name = cleanName(patch.name);
  if (patch.description !== undefined) set.description = cleanDescription(patch.description);
  if (patch.isPublic !== undefined) set.is_public = patch.isPublic ? 1 : 0;
  if (Object.keys(set).length > 0) await db.updateTable('collections').set(set).where('id', '=', collectionId).execute();
  return (await collectionById(db, collectionId))!;
}

export async function deleteCollection(db: Db, userId: number, collectionId: number): Promise<void> {
  await requireMember(db, userId, { verified: false });
  await ownedCollection(db, userId, collectionId);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('collection_papers').where('collection_id', '=', collectionId).execute();
    await trx.deleteFrom('collections').where('id', '=', collectionId).execute();
  });
}

/** Adds a paper; adding one already there changes nothing (`added: false`). */
export async function addToCollection(db: Db, userId: number, collectionId: number, paperId: string, now = new Date()): Promise<{ added: boolean }> {
  await requireMember(db, userId);
  await ownedCollection(db, userId, collectionId);
  const paper = await db.selectFrom('papers').select('id').where('id', '=', paperId).executeTakeFirst();
  if (!paper) throw new CommunityError('not_found', `No paper ${paperId} in the catalog.`);
  const result = await db
    .insertInto('collection_papers')
    .values({ collection_id: collectionId, paper_id: paperId, added_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['collection_id', 'paper_id']).doNothing())
    .executeTakeFirst();
  return { added: Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 };
}

/**
 * Adds many papers at once, in one transaction: all of them or, on any failure, none. Papers
 * already there are left as they were. Every id must be a paper of the catalog.
 */
export async function addPapersToCollection(
  db: Db,
  userId: number,
  collectionId: number,
  paperIds: readonly string[],
  now = new Date(),
): Promise<{ added: string[]; alreadyThere: string[] }> {
  await requireMember(db, userId);
  await ownedCollection(db, userId, collectionId);
  const ids = [...new Set(paperIds)];
  const added = new Set<string>();
  await db.transaction().execute(async (trx) => {
    for (const chunk of perStatement(ids.map((paper_id) => ({ collection_id: collectionId, paper_id, added_at: now.toISOString() })))) {
      const rows = await trx
        .insertInto('collection_papers')
        .values(chunk)
        .onConflict((oc) => oc.columns(['collection_id', 'paper_id']).doNothing())
        .returning('paper_id')
        .execute();
      for (const row of rows) added.add(row.paper_id);
    }
  });
  return { added: ids.filter((id) => added.has(id)), alreadyThere: ids.filter((id) => !added.has(id)) };
}

export async function removeFromCollection(db: Db, userId: number, collectionId: number, paperId: string): Promise<{ removed: boolean }> {
  await requireMember(db, userId, { verified: false });
  await ownedCollection(db, userId, collectionId);
  const result = await db.deleteFrom('collection_papers').where('collection_id', '=', collectionId).where('paper_id', '=', paperId).executeTakeFirst();
  return { removed: Number(result.numDeletedRows) > 0 };
}

/**
 * A collection and its papers, newest addition first, as `viewerId` may see it: a private one is
 * `not_found` to everyone but its owner (not `forbidden`, which would say it exists). Papers a
 * moderator has hidden are left out, for the owner too, as from every list.
 */
export async function getCollection(db: Db, viewerId: number | null, collectionId: number): Promise<{ collection: Collection; items: CollectionItem[] }> {
  const collection = await collectionById(db, collectionId);
  if (!collection || !(collection.isPublic || collection.owner.id === viewerId)) throw notFound();
  const query = db
    .selectFrom('collection_papers')
    .innerJoin('papers', 'papers.id', 'collection_papers.paper_id')
    .selectAll('papers')
    .select('collection_papers.added_at')
    .where('collection_papers.collection_id', '=', collectionId)
    .where(listed('papers.id'));
  const rows = await query.orderBy('collection_papers.added_at', 'desc').orderBy('papers.id').execute();
  return { collection, items: rows.map(({ added_at, ...paper }) => ({ paper: fromRow(paper), addedAt: added_at })) };
}

export async function getCollectionBySlug(db: Db, viewerId: number | null, username: string, slug: string): Promise<{ collection: Collection; items: CollectionItem[] }> {
  const row = await db
    .selectFrom('collections')
    .innerJoin('users', 'users.id', 'collections.owner_id')
    .select('collections.id')
    .where('users.username', '=', username.toLowerCase())
    .where('collections.slug', '=', slug)
    .executeTakeFirst();
  if (!row) throw notFound();
  return getCollection(db, viewerId, row.id);
}

/** A member's collections as `viewerId` may see them: all of them for the owner, the public ones for anyone else. */
export async function listCollections(db: Db, ownerId: number, viewerId: number | null): Promise<Collection[]> {
  let query = collectionQuery(db).where('collections.owner_id', '=', ownerId);
  if (ownerId !== viewerId) query = query.where('collections.is_public', '=', 1);
  const rows = await query.orderBy('collections.created_at', 'desc').orderBy('collections.id', 'desc').execute();
  return rows.map(present);
}

/** Which of the member's collections hold this paper, for the "add to collection" menu on a paper. */
export async function collectionsWithPaper(db: Db, userId: number, paperId: string): Promise<Set<number>> {
  const rows = await db
    .selectFrom('collection_papers')
    .innerJoin('collections', 'collections.id', 'collection_papers.collection_id')
    .select('collections.id')
    .where('collections.owner_id', '=', userId)
    .where('collection_papers.paper_id', '=', paperId)
    .execute();
  return new Set(rows.map((r) => r.id));
}

function collectionQuery(db: Db) {
  return db
    .selectFrom('collections')
    .innerJoin('users', 'users.id', 'collections.owner_id')
    .selectAll('collections')
    .select(['users.username', 'users.display_name'])
    .select((eb) =>
      eb
        .selectFrom('collection_papers')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('collection_papers.collection_id', '=', 'collections.id')
        .as('paper_count'),
    );
}

async function collectionById(db: Db, id: number): Promise<Collection | null> {
  const row = await collectionQuery(db).where('collections.id', '=', id).executeTakeFirst();
  return row ? present(row) : null;
}

/** The collection, if `userId` owns it. Someone else's private one is `not_found`; their public one is `forbidden`. */
async function ownedCollection(db: Db, userId: number, collectionId: number): Promise<Collection> {
  const collection = await collectionById(db, collectionId);
  if (!collection || (!collection.isPublic && collection.owner.id !== userId)) throw notFound();
  if (collection.owner.id !== userId) throw new CommunityError('forbidden', 'Only its owner can change a collection.');
  return collection;
}

function present(row: Selectable<CollectionsTable> & { username: string; display_name: string; paper_count: number | null }): Collection {
  return {
    id: row.id,
    owner: { id: row.owner_id, username: row.username, displayName: row.display_name },
    name: row.name,
    slug: row.slug,
    description: row.description,
    isPublic: row.is_public === 1,
    createdAt: row.created_at,
    paperCount: Number(row.paper_count ?? 0),
  };
}

function cleanName(raw: string): string {
  const name = typeof raw === 'string' ? raw.normalize('NFC').trim().replace(/\s+/g, ' ') : '';
  if (name === '') throw invalid('name', 'A collection needs a name.');
  if (FORBIDDEN_IN_LINE.test(name)) throw invalid('name', 'The name contains control characters.');
  if ([...name].length > MAX_COLLECTION_NAME_LENGTH) throw invalid('name', `A name can be at most ${MAX_COLLECTION_NAME_LENGTH} characters long.`);
  return name;
}

function cleanDescription(raw: string): string {
  const description = typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n').replaceAll('\0', '').trim() : '';
  if (description.length > MAX_COLLECTION_DESCRIPTION_LENGTH) {
    throw invalid('description', `A description can be at most ${MAX_COLLECTION_DESCRIPTION_LENGTH} characters long.`);
  }
  return description;
}

function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug === '' ? 'collection' : slug;
}

function notFound(): CommunityError {
  return new CommunityError('not_found', 'No such collection.');
}
