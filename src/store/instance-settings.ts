import type { Db } from './schema.js';

/**
 * A setting of the instance made once: the first process to ask stores what `make` gives, every
 * process (that one too) gets what was stored. Two processes starting at once store one value
 * between them (the key is unique; the loser's insert does nothing).
 */
export async function settingMadeOnce(db: Db, name: string, make: () => string): Promise<string> {
  await db
    .insertInto('instance_settings')
    .values({ name, value: make() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('instance_settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
