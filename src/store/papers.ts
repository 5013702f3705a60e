import { doiKey, titleKey } from '../papers/match-keys.js';
import type { Paper, PaperVersion } from '../papers/paper.js';
import { perStatement } from './chunks.js';
import type { Db, NewPaperRow, PaperRow } from './schema.js';
import { listed } from './visibility.js';

export interface UpsertResult {
  inserted: string[];
  updated: string[];
  unchanged: string[];
}

/**
 * Stores papers keyed on their arXiv id. A newer version replaces the stored paper and adds to its
 * version history, but keeps its listing day: a paper is listed once, on the day it was first
 * stored with (a replacement is not news again). An older or equal version changes nothing, so
 * running an import twice is a no-op; except for the ids in `completing`, papers stored with the
 * announcement feed's data alone, whose full record replaces them at the same version too. Call it
 * inside a transaction: the batch is stored whole or not at all.
 */
export async function upsertPapers(db: Db, batch: Paper[], now = new Date().toISOString(), completing: ReadonlySet<string> = new Set()): Promise<UpsertResult> {
  const papers = newestPerId(batch);
  const stored = await storedListings(db, papers.map((p) => p.id));
  const candidates = papers
    .filter((p) => {
      const version = stored.get(p.id)?.version ?? 0;
      return version < p.version || (version === p.version && completing.has(p.id));
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // Written in id order, so that two writers of overlapping batches (a harvest, a member's
  // submission) lock the same rows in the same order on PostgreSQL and never deadlock.
  // The read above only saves writing what is plainly unchanged. What is written is decided by the
  // upsert itself: a paper is replaced only by a newer version than the one stored when the row is
  // written, so a writer that read before another one committed can never put an older version back.
  const written = new Set<string>();
  for (const rows of perStatement(candidates.map((p) => toRow(p, now)))) {
    const completed = rows.filter((r) => completing.has(r.id)).map((r) => r.id);
    const returned = await db
      .insertInto('papers')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            version: eb.ref('excluded.version'),
            title: eb.ref('excluded.title'),
            abstract: eb.ref('excluded.abstract'),
            authors: eb.ref('excluded.authors'),
            categories: eb.ref('excluded.categories'),
            primary_category: eb.ref('excluded.primary_category'),
            published: eb.ref('excluded.published'),
            updated: eb.ref('excluded.updated'),
            comment: eb.ref('excluded.comment'),
            journal_ref: eb.ref('excluded.journal_ref'),
            doi: eb.ref('excluded.doi'),
            license: eb.ref('excluded.license'),
            links: eb.ref('excluded.links'),
            modified_at: eb.ref('excluded.modified_at'),
            title_key: eb.ref('excluded.title_key'),
            doi_key: eb.ref('excluded.doi_key'),
          }))
          .where((eb) => {
            const newer = eb(eb.ref('excluded.version'), '>', eb.ref('papers.version'));
            if (completed.length === 0) return newer;
            // A feed-only paper's full record replaces it at the same version.
            return eb.or([newer, eb.and([eb(eb.ref('excluded.version'), '=', eb.ref('papers.version')), eb('papers.id', 'in', completed)])]);
          }),
      )
      .returning('id')
      .execute();
    for (const row of returned) written.add(row.id);
  }

  const result: UpsertResult = { inserted: [], updated: [], unchanged: [] };
  for (const paper of papers) {
    if (!written.has(paper.id)) result.unchanged.push(paper.id);
    else if (stored.has(paper.id)) result.updated.push(paper.id);
    else result.inserted.push(paper.id);
  }
  const changed = papers.filter((p) => written.has(p.id));
  if (changed.length === 0) return result;

  for (const ids of perStatement(changed.map((p) => p.id))) {
    await db.deleteFrom('paper_categories').where('paper_id', 'in', ids).execute();
  }
  const categoryRows = changed.flatMap((p) => p.categories.map((category) => ({ paper_id: p.id, category })));
  for (const rows of perStatement(categoryRows)) {
    // Nothing to do on a conflict: another writer of the same version stored the same row.
    await db
      .insertInto('paper_categories')
      .values(rows)
      .onConflict((oc) => oc.columns(['paper_id', 'category']).doNothing())
      .execute();
  }
  const versionRows = changed.flatMap((p) => versionHistory(p).map((v) => ({ paper_id: p.id, ...v })));
  for (const rows of perStatement(versionRows)) {
    await db
      .insertInto('paper_versions')
      .values(rows)
      .onConflict((oc) => oc.columns(['paper_id', 'version']).doNothing())
      .execute();
  }
  return result;
}

