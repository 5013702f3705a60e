import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { COPIED, CopyRefused, planCopy, type TableShape } from '../../src/store/copy/plan.js';
import { PostgresTarget } from '../../src/store/copy/postgres-target.js';
import { SqliteSource } from '../../src/store/copy/sqlite-source.js';
import { openDatabase } from '../../src/store/db.js';
import { tempDb, testStore } from '../support/db.js';

/** The tables the migrations make on SQLite (whatever the store under test: db copy reads SQLite), read as db copy reads them. */
async function sqliteTables(): Promise<TableShape[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-plan-'));
  try {
    const file = path.join(dir, 'paperboy.sqlite');
    await (await openDatabase({ kind: 'sqlite', file })).destroy();
    const source = SqliteSource.open(file);
    try {
      return source.tables();
    } finally {
      source.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('what db copy copies', () => {
  it('accounts for every table and column the migrations make on SQLite', async () => {
    const plan = planCopy(await sqliteTables(), null);
    assert.deepEqual(
      plan.map((p) => p.table.name),
      COPIED.map((t) => t.name),
    );
  });

  it('and on PostgreSQL, whose extra columns it knows how to fill', { skip: testStore !== 'postgres' && 'needs PostgreSQL: runs in npm run test:postgres' }, async () => {
    const t = await tempDb();
    try {
      if (t.location.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
      const target = await PostgresTarget.open(t.location.url, createLogger('silent'));
      try {
        planCopy(await sqliteTables(), await target.tables());
      } finally {
        await target.close();
      }
    } finally {
      await t.cleanup();
    }
  });

  it('refuses what it was not taught, naming each table and column', () => {
    const source: TableShape[] = [
      ...COPIED.map((t) => ({ name: t.name, columns: ['id'], references: [] as string[] })),
      { name: 'shiny', columns: ['id'], references: [] },
    ];
    // papers refers to a table copied after it; users has a column PostgreSQL lacks.
    source.find((t) => t.name === 'papers')!.references = ['users'];
    source.find((t) => t.name === 'users')!.columns = ['id', 'nickname'];
    source.find((t) => t.name === 'votes')!.withoutRowid = true;
    const target: TableShape[] = [
      ...COPIED.filter((t) => t.name !== 'digest_runs').map((t) => ({ name: t.name, columns: ['id'], references: [] as string[] })),
      { name: 'gossip', columns: ['id'], references: [] },
    ];
    target.find((t) => t.name === 'comments')!.columns = ['id', 'mood'];
    target.find((t) => t.name === 'search_docs')!.columns = ['id', 'fts', 'length'];

    assert.throws(
      () => planCopy(source, target),
      (error: Error) => {
        assert.ok(error instanceof CopyRefused);
        for (const problem of [
          'the SQLite table shiny is not one db copy knows how to copy',
          'the PostgreSQL table gossip is not one db copy knows how to fill',
          'the PostgreSQL database has no table digest_runs',
          'papers refers to users, which db copy does not copy before it',
          "PostgreSQL's users has no column nickname",
          "PostgreSQL's comments.mood is not in the SQLite database and db copy does not know how to fill it",
          'the SQLite table votes has no rowid, which db copy reads it by',
        ]) {
          assert.ok(error.message.includes(problem), `names: ${problem}\n${error.message}`);
        }
        assert.ok(!error.message.includes('search_docs'), 'the search columns PostgreSQL makes itself are known');
        return true;
      },
    );
  });
});
