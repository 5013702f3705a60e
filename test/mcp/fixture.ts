/**
 * A small catalog and three members for the MCP tests: Alice (with a token, a collection, and
 * an author she follows), Bob (with a token; tests suspend him) and an admin who hid one paper. Both transports'
 * tests build it, so the same calls are checked over HTTP and over stdio.
 */
import { createApiToken } from '../../src/community/api-tokens.js';
import { addToCollection, createCollection } from '../../src/community/collections.js';
import { followAuthor } from '../../src/community/follows.js';
import { hidePaper } from '../../src/community/moderation.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import type { Paper } from '../../src/papers/paper.js';
import { upsertPapers } from '../../src/store/papers.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';

export const BASE_URL = 'https://papers.example.org';

export const PAPERS: Paper[] = [
  makePaper({
    id: '2601.00001',
    day: '2026-01-02',
    title: 'Graph neural networks for molecules',
    abstract: 'We learn molecular properties with graph neural networks, e.g. solubility. A second sentence follows here.',
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    links: [{ kind: 'code', url: 'https://github.com/example/gnn' }],
  }),
  makePaper({ id: '2601.00002', day: '2026-01-02', title: 'Graph transformers for proteins', abstract: 'Graph transformers fold proteins. They are fast.' }),
  makePaper({ id: '2601.00003', day: '2026-01-02', title: 'Machine translation with language models', abstract: 'Language models translate text.', categories: ['cs.CL'], primaryCategory: 'cs.CL' }),
  makePaper({ id: '2601.00009', day: '2026-01-02', title: 'Hidden graph paper', abstract: 'A moderator hid this graph paper.' }),
  makePaper({ id: '2512.00001', day: '2025-12-29', title: 'Robot grasping in clutter', abstract: 'Robots grasp objects.', categories: ['cs.RO'], primaryCategory: 'cs.RO' }),
  makePaper({ id: 'hep-th/9901001', day: '1999-01-04', title: 'Strings on old-style ids', abstract: 'An old paper.', categories: ['hep-th'], primaryCategory: 'hep-th' }),
];

export const HIDDEN = '2601.00009';

export interface McpFixture {
  t: TempDb;
  alice: User;
  bob: User;
  admin: User;
  aliceToken: string;
  bobToken: string;
}

export async function mcpFixture(): Promise<McpFixture> {
  const t = await tempDb();
  await upsertPapers(t.db, PAPERS);
  const alice = await makeMember(t.db, 'Alice Liddell');
  const bob = await makeMember(t.db, 'Bob Dobbs');
  const admin = await makeAdmin(t.db, 'Ada Admin');
  await hidePaper(t.db, admin.id, HIDDEN, 'spam');
  await toggleVote(t.db, bob.id, '2601.00002');
  const group = await createCollection(t.db, alice.id, { name: 'Reading group', isPublic: true });
  await addToCollection(t.db, alice.id, group.id, '2512.00001');
  await followAuthor(t.db, alice.id, 'Grace Hopper');
  const aliceToken = (await createApiToken(t.db, alice.id, 'assistant')).token;
  const bobToken = (await createApiToken(t.db, bob.id, 'assistant')).token;
  return { t, alice, bob, admin, aliceToken, bobToken };
}
