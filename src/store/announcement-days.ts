/**
 * The listing days read from arXiv (`announcement_days`): which are done, which had no
 * announcement, and which search has embedded. Written by the daily read (catalog/announcements.ts),
 * or, when serve reads no announcements, from the catalog's own days (catalog/catalog-days.ts), and
 * by the embedding step after them; read by the digest schedule.
 */
import type { AnnouncementDaysTable, Db } from './schema.js';
import { perStatement } from './chunks.js';

export type AnnouncementDay = Omit<AnnouncementDaysTable, 'listed' | 'replaced'> & { listed: number; replaced: number };

/**
 * Records a listing day, in the transaction that stored its papers. A day is recorded once: a
 * second read of it (another process, a retry after a crash) changes nothing; returns whether
 * this call recorded it.
 */
export async function recordDay(db: Db, day: Omit<AnnouncementDay, 'embedded_at'>): Promise<boolean> {
  const result = await db
    .insertInto('announcement_days')
    .values({ ...day, embedded_at: null })
    .onConflict((oc) => oc.column('day').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The days recorded in [from, until], oldest first. */
export async function recordedDays(db: Db, from: string, until: string): Promise<AnnouncementDay[]> {
  return db.selectFrom('announcement_days').selectAll().where('day', '>=', from).where('day', '<=', until).orderBy('day').execute();
}

/** The newest day recorded, listed or not; null before the first read. */
export async function latestRecordedDay(db: Db): Promise<string | null> {
  const row = await db.selectFrom('announcement_days').select((eb) => eb.fn.max('day').as('day')).executeTakeFirst();
  return row?.day ?? null;
}

/** Days arXiv is known to have announced nothing on (beyond weekends), from `from` on. */
export async function daysWithoutAnnouncement(db: Db, from: string): Promise<Set<string>> {
  const rows = await db.selectFrom('announcement_days').select('day').where('status', '=', 'none').where('day', '>=', from).execute();
  return new Set(rows.map((r) => r.day));
}

/** Listed days whose papers search has not embedded yet. */
export async function daysAwaitingEmbedding(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('announcement_days').select('day').where('status', '=', 'listed').where('embedded_at', 'is', null).orderBy('day').execute();
  return rows.map((r) => r.day);
}

export async function markEmbedded(db: Db, days: string[], at: string): Promise<void> {
  for (const chunk of perStatement(days)) {
    await db.updateTable('announcement_days').set({ embedded_at: at }).where('day', 'in', chunk).where('embedded_at', 'is', null).execute();
  }
}

/** The newest listed day; null before the first. */
export async function newestListedDay(db: Db): Promise<string | null> {
  const row = await db.selectFrom('announcement_days').select((eb) => eb.fn.max('day').as('day')).where('status', '=', 'listed').executeTakeFirst();
  return row?.day ?? null;
}

/** Whether some listed day in [from, until] still waits for its papers to be embedded. */
export async function awaitsEmbedding(db: Db, from: string, until: string): Promise<boolean> {
  const row = await db
    .selectFrom('announcement_days')
    .select('day')
    .where('status', '=', 'listed')
    .where('embedded_at', 'is', null)
    .where('day', '>=', from)
    .where('day', '<=', until)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Listed days after `after` (all when null) up to `until`: the newest `limit` of them, oldest first. */
export async function listedDays(db: Db, after: string | null, until: string, limit: number): Promise<Pick<AnnouncementDay, 'day' | 'embedded_at'>[]> {
  let query = db.selectFrom('announcement_days').select(['day', 'embedded_at']).where('status', '=', 'listed').where('day', '<=', until);
  if (after !== null) query = query.where('day', '>', after);
  const rows = await query.orderBy('day', 'desc').limit(limit).execute();
  return rows.reverse();
}
