import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Migration } from 'kysely';
import * as catalog from '../../src/store/migrations/2026-11-25-catalog.js';
import * as search from '../../src/store/migrations/2026-11-26-search.js';
import * as community from '../../src/store/migrations/2026-11-27-community.js';
import * as apiTokens from '../../src/store/migrations/2026-11-28-api-tokens.js';
import * as profile from '../../src/store/migrations/2026-11-28-profile.js';
import * as mail from '../../src/store/migrations/2026-11-29-mail.js';
import * as digestRuns from '../../src/store/migrations/2026-12-01-digest-runs.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { Db } from '../../src/store/schema.js';
import { emptyDb, testStore, type TempDb } from '../support/db.js';

describe('the groups migration on a database that already sent digests', () => {
  let t: TempDb;
  let db: Db;

  before(async () => {
    t = await emptyDb();
    db = t.db;
    const before: Record<string, Migration> = {
      '2026-11-25-catalog': catalog,
      '2026-11-26-search': search,
      '2026-11-27-community': community,
      '2026-11-28-api-tokens': apiTokens,
      '2026-11-28-profile': profile,
      '2026-11-29-mail': mail,
      '2026-12-01-digest-runs': digestRuns,
    };
    const result = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    assert.equal(result.error, undefined);
    const at = '2026-11-30T07:00:00.000Z';
    await sql`INSERT INTO subscriptions (email, status, frequency, created_at) VALUES ('reader@example.org', 'active', 'daily', ${at})`.execute(db);
    await sql`INSERT INTO mail_outbox (key, subscription_id, kind, period, content, status, attempts, next_attempt_at, created_at, sent_at)
      VALUES ('digest-daily:2026-11-30:1', 1, 'digest-daily', '2026-11-30', '{"items":[]}', 'sent', 1, ${at}, ${at}, ${at}),
             ('digest-daily:2026-12-01:1', 1, 'digest-daily', '2026-12-01', '{"items":[]}', 'queued', 0, ${at}, ${at}, NULL)`.execute(db);
    await sql`INSERT INTO digest_papers (subscription_id, paper_id, outbox_id) VALUES (1, '2611.00001', 1), (1, '2611.00002', 2)`.execute(db);
    await migrateToLatest(db);
  });
  after(() => t.cleanup());

  it('keeps every outbox row and the papers each digest carried', async () => {
    const rows = await db.selectFrom('mail_outbox').select(['id', 'key', 'subscription_id', 'status', 'group_id', 'user_id']).orderBy('id').execute();
    assert.deepEqual(rows, [
      { id: 1, key: 'digest-daily:2026-11-30:1', subscription_id: 1, status: 'sent', group_id: null, user_id: null },
      { id: 2, key: 'digest-daily:2026-12-01:1', subscription_id: 1, status: 'queued', group_id: null, user_id: null },
    ]);
    assert.deepEqual((await db.selectFrom('digest_papers').select(['paper_id', 'outbox_id']).orderBy('paper_id').execute()), [
      { paper_id: '2611.00001', outbox_id: 1 },
      { paper_id: '2611.00002', outbox_id: 2 },
    ]);
  });

  it('leaves foreign keys on and enforced, pointing at the new table', async () => {
    if (testStore === 'sqlite') {
      // The rebuild turned them off for the swap (PostgreSQL alters the table in place and has them always on).
      assert.deepEqual((await sql`PRAGMA foreign_keys`.execute(db)).rows, [{ foreign_keys: 1 }]);
      assert.deepEqual((await sql`PRAGMA foreign_key_check`.execute(db)).rows, []);
    }
    await db.deleteFrom('mail_outbox').where('id', '=', 2).execute();
    assert.deepEqual((await db.selectFrom('digest_papers').select('paper_id').execute()).map((r) => r.paper_id), ['2611.00001'], 'deleting a digest still takes its papers along');
    await assert.rejects(sql`INSERT INTO mail_outbox (key, group_id, user_id, kind, period, content, status, next_attempt_at, created_at) VALUES ('x', 99, 99, 'group-digest', '2026-W49', '{}', 'queued', 'now', 'now')`.execute(db), /FOREIGN KEY|foreign key/);
  });
});