/** The stored version and listing day of each of the ids the catalog holds. */
export async function storedListings(db: Db, ids: readonly string[]): Promise<Map<string, { version: number; day: string }>> {
  const held = new Map<string, { version: number; day: string }>();
  for (const chunk of perStatement([...new Set(ids)])) {
    const rows = await db.selectFrom('papers').select(['id', 'version', 'day']).where('id', 'in', chunk).execute();
    for (const row of rows) held.set(row.id, { version: row.version, day: row.day });
  }
  return held;
}

/** How many papers each of the days lists (days without papers are absent). */
export async function countsOnDays(db: Db, days: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const chunk of perStatement([...days])) {
    const rows = await db
      .selectFrom('papers')
      .select((eb) => ['day', eb.fn.countAll<number>().as('n')])
      .where('day', 'in', chunk)
      .groupBy('day')
      .execute();
    for (const row of rows) counts.set(row.day, Number(row.n));
  }
  return counts;
}

/** A listing day with papers: how many, and when the last of them was stored (ISO 8601). */
export interface StoredDay {
  day: string;
  papers: number;
  lastStoredAt: string;
}

/**
 * The days with papers after `after`, up to `until`, oldest first; with `after` null, only the
 * newest of them. What `serve` records as the catalog's days when it reads no announcements.
 */
export async function storedDays(db: Db, after: string | null, until: string): Promise<StoredDay[]> {
  let query = db
    .selectFrom('papers')
    .select((eb) => ['day', eb.fn.countAll<number>().as('n'), eb.fn.max('modified_at').as('last')])
    .where('day', '<=', until);
  if (after !== null) query = query.where('day', '>', after);
  else {
    const newest = await db.selectFrom('papers').select((eb) => eb.fn.max('day').as('day')).where('day', '<=', until).executeTakeFirst();
    if (!newest?.day) return [];
    query = query.where('day', '=', newest.day);
  }
  const rows = await query.groupBy('day').orderBy('day').execute();
  return rows.map((r) => ({ day: r.day, papers: Number(r.n), lastStoredAt: r.last }));
}

/**
 * Moves the papers listed on `from` to `to`. Only for a day found to have had no announcement
 * before anyone was shown it (catalog/announcements.ts, catching up): a listing day is otherwise
 * never moved.
 */
export async function moveListingDay(db: Db, from: string, to: string): Promise<void> {
  await db.updateTable('papers').set({ day: to }).where('day', '=', from).execute();
}

