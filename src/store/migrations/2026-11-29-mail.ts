import type { Kysely } from 'kysely';
import { autoId } from './dialect.js';

/**
 * Email delivery: subscriptions (with or without an account), the authors members follow, the
 * outbox every digest goes through, and the papers each subscription has been sent.
 *
 * The outbox key (`digest:daily:2026-11-25:<subscription>`) is unique: composing a digest twice
 * for the same reader and period finds the row already there, so a crash or a second run never
 * makes a second digest. The papers a digest carries are recorded with it in one transaction, so
 * the next digest leaves them out.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const serial = autoId(db);

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'integer', serial)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('authors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('searches', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .addColumn('bounced_at', 'text')
    .addColumn('bounce_reason', 'text')
    .addColumn('link_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('subscriptions_status').on('subscriptions').columns(['status', 'frequency']).execute();
  await db.schema.createIndex('subscriptions_user').on('subscriptions').columns(['user_id']).execute();

  await db.schema
    .createTable('author_follows')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('author_follows_pk', ['user_id', 'author'])
    .execute();

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'integer', serial)
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
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
  await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('digest_papers')
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().references('mail_outbox.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('digest_papers_pk', ['subscription_id', 'paper_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['digest_papers', 'mail_outbox', 'author_follows', 'subscriptions']) await db.schema.dropTable(table).execute();
}
