import type { Db } from './schema.js';

/** Where a resumable job (an OAI-PMH harvest) stopped; saved in the same transaction as the records it covers. */
export async function loadCheckpoint<T>(db: Db, key: string): Promise<T | null> {
  const row = await db.selectFrom('harvest_checkpoints').select('state').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.state) as T) : null;
}

export async function saveCheckpoint(db: Db, key: string, state: unknown): Promise<void> {
  const row = { key, state: JSON.stringify(state), updated_at: new Date().toISOString() };
  await db
    .insertInto('harvest_checkpoints')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ state: row.state, updated_at: row.updated_at }))
    .execute();
}

export async function clearCheckpoint(db: Db, key: string): Promise<void> {
  await db.deleteFrom('harvest_checkpoints').where('key', '=', key).execute();
}
