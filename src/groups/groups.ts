/**
 * Groups: a lab, a reading group, a company. Anyone with a confirmed address may create one and
 * becomes its owner. A public group is seen by everyone; a private one only by its members, and to
 * anyone else it does not exist (`not_found`, never `forbidden`, so its name does not leak through
 * an error). Every read of a group for someone goes through `groupFor`, every write through
 * `requireRole`, so the rule lives here once.
 */
import type { Selectable } from 'kysely';
import { CommunityError, FORBIDDEN_IN_LINE, invalid } from '../community/errors.js';
import { requireMember } from '../community/users.js';
import type { Db, GroupMembersTable, GroupRole, GroupsTable } from '../store/schema.js';
import { readMemberToken, type MemberLinkPurpose } from './links.js';
import { multilineText } from './text.js';

export const MAX_GROUP_NAME_LENGTH = 100;
export const MAX_GROUP_DESCRIPTION_LENGTH = 2000;
/** Groups one member may create: enough for their lab and reading groups, too few to squat names. */
export const MAX_GROUPS_CREATED = 20;

/**
 * Words that are pages or files under /groups/ rather than groups, or that would mislead
 * (`admin`, `paperboy`): no group may take them.
 */
export const RESERVED_SLUGS = new Set([
  'new', 'join', 'digest', 'invitations', 'settings', 'api', 'feeds', 'admin', 'administrator', 'moderator', 'about', 'help',
  'groups', 'group', 'queue', 'sessions', 'assets', 'static', 'www', 'mail', 'root', 'system', 'paperboy', 'signin', 'signup',
  'login', 'logout', 'edit', 'delete', 'search', 'me', 'mine', 'public', 'private', 'official', 'support', 'security',
]);
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;

export interface Group {
  id: number;
  slug: string;
  name: string;
  description: string;
  isPublic: boolean;
  isOrganisation: boolean;
  createdAt: string;
  memberCount: number;
}

export interface Membership {
  groupId: number;
  userId: number;
  role: GroupRole;
  joinedAt: string;
  /** Whether they get the group's weekly digest. */
  digest: boolean;
  linkVersion: number;
}

/** A group as someone sees it: with their membership, or null for a visitor or a non-member of a public group. */
export interface GroupView {
  group: Group;
  membership: Membership | null;
}

const RANK: Record<GroupRole, number> = { member: 1, admin: 2, owner: 3 };

/** Whether `role` is `least` or above it (owner above admin above member). */
export function hasRole(role: GroupRole | undefined | null, least: GroupRole): boolean {
  return role !== undefined && role !== null && RANK[role] >= RANK[least];
}

/** The slug as stored, or an `invalid` refusal on `slug` saying what is wrong. */
export function groupSlug(raw: unknown): string {
  const slug = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (slug === '') throw invalid('slug', 'A group needs a short name for its address, such as "ml-reading".');
  if (!SLUG.test(slug)) throw invalid('slug', 'The short name is 2 to 40 lower-case letters, digits and hyphens, starting and ending with a letter or digit.');
  if (RESERVED_SLUGS.has(slug)) throw invalid('slug', `"${slug}" is reserved; choose another short name.`);
  return slug;
}

export async function createGroup(
  db: Db,
  userId: number,
  input: { name: string; slug: string; description?: string; isPublic: boolean },
  now = new Date(),
): Promise<Group> {
  const name = cleanName(input.name);
  const slug = groupSlug(input.slug);
  const description = multilineText(input.description ?? '', 'description', MAX_GROUP_DESCRIPTION_LENGTH, 'A description');
  await requireMember(db, userId);
  const created = await db
    .selectFrom('groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('created_by', '=', userId)
    .executeTakeFirstOrThrow();
  if (Number(created.n) >= MAX_GROUPS_CREATED) throw new CommunityError('rate_limited', `You have created ${MAX_GROUPS_CREATED} groups already.`);
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('groups')
      .values({ slug, name, description, is_public: input.isPublic ? 1 : 0, is_organisation: 0, created_by: userId, created_at: at })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw invalid('slug', `The short name "${slug}" is taken; choose another.`);
    await trx.insertInto('group_members').values({ group_id: row.id, user_id: userId, role: 'owner', joined_at: at }).execute();
    return (await groupById(trx, row.id))!;
  });
}

/** Name, description, public or private, organisation or not; admins and the owner may. */
export async function updateGroup(
  db: Db,
  userId: number,
  groupId: number,
  patch: { name?: string; description?: string; isPublic?: boolean; isOrganisation?: boolean },
): Promise<Group> {
  await requireRole(db, groupId, userId, 'admin');
  const set: Partial<Pick<Selectable<GroupsTable>, 'name' | 'description' | 'is_public' | 'is_organisation'>> = {};
  if (patch.name !== undefined) set.name = cleanName(patch.name);
  if (patch.description !== undefined) set.description = multilineText(patch.description, 'description', MAX_GROUP_DESCRIPTION_LENGTH, 'A description');
  if (patch.isPublic !== undefined) set.is_public = patch.isPublic ? 1 : 0;
  if (patch.isOrganisation !== undefined) set.is_organisation = patch.isOrganisation ? 1 : 0;
  if (Object.keys(set).length > 0) await db.updateTable('groups').set(set).where('id', '=', groupId).execute();
  return (await groupById(db, groupId))!;
}

