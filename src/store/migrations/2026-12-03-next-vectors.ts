import type { Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

/**
 * The vectors of the model being switched to (another ONNX model, or a retrained catalog model),
 * kept apart from `search_docs` until every paper has one, then moved there in one transaction:
 * searches answer with the old vectors all the while. `version` is the paper's version when its
 * vector was made, so a paper whose text changed meanwhile is embedded again instead of moved.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('next_vectors')
    .addColumn('doc', 'integer', (c) => c.primaryKey())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('vector', isPostgres(db) ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('next_vectors').execute();
}
