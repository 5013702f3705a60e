import { sql, type Kysely } from 'kysely';
import { autoId } from './dialect.js';

/**
 * Members who say they wrote a paper, as one of its authors (the name as the paper writes it), and
 * what a moderator (or the operator's domain rule) decided; and a member's ORCID iD.
 *
 * A member claims a paper once. An author name of a paper belongs to one member at most: approving
 * a second claim on it is refused in the query that approves, and the partial unique index is the
 * database's guard behind it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('author_claims')
    .addColumn('id', 'integer', autoId(db))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    // The name folded as author pages and follows compare names (papers/authors.ts foldName).
    .addColumn('author_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('pending', 'approved', 'refused')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addUniqueConstraint('author_claims_once', ['user_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('author_claims_status').on('author_claims').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('author_claims_author').on('author_claims').columns(['author_key', 'status']).execute();
  await db.schema
    .createIndex('author_claims_one_member_per_name')
    .on('author_claims')
    .columns(['paper_id', 'author_name'])
    .unique()
    .where(sql.ref('status'), '=', 'approved')
    .execute();

  // Stored normalized (`0000-0002-1825-0097`); null when the member gave none.
  await db.schema.alterTable('users').addColumn('orcid', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('orcid').execute();
  await db.schema.dropTable('author_claims').execute();
}
