import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

/**
 * What several processes on one PostgreSQL database share (issue 13, many processes): the counts
 * of rate limits, so a visitor's attempts count the same whichever process answers them; and
 * settings of the instance made once by whichever process starts first (the secret that signs
 * cookies and links, as the processes may run on machines that share no disk). A SQLite site is
 * one process, which keeps both as before (in memory, and in the data folder); the tables are made
 * there too, so that both stores have one schema.
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
  // Counts need no durability: on PostgreSQL the table writes no WAL, so a counted request waits
  // for no disk flush (after a crash of the server the counts start again from zero).
  if (isPostgres(db)) await sql`ALTER TABLE rate_limits SET UNLOGGED`.execute(db);
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
