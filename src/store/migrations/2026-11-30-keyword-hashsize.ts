import { sql, type Kysely } from 'kysely';

/**
 * SQLite only. FTS5 keeps the words of a transaction in memory and writes them out as a new
 * segment each time they pass `hashsize` (1 MB by default), then merges segments. A bulk import
 * writes 5,000 papers a transaction, about 20 segments each at 1 MB; at 64 MB it is one, and the
 * import spends about 10 % less time (docs/benchmarks.md). Memory is only used while a transaction
 * is writing that much, and FTS5 stores the setting with the table.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 67108864)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 1048576)`.execute(db);
}
