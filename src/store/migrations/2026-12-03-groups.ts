import { sql, type Kysely } from 'kysely';
import { autoId, isPostgres } from './dialect.js';

/**
 * Groups (labs, reading groups, organisations): members with roles, invitations, a shared queue
 * with its own votes and counters, journal-club sessions, chat webhooks and their deliveries,
 * papers tagged to an organisation, and who follows which group or member.
 *
 * The outbox learns a second kind of recipient: a group digest goes to a member of a group (who
 * may have no email subscription), so `mail_outbox.subscription_id` may be null and `group_id` with
 * `user_id` name the recipient instead. SQLite cannot drop a NOT NULL, so there the table is
 * rebuilt the way SQLite documents (https://sqlite.org/lang_altertable.html#otheralter), with
 * foreign keys off for the swap so `digest_papers` keeps its rows.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const id = autoId(db);

  await db.schema
    .createTable('groups')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('is_organisation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('owner', 'admin', 'member')`))
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addColumn('digest', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('link_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user').on('group_members').columns(['user_id']).execute();
  // One owner per group, held by the database: a transfer demotes before it promotes.
  await db.schema.createIndex('group_members_one_owner').on('group_members').column('group_id').unique().where(sql.ref('role'), '=', 'owner').execute();

  await db.schema
    .createTable('group_invitations')
    .addColumn('id', 'integer', id)
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('invited_by', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('group_invitations_group').on('group_invitations').columns(['group_id', 'created_at']).execute();

  await db.schema
    .createTable('group_queue')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('proposed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('to_read', 'reading', 'discussed')`))
    .addColumn('votes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('state_changed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_queue_pk', ['group_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('group_queue_added').on('group_queue').columns(['added_at']).execute();

  await db.schema
    .createTable('group_votes')
    .addColumn('group_id', 'integer', (c) => c.notNull())
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_votes_pk', ['group_id', 'paper_id', 'user_id'])
    .addForeignKeyConstraint('group_votes_item', ['group_id', 'paper_id'], 'group_queue', ['group_id', 'paper_id'], (c) => c.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('group_votes_user').on('group_votes').columns(['group_id', 'user_id']).execute();

  await db.schema
    .createTable('group_sessions')
    .addColumn('id', 'integer', id)
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('presenter_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('group_sessions_group').on('group_sessions').columns(['group_id', 'starts_at']).execute();

  await db.schema
    .createTable('group_session_papers')
    .addColumn('session_id', 'integer', (c) => c.notNull().references('group_sessions.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_session_papers_pk', ['session_id', 'paper_id'])
    .execute();

  await db.schema
    .createTable('group_webhooks')
    .addColumn('id', 'integer', id)
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('service', 'text', (c) => c.notNull().check(sql`service IN ('slack', 'discord', 'mattermost', 'matrix')`))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_ok_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .execute();
  await db.schema.createIndex('group_webhooks_group').on('group_webhooks').columns(['group_id']).execute();

  await db.schema
    .createTable('chat_deliveries')
    .addColumn('id', 'integer', id)
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('group_webhooks.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('chat_deliveries_due').on('chat_deliveries').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('group_follows')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_follows_pk', ['user_id', 'group_id'])
    .execute();

  await db.schema
    .createTable('member_follows')
    .addColumn('follower_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('followed_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_follows_pk', ['follower_id', 'followed_id'])
    .execute();

  await db.schema
    .createTable('organisation_papers')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('tagged_by', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tagged_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('organisation_papers_pk', ['group_id', 'paper_id'])
    .execute();

  await outboxForMembers(db);
}

/** `mail_outbox.subscription_id` nullable, and `group_id`, `user_id` for a group digest's recipient. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function outboxForMembers(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.alterTable('mail_outbox').alterColumn('subscription_id', (c) => c.dropNotNull()).execute();
    await db.schema.alterTable('mail_outbox').addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('cascade')).execute();
    await db.schema.alterTable('mail_outbox').addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade')).execute();
    return;
  }
  const columns = ['id', 'key', 'subscription_id', 'kind', 'period', 'content', 'status', 'attempts', 'next_attempt_at', 'last_error', 'message_id', 'created_at', 'sent_at'];
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await trx.schema
        .createTable('mail_outbox_new')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('subscription_id', 'integer', (c) => c.references('subscriptions.id').onDelete('cascade'))
        .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('message_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .execute();
      await trx.insertInto('mail_outbox_new').columns(columns).expression(trx.selectFrom('mail_outbox').select(columns)).execute();
      await trx.schema.dropTable('mail_outbox').execute();
      await trx.schema.alterTable('mail_outbox_new').renameTo('mail_outbox').execute();
      await trx.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();
      const broken = await sql`PRAGMA foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`mail_outbox rebuild left ${broken.rows.length} broken references`);
    });
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['organisation_papers', 'member_follows', 'group_follows', 'chat_deliveries', 'group_webhooks', 'group_session_papers', 'group_sessions', 'group_votes', 'group_queue', 'group_invitations', 'group_members', 'groups']) {
    await db.schema.dropTable(table).execute();
  }
  // The outbox keeps its new columns (their group digests go with the groups): putting back the NOT NULL would mean another rebuild.
}
