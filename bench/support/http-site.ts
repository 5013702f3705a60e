// The site bench:http drives, built once for its benchmarks: a catalog loaded from a file, its
// search trained and loaded, a server on loopback, a day with twenty featured papers and a public
// journal club (its owner's session cookie for the member's pages).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Ingest } from '../../src/catalog/ingest.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { trainCatalogModel } from '../../src/search/maintain.js';
import type { Embedder } from '../../src/search/embedder.js';
import { SearchService } from '../../src/search/service.js';
import { readSourceFile } from '../../src/sources/files.js';
import { openDatabase } from '../../src/store/db.js';
import { latestDay } from '../../src/store/papers.js';
import type { Db } from '../../src/store/schema.js';
import { searchDb } from '../../src/store/search-docs.js';
import { webDeps } from '../../src/web/compose.js';
import { buildServer } from '../../src/web/server.js';
import { signUp, verifyEmail } from '../../src/community/accounts.js';
import { createSession } from '../../src/community/sessions.js';
import { createGroup } from '../../src/groups/groups.js';
import { acceptInvitation, createInvitation } from '../../src/groups/invitations.js';
import { addToQueue, setQueueState, toggleGroupVote } from '../../src/groups/queue.js';
import { scheduleSession } from '../../src/groups/sessions.js';
import { serverSecret } from '../../src/web/secret.js';

export interface BenchSite {
  /** The data directory: the database file (paperboy.sqlite) and the server's secret. */
  dir: string;
  db: Db;
  /** The search model trained on the catalog. */
  embedder: Embedder;
  app: FastifyInstance;
  origin: string;
  /** The latest listing day. */
  day: string;
  /** The first paper of that day, and its first author. */
  paper: { id: string; author: string };
  /** The journal club's address and its owner's signed session cookie. */
  group: { slug: string; cookie: string };
  close(): Promise<void>;
}

export async function benchSite(file: string): Promise<BenchSite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-http-'));
  const db = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'paperboy.sqlite') });
  console.log(`loading ${file} ...`);
  await new Ingest(db).run(readSourceFile(file));
  const embedder = await trainCatalogModel(searchDb(db));
  const service = new SearchService(db, embedder);
  await service.load();

  const log = createLogger('silent');
  const config = loadConfig({ PAPERBOY_DATA_DIR: dir, PAPERBOY_TRUST_PROXY: '127.0.0.1' });
  const app = await buildServer({ ...webDeps(db, log, config), search: { search: service } });
  const secret = serverSecret(dir, null);
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const day = (await latestDay(db))!;
  const paper = await db.selectFrom('papers').select(['id', 'authors']).where('day', '=', day).orderBy('id').limit(1).executeTakeFirstOrThrow();

  // A living day: twenty papers of it featured (submitted by a member), as the demo catalog's are.
  const member = await db.insertInto('users').values({ email: 'bench@example.org', username: 'bench', display_name: 'Bench', password_hash: '!', role: 'member', created_at: `${day}T00:00:00Z`, email_verified_at: `${day}T00:00:00Z` }).returning('id').executeTakeFirstOrThrow();
  const featured = await db.selectFrom('papers').select('id').where('day', '=', day).orderBy('id', 'desc').limit(20).execute();
  await db.insertInto('submissions').values(featured.map((f, i) => ({ paper_id: f.id, submitted_by: member.id, submitted_at: `${day}T${String(6 + (i % 12)).padStart(2, '0')}:00:00.000Z`, day }))).execute();

  const group = await journalClub(db, app, secret, day);
  return {
    dir,
    db,
    embedder,
    app,
    origin,
    day,
    paper: { id: paper.id, author: (JSON.parse(paper.authors) as string[])[0]! },
    group,
    async close() {
      await app.close();
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A public journal club as a lab runs one: its owner and 9 members, 40 of the latest papers in the
 * queue with votes, 5 of them discussed, and a term of weekly sessions. Returns its address and
 * the owner's signed session cookie.
 */
async function journalClub(db: Db, app: FastifyInstance, secret: string, day: string): Promise<{ slug: string; cookie: string }> {
  const members = [];
  for (let i = 0; i < 10; i++) {
    const { user, verificationToken } = await signUp(db, { email: `member${i}@example.org`, password: 'correct horse battery', displayName: `Member ${i}` });
    await verifyEmail(db, verificationToken);
    members.push(user);
  }
  const owner = members[0]!;
  const group = await createGroup(db, owner.id, { name: 'Bench Journal Club', slug: 'bench-club', description: 'Thursdays at 18:00.', isPublic: true });
  for (const m of members.slice(1)) await acceptInvitation(db, secret, (await createInvitation(db, secret, owner.id, group.id)).token, m.id);
  const papers = await db.selectFrom('papers').select('id').where('day', '=', day).orderBy('id').limit(40).execute();
  for (const [i, p] of papers.entries()) {
    await addToQueue(db, members[i % members.length]!.id, group.id, { paper: p.id, note: i % 3 === 0 ? 'Worth a session: sections 3 and 4.' : '' }, async () => null);
    for (const m of members.slice(0, i % 7)) await toggleGroupVote(db, m.id, group.id, p.id);
    if (i < 5) await setQueueState(db, owner.id, group.id, p.id, 'discussed');
  }
  for (let week = 0; week < 12; week++) {
    const start = new Date(Date.UTC(2030, 0, 3 + 7 * week, 17)).toISOString().slice(0, 16);
    await scheduleSession(db, owner.id, group.id, { title: `Week ${week + 1}`, startsAt: start, timeZone: 'Europe/Paris', presenterId: members[week % members.length]!.id, paperIds: [papers[week]!.id] });
  }
  const session = await createSession(db, owner.id);
  return { slug: group.slug, cookie: `pb_session=${app.signCookie(session.token)}` };
}
