import pg from 'pg';
import {
  Kysely,
  OperationNodeTransformer,
  PostgresDialect,
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';
import { maskPassword } from '../config.js';
import type { Logger } from '../log.js';
import type { Database } from './schema.js';

/**
 * Everything that only PostgreSQL needs to open a database lives here, as sqlite.ts does for
 * SQLite. A pool of connections (each process holds a few; PostgreSQL itself serializes nothing,
 * so writes that read first are conditional updates, unique keys or `ON CONFLICT`).
 */
export function openPostgres(url: string, log: Logger): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    application_name: 'paperboy',
    // A machine lost behind a network partition is noticed, and its connections closed.
    keepAlive: true,
    types: { getTypeParser: typeParser },
  });
  // An idle connection the server closed (a restart, an administrator's pg_terminate_backend)
  // is reported here; without a listener the process would crash. The pool opens a new one.
  pool.on('error', (err) => log.error({ err }, `an idle PostgreSQL connection was closed: ${err.message}`));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new WithoutNul()] });
}

/**
 * PostgreSQL text cannot hold the character U+0000 (SQLite's can): a value with one would fail
 * the whole statement ("invalid byte sequence"), so a NUL typed into a form or a query string
 * would answer 500. It is dropped from every text parameter, as the comment and search code
 * already drop it from what they keep.
 */
class WithoutNul implements KyselyPlugin {
  private readonly transformer = new NulTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

class NulTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = withoutNul(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return { ...node, values: node.values.map(withoutNul) };
  }
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  return value;
}

const POOL_SIZE = 10;
const INT8 = 20;

/**
 * bigint comes back as a number, like SQLite's integers: `count(*)` and `sum()` are bigint, and
 * every count Paperboy keeps fits a double exactly. Set on this pool only, not globally for `pg`.
 */
function typeParser(oid: number, format?: 'text' | 'binary') {
  if (oid === INT8 && format !== 'binary') return (value: string) => Number(value);
  return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
}

/** PostgreSQL 15 or newer: the full-text and SQL functions the migrations use. */
const MIN_VERSION = 150000;

/** A database Paperboy cannot use as it is, with what to do about it. */
export class DatabaseSetupError extends Error {
  override name = 'DatabaseSetupError';
}

/**
 * Refuses a database whose server or settings would make Paperboy behave differently from SQLite:
 * text must compare byte by byte (SQLite's BINARY; a locale collation orders `cs/` and `cs.X`,
 * or ids and names, differently), and the character type must know Unicode letters (keyword
 * search splits words on everything that is not one).
 */
export async function checkPostgres(db: Kysely<Database>, url: string): Promise<void> {
  let row: { version: number; encoding: string; collate: string; ctype: string; name: string } | undefined;
  try {
    ({ rows: [row] } = await sql<{ version: number; encoding: string; collate: string; ctype: string; name: string }>`
      SELECT current_setting('server_version_num')::int AS version, pg_encoding_to_char(encoding) AS encoding,
             datcollate AS collate, datctype AS ctype, datname AS name
      FROM pg_database WHERE datname = current_database()`.execute(db));
  } catch (error) {
    throw new DatabaseSetupError(`cannot open the PostgreSQL database ${maskPassword(url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!row) throw new DatabaseSetupError(`cannot read the settings of the PostgreSQL database ${maskPassword(url)}`);
  const fix = `create it with: CREATE DATABASE ${quoteIdent(row.name)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8' (see docs/operations.md)`;
  if (row.version < MIN_VERSION) {
    throw new DatabaseSetupError(`PostgreSQL ${Math.floor(row.version / 10000)} is too old for Paperboy, which needs PostgreSQL 15 or newer`);
  }
  if (row.encoding !== 'UTF8') {
    throw new DatabaseSetupError(`the PostgreSQL database "${row.name}" has encoding ${row.encoding}; Paperboy needs UTF8: ${fix}`);
  }
  if (!BYTE_ORDER_COLLATIONS.has(row.collate)) {
    throw new DatabaseSetupError(
      `the PostgreSQL database "${row.name}" sorts text by the locale ${row.collate}; Paperboy compares text byte by byte (LC_COLLATE 'C'): ${fix}`,
    );
  }
  if (!/utf-?8$/i.test(row.ctype)) {
    throw new DatabaseSetupError(
      `the PostgreSQL database "${row.name}" has LC_CTYPE ${row.ctype}, which knows only ASCII letters; keyword search needs a UTF-8 one such as C.UTF-8: ${fix}`,
    );
  }
}

/** Collations that order text by its bytes (code points, for UTF-8), as SQLite's BINARY does. */
const BYTE_ORDER_COLLATIONS = new Set(['C', 'POSIX', 'C.UTF-8', 'C.utf8']);

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