export async function getPaper(db: Db, id: string): Promise<Paper | null> {
  const row = await db.selectFrom('papers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const versions = await db
    .selectFrom('paper_versions')
    .select(['version', 'date', 'size'])
    .where('paper_id', '=', id)
    .orderBy('version')
    .execute();
  return { ...fromRow(row), versions };
}

/** Papers listed on one day, without their version history (pages of lists do not show it). */
export async function papersOnDay(db: Db, day: string, limit = 1000, offset = 0): Promise<Paper[]> {
  const rows = await db
    .selectFrom('papers')
    .selectAll()
    .where('day', '=', day)
    .where(listed('papers.id'))
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(fromRow);
}

export async function countOnDay(db: Db, day: string): Promise<number> {
  const row = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('day', '=', day)
    .where(listed('papers.id'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function latestDay(db: Db): Promise<string | null> {
  const row = await db.selectFrom('papers').select((eb) => eb.fn.max('day').as('day')).executeTakeFirst();
  return row?.day ?? null;
}

/** The nearest days before and after `day` that have papers. */
export async function neighbouringDays(db: Db, day: string): Promise<{ previous: string | null; next: string | null }> {
  const previous = await db.selectFrom('papers').select((eb) => eb.fn.max('day').as('d')).where('day', '<', day).executeTakeFirst();
  const next = await db.selectFrom('papers').select((eb) => eb.fn.min('day').as('d')).where('day', '>', day).executeTakeFirst();
  return { previous: previous?.d ?? null, next: next?.d ?? null };
}

export interface CatalogStats {
  papers: number;
  versions: number;
  firstDay: string | null;
  lastDay: string | null;
  categories: { category: string; papers: number }[];
}

export async function catalogStats(db: Db, topCategories = 10): Promise<CatalogStats> {
  const totals = await db
    .selectFrom('papers')
    .select((eb) => [eb.fn.countAll<number>().as('papers'), eb.fn.min('day').as('first'), eb.fn.max('day').as('last')])
    .executeTakeFirstOrThrow();
  const versions = await db.selectFrom('paper_versions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const categories = await db
    .selectFrom('paper_categories')
    .select((eb) => ['category', eb.fn.countAll<number>().as('papers')])
    .groupBy('category')
    .orderBy('papers', 'desc')
    .orderBy('category')
    .limit(topCategories)
    .execute();
  return {
    papers: Number(totals.papers),
    versions: Number(versions.n),
    firstDay: totals.first ?? null,
    lastDay: totals.last ?? null,
    categories: categories.map((c) => ({ category: c.category, papers: Number(c.papers) })),
  };
}

function toRow(p: Paper, now: string): NewPaperRow {
  return {
    id: p.id,
    version: p.version,
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    categories: JSON.stringify(p.categories),
    primary_category: p.primaryCategory,
    published: p.published,
    updated: p.updated,
    day: p.day,
    comment: p.comment,
    journal_ref: p.journalRef,
    doi: p.doi,
    license: p.license,
    links: JSON.stringify(p.links),
    created_at: now,
    modified_at: now,
    title_key: titleKey(p.title),
    doi_key: doiKey(p.doi),
  };
}

export function fromRow(row: PaperRow): Paper {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as string[],
    categories: JSON.parse(row.categories) as string[],
    primaryCategory: row.primary_category,
    published: row.published,
    updated: row.updated,
    day: row.day,
    comment: row.comment,
    journalRef: row.journal_ref,
    doi: row.doi,
    license: row.license,
    versions: [],
    links: JSON.parse(row.links) as Paper['links'],
  };
}

/** The versions a source told us of, plus the current one when only its number and date are known. */
function versionHistory(p: Paper): PaperVersion[] {
  const versions = [...p.versions];
  const date = p.updated ?? p.published;
  if (!versions.some((v) => v.version === p.version) && date) versions.push({ version: p.version, date, size: null });
  return versions;
}

function newestPerId(papers: Paper[]): Paper[] {
  const byId = new Map<string, Paper>();
  for (const p of papers) {
    const seen = byId.get(p.id);
    if (!seen || p.version > seen.version) byId.set(p.id, p);
  }
  return [...byId.values()];
}

/** Papers cross-listed in a category, newest day first, hidden ones left out. */
export async function papersInCategory(db: Db, category: string, limit: number, offset: number): Promise<{ papers: Paper[]; total: number }> {
  const rows = await db
    .selectFrom('paper_categories')
    .innerJoin('papers', 'papers.id', 'paper_categories.paper_id')
    .selectAll('papers')
    .where('paper_categories.category', '=', category)
    .where(listed('papers.id'))
    .orderBy('papers.day', 'desc')
    .orderBy('papers.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  const total = await db
    .selectFrom('paper_categories')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('category', '=', category)
    .where(listed('paper_categories.paper_id'))
    .executeTakeFirstOrThrow();
  return { papers: rows.map(fromRow), total: Number(total.n) };
}
