import type { Kysely } from 'kysely';

/**
 * The digest runs that completed, one row per kind and period (`daily` `2026-11-25`, `weekly`
 * `2026-W48`). The schedule in `serve` reads it to send what it missed while the server was down
 * or the harvest was late, and to leave alone what is done; it outlives a restart, unlike memory.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('digest_runs')
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_runs_pk', ['frequency', 'period'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('digest_runs').execute();
}