/**
 * The group at this address as `viewerId` (null: a visitor) may see it. A private group is
 * `not_found` to everyone but its members, a former member included.
 */
export async function groupFor(db: Db, slug: string, viewerId: number | null): Promise<GroupView> {
  const row = typeof slug === 'string' && slug.length <= 40 ? await groupQuery(db).where('groups.slug', '=', slug.toLowerCase()).executeTakeFirst() : undefined;
  if (!row) throw noSuchGroup();
  const group = toGroup(row);
  const membership = viewerId === null ? null : await membershipOf(db, group.id, viewerId);
  if (!group.isPublic && !membership) throw noSuchGroup();
  return { group, membership };
}

/**
 * The group at this address for a request that carries no cookie but maybe a member's signed link
 * (a calendar program, a feed reader, a mail's unsubscribe button): a public group to anyone; a
 * private one only with a link of `purpose` signed for a current member at their current link
 * version. Anything else is `not_found`, as for a visitor.
 */
export async function groupByLink(db: Db, secret: string, purpose: MemberLinkPurpose, slug: string, token: unknown): Promise<GroupView> {
  const row = typeof slug === 'string' && slug.length <= 40 ? await groupQuery(db).where('groups.slug', '=', slug.toLowerCase()).executeTakeFirst() : undefined;
  if (!row) throw noSuchGroup();
  const group = toGroup(row);
  const signed = token === undefined || token === '' ? null : readMemberToken(secret, purpose, group.id, token);
  const membership = signed ? await membershipOf(db, group.id, signed.userId) : null;
  const current = membership !== null && membership.linkVersion === signed?.linkVersion ? membership : null;
  if (!group.isPublic && !current) throw noSuchGroup();
  return { group, membership: current };
}

/** Public groups, and every group the viewer belongs to; by name. */
export async function listGroups(db: Db, viewerId: number | null): Promise<{ mine: Array<{ group: Group; role: GroupRole }>; others: Group[] }> {
  const rows = await groupQuery(db).where('groups.is_public', '=', 1).orderBy('groups.name').orderBy('groups.id').limit(500).execute();
  const mine =
    viewerId === null
      ? []
      : await groupQuery(db)
          .innerJoin('group_members as me', 'me.group_id', 'groups.id')
          .select('me.role')
          .where('me.user_id', '=', viewerId)
          .orderBy('groups.name')
          .execute();
  const own = new Set(mine.map((r) => r.id));
  return { mine: mine.map((r) => ({ group: toGroup(r), role: r.role })), others: rows.filter((r) => !own.has(r.id)).map(toGroup) };
}

export async function membershipOf(db: Db, groupId: number, userId: number): Promise<Membership | null> {
  const row = await db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
  return row ? toMembership(row) : null;
}

/**
 * The acting member's membership, checked: a member of the site in good standing, with a
 * confirmed address, and at least `least` in this group. Someone outside a private group is told
 * it does not exist; outside a public one, that only members may.
 */
export async function requireRole(db: Db, groupId: number, userId: number, least: GroupRole): Promise<Membership> {
  await requireMember(db, userId);
  const group = await db.selectFrom('groups').select(['id', 'is_public']).where('id', '=', groupId).executeTakeFirst();
  if (!group) throw noSuchGroup();
  const membership = await membershipOf(db, groupId, userId);
  if (!membership) {
    if (group.is_public !== 1) throw noSuchGroup();
    throw new CommunityError('forbidden', 'Only members of this group can do this.');
  }
  if (!hasRole(membership.role, least)) throw new CommunityError('forbidden', least === 'owner' ? 'Only the owner of this group can do this.' : 'Only the admins of this group can do this.');
  return membership;
}

export async function groupById(db: Db, id: number): Promise<Group | null> {
  const row = await groupQuery(db).where('groups.id', '=', id).executeTakeFirst();
  return row ? toGroup(row) : null;
}

export function noSuchGroup(): CommunityError {
  return new CommunityError('not_found', 'There is no group at this address, or it is private.');
}

function groupQuery(db: Db) {
  return db
    .selectFrom('groups')
    .selectAll('groups')
    .select((eb) => eb.selectFrom('group_members as m').select((e) => e.fn.countAll<number>().as('n')).whereRef('m.group_id', '=', 'groups.id').as('member_count'));
}

function toGroup(row: Selectable<GroupsTable> & { member_count: number | string | null }): Group {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    isPublic: row.is_public === 1,
    isOrganisation: row.is_organisation === 1,
    createdAt: row.created_at,
    memberCount: Number(row.member_count ?? 0),
  };
}

export function toMembership(row: Selectable<GroupMembersTable>): Membership {
  return { groupId: row.group_id, userId: row.user_id, role: row.role, joinedAt: row.joined_at, digest: row.digest === 1, linkVersion: row.link_version };
}

function cleanName(raw: string): string {
  const name = typeof raw === 'string' ? raw.normalize('NFC').trim().replace(/\s+/g, ' ') : '';
  if (name === '') throw invalid('name', 'A group needs a name.');
  if (FORBIDDEN_IN_LINE.test(name)) throw invalid('name', 'The name contains control characters.');
  if ([...name].length > MAX_GROUP_NAME_LENGTH) throw invalid('name', `A name can be at most ${MAX_GROUP_NAME_LENGTH} characters long.`);
  return name;
}
