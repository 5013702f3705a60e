import { sql, type Kysely } from 'kysely';
import { appendOnly, autoId, isPostgres } from './dialect.js';

/**
 * Community: accounts, sessions, one-use email tokens, votes and their counters, submissions,
 * threaded comments, reports, collections, hidden papers and the moderation log.
 *
 * Portable SQL throughout, with two dialect differences kept in ./dialect.ts: integer keys the
 * database assigns, and the triggers that make the moderation log append-only.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const id = autoId(db);

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', id)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('member').check(sql`role IN ('member', 'admin')`))
    .addColumn('email_verified_at', 'text')
    .addColumn('suspended_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('auth_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose IN ('verify_email', 'reset_password')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('auth_tokens_user').on('auth_tokens').columns(['user_id', 'purpose', 'created_at']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute();

  await db.schema
    .createTable('votes')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('votes_pk', ['user_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('votes_paper').on('votes').columns(['paper_id']).execute();

  await db.schema
    .createTable('paper_stats')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0).check(sql`upvotes >= 0`))
    .addColumn('comments', 'integer', (c) => c.notNull().defaultTo(0).check(sql`comments >= 0`))
    .execute();

  await db.schema
    .createTable('submissions')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    .addColumn('submitted_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('submissions_day').on('submissions').columns(['day']).execute();
  await db.schema.createIndex('submissions_user').on('submissions').columns(['submitted_by', 'submitted_at']).execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'integer', id)
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('parent_id', 'integer', (c) => c.references('comments.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .addColumn('hidden_at', 'text')
    .execute();
  await db.schema.createIndex('comments_paper').on('comments').columns(['paper_id', 'id']).execute();
  await db.schema.createIndex('comments_user').on('comments').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('comments_parent').on('comments').columns(['parent_id']).execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'integer', id)
    .addColumn('target_type', 'text', (c) => c.notNull().check(sql`target_type IN ('paper', 'comment', 'user')`))
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('reporter_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'integer', (c) => c.references('users.id'))
    .addColumn('resolution', 'text')
    .execute();
  await db.schema.createIndex('reports_target').on('reports').columns(['target_type', 'target_id']).execute();
  await db.schema.createIndex('reports_open').on('reports').columns(['resolved_at', 'id']).execute();

  await db.schema
    .createTable('collections')
    .addColumn('id', 'integer', id)
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_public IN (0, 1)`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('collections_owner_slug', ['owner_id', 'slug'])
    .execute();

  await db.schema
    .createTable('collection_papers')
    .addColumn('collection_id', 'integer', (c) => c.notNull().references('collections.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('collection_papers_pk', ['collection_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('collection_papers_paper').on('collection_papers').columns(['paper_id']).execute();

  await db.schema
    .createTable('hidden_papers')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    .addColumn('hidden_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('hidden_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('moderation_log')
    .addColumn('id', 'integer', id)
    .addColumn('moderator_id', 'integer', (c) => c.references('users.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('moderation_log_at').on('moderation_log').columns(['at', 'id']).execute();

  // The log is public and is the record of what moderators did, so nobody rewrites it.
  await appendOnly(db, 'moderation_log');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP TRIGGER IF EXISTS moderation_log_no_change ON moderation_log`.execute(db);
    await sql`DROP FUNCTION IF EXISTS moderation_log_append_only()`.execute(db);
  } else {
    await sql`DROP TRIGGER IF EXISTS moderation_log_no_update`.execute(db);
    await sql`DROP TRIGGER IF EXISTS moderation_log_no_delete`.execute(db);
  }
  const tables = [
    'moderation_log', 'hidden_papers', 'collection_papers', 'collections', 'reports', 'comments',
    'submissions', 'paper_stats', 'votes', 'sessions', 'auth_tokens', 'users',
  ];
  for (const table of tables) await db.schema.dropTable(table).execute();
}
