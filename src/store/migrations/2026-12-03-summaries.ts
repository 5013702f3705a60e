import type { Kysely } from 'kysely';

/**
 * One-line summaries and keywords written by a language model (an OpenAI-compatible endpoint the
 * operator configures), one row per paper, with the attempts that failed so a paper is not asked
 * about forever; and the requests made each day, which the daily budget is counted against.
 * Papers without a row are summarized by a sentence taken from the abstract, which is not stored.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('paper_summaries')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    // done: summary and keywords are set; failed: the model's answers were unusable `attempts` times.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    // JSON array of strings
    .addColumn('keywords', 'text')
    .addColumn('model', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('llm_usage')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('llm_usage').execute();
  await db.schema.dropTable('paper_summaries').execute();
}
