import type { Kysely } from 'kysely';

/**
 * What several processes on one database share (issue 13, many processes): the counters of rate
 * limits, so a visitor's attempts count the same whichever process answers them; and settings of
 * the instance made once by whichever process starts first (the secret that signs cookies and
 * links, on PostgreSQL, where processes may run on machines that share no disk).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    // Milliseconds since 1970, when the count starts again from zero.
    .addColumn('resets_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_resets_at').on('rate_limits').columns(['resets_at']).execute();
  await db.schema
    .createTable('instance_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_settings').execute();
  await db.schema.dropTable('rate_limits').execute();
}
