/**
 * A small catalog for the API tests, laid out around an ISO week boundary: 2026-W01 runs from
 * Monday 2025-12-29 to Sunday 2026-01-04, so Sunday 2025-12-28 is in 2025-W52 while Monday
 * 2025-12-29 (still December) is in 2026-W01. Members have voted, commented and submitted.
 */
import type { FastifyInstance } from 'fastify';
import { addComment } from '../../src/community/comments.js';
import { addToCollection, createCollection } from '../../src/community/collections.js';
import { hidePaper } from '../../src/community/moderation.js';
import { submitPaper } from '../../src/community/submissions.js';
import type { User } from '../../src/community/users.js';
import { toggleVote } from '../../src/community/votes.js';
import type { Paper } from '../../src/papers/paper.js';
import { upsertPapers } from '../../src/store/papers.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { Contract } from './contract.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { testServer } from '../support/web.js';

export const HOSTILE_TITLE = 'Evil <script>alert(1)</script> & ]]> *bold* [link](javascript:alert(1)) ]]>';
export const HOSTILE_ABSTRACT = 'We show a < b & c > d.\fA form feed, <img src=x onerror=alert(1)>, ]]> and `code` and\n\n# not a heading\n\n- not a list';

export const PAPERS: Paper[] = [
  makePaper({ id: '2512.00003', day: '2025-12-28', published: '2025-12-26T09:00:00Z', title: 'Sunday paper' }),
  makePaper({ id: '2512.00001', day: '2025-12-29', published: '2025-12-27T09:00:00Z', title: 'Monday paper one', links: [{ kind: 'code', url: 'https://github.com/example/one' }, { kind: 'project', url: 'https://example.org/one' }] }),
  makePaper({ id: '2512.00002', day: '2025-12-29', published: '2025-12-27T10:00:00Z', title: 'Monday paper two', categories: ['cs.CV'], primaryCategory: 'cs.CV' }),
  makePaper({ id: '2512.00004', day: '2025-12-31', published: '2025-12-30T09:00:00Z', title: 'New year eve paper' }),
  makePaper({ id: '2601.00001', day: '2026-01-02', published: '2026-01-01T10:00:00Z', title: 'Newest published', authors: ['Grace Hopper', 'Ada Lovelace'] }),
  makePaper({ id: '2601.00002', day: '2026-01-02', published: '2025-12-31T10:00:00Z', title: 'Most voted', authors: ['Grace Hopper'] }),
  makePaper({ id: '2601.00003', day: '2026-01-02', published: '2025-12-31T08:00:00Z', title: HOSTILE_TITLE, abstract: HOSTILE_ABSTRACT, authors: ['Mallory <b>Evil</b>'] }),
  makePaper({ id: '2601.00009', day: '2026-01-02', published: '2025-12-31T07:00:00Z', title: 'Hidden by a moderator' }),
  makePaper({ id: 'hep-th/9901001', day: '1999-01-04', published: '1999-01-04T00:00:00Z', title: 'An old-style id', categories: ['hep-th'], primaryCategory: 'hep-th' }),
];

/** What the stand-in for arXiv knows: papers members may submit that are not in the catalog yet. */
export const ON_ARXIV: Paper[] = Array.from({ length: 20 }, (_, i) =>
  makePaper({ id: `2506.${String(100 + i).padStart(5, '0')}`, day: '2025-06-02', published: '2025-06-01T10:00:00Z', title: `Submitted paper ${i}` }),
);

/** The server's clock for submissions: papers may be submitted within 14 days of their listing, so "today" is soon after ON_ARXIV's day. */
export const TODAY = new Date('2025-06-10T12:00:00Z');
/** When Alice submitted the Sunday paper: on the catalog's latest day, five days after it was listed. */
export const SUBMITTED_AT = new Date('2026-01-02T10:00:00Z');

/** Looking this id up at arXiv fails as if arXiv were unreachable. */
export const ARXIV_DOWN = '2601.66666';
/** Looking this id up at arXiv gets no answer until the fixture closes (then: no such paper). */
export const ARXIV_SILENT = '2601.77777';

export interface ApiFixture {
  t: TempDb;
  app: FastifyInstance;
  alice: User;
  bob: User;
  admin: User;
  /** Ids of the papers Alice submitted. */
  submitted: string[];
  /** The app's own OpenAPI document, to check every answer against. */
  contract: Contract;
  /** Lets the stand-in for arXiv answer ARXIV_SILENT's lookup. */
  answerSilent(): void;
}

export async function apiFixture(opts: { env?: Record<string, string> } = {}): Promise<ApiFixture> {
  const t = await tempDb();
  await upsertPapers(t.db, PAPERS);
  const alice = await makeMember(t.db, 'Alice Liddell');
  const bob = await makeMember(t.db, 'Bob Dobbs');
  const admin = await makeAdmin(t.db, 'Ada Admin');
  let answerSilent = () => {};
  const silent = new Promise<null>((resolve) => (answerSilent = () => resolve(null)));
  const fetchPaper = async (id: string) => {
    if (id === ARXIV_DOWN) throw new Error('arXiv is down');
    if (id === ARXIV_SILENT) return silent;
    return ON_ARXIV.find((p) => p.id === id) ?? null;
  };

  await toggleVote(t.db, alice.id, '2601.00002');
  await toggleVote(t.db, bob.id, '2601.00002');
  await toggleVote(t.db, bob.id, '2512.00001');
  await addComment(t.db, bob.id, { paperId: '2601.00002', body: 'Nice <b>work</b> *really*' });
  await hidePaper(t.db, admin.id, '2601.00009', 'spam');
  // Alice submits a paper from the catalog (on its latest day) and one fetched from arXiv.
  const submitted = [(await submitPaper(t.db, alice.id, '2512.00003', fetchPaper, SUBMITTED_AT)).paperId, (await submitPaper(t.db, alice.id, ON_ARXIV[0]!.id, fetchPaper, TODAY)).paperId];

  const collection = await createCollection(t.db, alice.id, { name: 'Reading group', isPublic: true });
  await addToCollection(t.db, alice.id, collection.id, '2512.00001');
  await addToCollection(t.db, alice.id, collection.id, '2601.00003');
  const secret = await createCollection(t.db, alice.id, { name: 'Secret list', isPublic: false });
  await addToCollection(t.db, alice.id, secret.id, '2512.00002');

  const app = await testServer(t.db, t.dir, { fetchPaper, now: () => TODAY, env: { PAPERBOY_BASE_URL: 'https://papers.example.org', ...opts.env } });
  const contract = new Contract((await app.inject('/api/openapi.json')).json());
  return { t, app, alice, bob, admin, submitted, contract, answerSilent };
}

export async function closeFixture(f: ApiFixture): Promise<void> {
  f.answerSilent();
  await f.app.close();
  await f.t.cleanup();
}
