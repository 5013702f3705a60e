import type { Kysely } from 'kysely';

/**
 * Code released with papers: which code link each paper names (`paper_code`, kept in step with the
 * paper by the enrichment job), the GitHub repositories' stars and last push as GitHub's REST API
 * last answered (`code_repos`, with the ETag for conditional requests), and one star count a day
 * per repository (`code_repo_stars`) for "stars gained per day".
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('paper_code')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    // The paper's code link, or null when it names none; `repo` is `owner/name` when it is on GitHub.
    .addColumn('code_url', 'text')
    .addColumn('repo', 'text')
    // The paper's `modified_at` when its links were read: a newer version is read again.
    .addColumn('paper_modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('paper_code_repo').on('paper_code').columns(['repo']).execute();

  await db.schema
    .createTable('code_repos')
    .addColumn('repo', 'text', (c) => c.primaryKey())
    // pending: not asked yet; ok: stars are current as of checked_at; missing: GitHub answered 404, 410 or 451.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stars', 'integer')
    .addColumn('pushed_at', 'text')
    .addColumn('created_at', 'text')
    .addColumn('etag', 'text')
    .addColumn('checked_at', 'text')
    .addColumn('next_check_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('code_repos_due').on('code_repos').columns(['next_check_at']).execute();

  await db.schema
    .createTable('code_repo_stars')
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('code_repo_stars_pk', ['repo', 'day'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['code_repo_stars', 'code_repos', 'paper_code']) await db.schema.dropTable(table).execute();
}
