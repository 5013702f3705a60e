import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addToCollection, createCollection } from '../../src/community/collections.js';
import { followAuthor } from '../../src/community/follows.js';
import { hidePaper } from '../../src/community/moderation.js';
import { toggleVote } from '../../src/community/votes.js';
import { FOR_YOU, Recommender, reasonText, type Recommendation } from '../../src/recommend/for-you.js';
import { trainCatalogModel } from '../../src/search/maintain.js';
import { exportPapers } from '../../src/references/export.js';
import { importLibrary } from '../../src/references/import.js';
import { fromRow, upsertPapers } from '../../src/store/papers.js';
import { searchDb } from '../../src/store/search-docs.js';
import { makeAdmin, makeMember } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { importSample } from '../search/sample.js';

interface Row {
  id: string;
  title: string;
  categories: string[];
  primary: string;
  authors: string[];
}

/**
 * 3,000 real papers with vectors from the catalog embedder. A third of them (every third by id)
 * stand for the recent papers to recommend from; members' upvotes and collections come from the
 * rest, as a member's history is older than today's papers.
 */
describe('"For you" over real arXiv papers', () => {
  let t: TempDb;
  let rows: Row[];
  let byId: Map<string, Row>;
  let candidates: Row[];
  let history: Row[];
  let recommender: Recommender;

  before(async () => {
    t = await tempDb();
    await importSample(t.db, 0, 3000);
    await trainCatalogModel(searchDb(t.db));
    const stored = await t.db.selectFrom('papers').select(['id', 'title', 'categories', 'primary_category', 'authors']).orderBy('id').execute();
    rows = stored.map((r) => ({ id: r.id, title: r.title, categories: JSON.parse(r.categories) as string[], primary: r.primary_category, authors: JSON.parse(r.authors) as string[] }));
    byId = new Map(rows.map((r) => [r.id, r]));
    candidates = rows.filter((_, i) => i % 3 === 0);
    history = rows.filter((_, i) => i % 3 !== 0);
    recommender = await Recommender.open(t.db, { candidatePaperIds: candidates.map((c) => c.id) });
  });
  after(async () => t.cleanup());

  /** Papers of one category only, from the member's history. */
  const onlyIn = (category: string, n: number) => history.filter((r) => r.primary === category).slice(0, n);
  const share = (recs: Recommendation[], category: string) => recs.filter((r) => byId.get(r.paperId)!.categories.includes(category)).length / recs.length;
  const baseRate = (category: string) => candidates.filter((c) => c.categories.includes(category)).length / candidates.length;

  for (const [category, how] of [
    ['cs.CV', 'upvoted'],
    ['cs.CR', 'upvoted'],
    ['cs.CL', 'collected'],
  ] as const) {
    it(`recommends mostly ${category} to a member who ${how} ${category} papers, naming one of them as the reason`, async () => {
      const member = await makeMember(t.db);
      const own = onlyIn(category, 8);
      assert.equal(own.length, 8);
      if (how === 'upvoted') for (const p of own) await toggleVote(t.db, member.id, p.id);
      else {
        const collection = await createCollection(t.db, member.id, { name: `My ${category}`, isPublic: false });
        for (const p of own) await addToCollection(t.db, member.id, collection.id, p.id);
      }
      const recs = await recommender.forMember(member.id, { limit: 20 });
      assert.ok(recs.length >= 10, `${recs.length} recommendations`);
      const onTopic = share(recs, category);
      // Mostly that topic, and far more often than among the papers recommended from: at least half way from that rate to all.
      const message = `${Math.round(onTopic * 100)}% of recommendations in ${category} (base rate ${Math.round(baseRate(category) * 100)}%)`;
      assert.ok(onTopic > 0.5 && onTopic - baseRate(category) >= (1 - baseRate(category)) / 2, message);
      const ownIds = new Set(own.map((p) => p.id));
      for (const r of recs) {
        assert.equal(r.reason.kind, 'similar');
        if (r.reason.kind !== 'similar') continue;
        assert.ok(ownIds.has(r.reason.to.id), 'the reason is one of their papers');
        assert.equal(r.reason.to.title, byId.get(r.reason.to.id)!.title);
        assert.equal(r.reason.via, how);
        assert.ok(!ownIds.has(r.paperId));
      }
      for (let i = 1; i < recs.length; i++) assert.ok(recs[i - 1]!.score >= recs[i]!.score, 'best first');
      assert.equal(new Set(recs.map((r) => r.paperId)).size, recs.length);
    });
  }

  it('is seeded from the first day by a library imported from a reference manager', async () => {
    const member = await makeMember(t.db);
    const collection = await createCollection(t.db, member.id, { name: 'My Zotero library', isPublic: false });
    // A BibTeX library of security papers, as a reference manager holds it (here written by our own export of the real records).
    const own = onlyIn('cs.CR', 8);
    const papers = await t.db.selectFrom('papers').selectAll().where('id', 'in', own.map((p) => p.id)).orderBy('id').execute();
    const report = await importLibrary(t.db, member.id, collection.id, exportPapers(papers.map(fromRow), 'bibtex'));
    assert.equal(report.added.length, 8);
    const recs = await recommender.forMember(member.id, { limit: 20 });
    assert.ok(recs.length >= 10, `${recs.length} recommendations`);
    assert.ok(share(recs, 'cs.CR') > 0.5, `${Math.round(share(recs, 'cs.CR') * 100)}% in cs.CR`);
    const ownIds = new Set(own.map((p) => p.id));
    for (const r of recs) assert.ok(r.reason.kind === 'similar' && r.reason.via === 'collected' && ownIds.has(r.reason.to.id));
  });

  it('names the closest of the member’s papers when their interests are mixed', async () => {
    const member = await makeMember(t.db);
    const vision = onlyIn('cs.CV', 5);
    const security = onlyIn('cs.CR', 5);
    for (const p of [...vision, ...security]) await toggleVote(t.db, member.id, p.id);
    const recs = await recommender.forMember(member.id, { limit: 30 });
    const visionIds = new Set(vision.map((p) => p.id));
    let agree = 0;
    let judged = 0;
    for (const r of recs) {
      if (r.reason.kind !== 'similar') continue;
      const cats = byId.get(r.paperId)!.categories;
      if (cats.includes('cs.CV') === cats.includes('cs.CR')) continue;
      judged++;
      if (visionIds.has(r.reason.to.id) === cats.includes('cs.CV')) agree++;
    }
    assert.ok(judged >= 10, `${judged} judged`);
    assert.ok(agree / judged >= 0.8, `${agree} of ${judged} reasons from the matching interest`);
  });

  it('never recommends a paper the member already upvoted or collected', async () => {
    const member = await makeMember(t.db);
    // Upvote candidates themselves: the recent papers a member liked are not news to them.
    const liked = candidates.filter((c) => c.primary === 'cs.CV').slice(0, 8);
    for (const p of liked) await toggleVote(t.db, member.id, p.id);
    const recs = await recommender.forMember(member.id, { limit: 200 });
    assert.ok(recs.length > 0);
    const likedIds = new Set(liked.map((p) => p.id));
    for (const r of recs) assert.ok(!likedIds.has(r.paperId));
  });

  it('puts papers of followed authors first, with the author as the reason, even without a vector', async () => {
    // An author with a recent paper and some older ones.
    const counts = new Map<string, number>();
    for (const r of history) for (const a of r.authors) counts.set(a, (counts.get(a) ?? 0) + 1);
    const candidate = candidates.find((c) => c.authors.some((a) => (counts.get(a) ?? 0) >= 2))!;
    const author = candidate.authors.find((a) => (counts.get(a) ?? 0) >= 2)!;

    // A brand-new paper by the same author, listed after the run opened: not embedded yet.
    await upsertPapers(t.db, [
      makePaper({ id: '2612.00001', title: 'A brand new result', authors: ['Someone Else', author], categories: ['math.CO'], primaryCategory: 'math.CO', day: '2026-12-01' }),
    ]);
    const run = await Recommender.open(t.db, { candidatePaperIds: [...candidates.map((c) => c.id), '2612.00001'] });
    assert.equal(run.size.candidates, candidates.length + 1);
    assert.equal(run.size.withVectors, candidates.length);

    const member = await makeMember(t.db);
    for (const p of onlyIn('cs.CV', 5)) await toggleVote(t.db, member.id, p.id);
    await followAuthor(t.db, member.id, author.toUpperCase() === author ? author : ` ${author} `);
    const recs = await run.forMember(member.id, { limit: 20 });
    const byAuthor = recs.filter((r) => r.reason.kind === 'author');
    const ids = byAuthor.map((r) => r.paperId);
    assert.ok(ids.includes('2612.00001'), 'the new paper, which has no vector yet');
    assert.ok(ids.includes(candidate.id));
    for (const r of byAuthor) assert.deepEqual(r.reason, { kind: 'author', author });
    // Followed authors rank above everything else.
    const firstOther = recs.findIndex((r) => r.reason.kind !== 'author');
    if (firstOther >= 0) assert.ok(recs.slice(firstOther).every((r) => r.reason.kind !== 'author'));
    assert.equal(reasonText(byAuthor[0]!.reason), `By ${author}, whom you follow`);

    // Following alone is a signal: the author's papers come through, and nothing "similar" without an upvote or collection to name.
    const follower = await makeMember(t.db);
    await followAuthor(t.db, follower.id, author);
    const only = await run.forMember(follower.id, { limit: 20 });
    assert.ok(only.some((r) => r.paperId === '2612.00001'));
    for (const r of only) assert.equal(r.reason.kind, 'author');
  });

  it('adds papers matching a saved search, after followed authors and before the rest', async () => {
    const member = await makeMember(t.db);
    for (const p of onlyIn('cs.CR', 6)) await toggleVote(t.db, member.id, p.id);
    const query = '"reinforcement learning" cat:cs.LG';
    const recs = await recommender.forMember(member.id, { limit: 60, savedSearches: [query, '', '-"', 'xyzzy-nothing-matches'] });
    const searched = recs.filter((r) => r.reason.kind === 'search');
    assert.ok(searched.length >= 3, `${searched.length} saved-search matches`);
    for (const r of searched) {
      assert.deepEqual(r.reason, { kind: 'search', query });
      assert.ok(byId.get(r.paperId)!.categories.includes('cs.LG'));
    }
    const lastSearch = recs.map((r) => r.reason.kind).lastIndexOf('search');
    const firstSimilar = recs.findIndex((r) => r.reason.kind === 'similar');
    if (firstSimilar >= 0) assert.ok(lastSearch < firstSimilar);
    assert.equal(reasonText(searched[0]!.reason), `Matches your search “${query}”`);
  });

  it('gives nothing to a member with no signals, and leaves out hidden papers', async () => {
    const member = await makeMember(t.db);
    assert.deepEqual(await recommender.forMember(member.id), []);
    assert.deepEqual(await recommender.forMember(999_999), []);

    const voter = await makeMember(t.db);
    for (const p of onlyIn('cs.CV', 8)) await toggleVote(t.db, voter.id, p.id);
    const before = await recommender.forMember(voter.id, { limit: 5 });
    const admin = await makeAdmin(t.db);
    await hidePaper(t.db, admin.id, before[0]!.paperId, 'spam');
    const run = await Recommender.open(t.db, { candidatePaperIds: candidates.map((c) => c.id) });
    const after = await run.forMember(voter.id, { limit: 5 });
    assert.ok(!after.some((r) => r.paperId === before[0]!.paperId));
    assert.deepEqual(await run.forMember(voter.id, { limit: 0 }), []);
  });

  it('recommends the same after reading a batch of members ahead (prefetch)', async () => {
    const voter = await makeMember(t.db);
    for (const p of onlyIn('cs.CR', 7)) await toggleVote(t.db, voter.id, p.id);
    const collector = await makeMember(t.db);
    const collection = await createCollection(t.db, collector.id, { name: 'Mine', isPublic: false });
    for (const p of onlyIn('cs.CL', 6)) await addToCollection(t.db, collector.id, collection.id, p.id);
    await followAuthor(t.db, collector.id, candidates[0]!.authors[0]!);
    const silent = await makeMember(t.db);
    const ids = [voter.id, collector.id, silent.id, 999_999];
    const options = { limit: 25, savedSearches: ['"neural network"'] };
    const one = await Recommender.open(t.db, { candidatePaperIds: candidates.map((c) => c.id) });
    const alone = [];
    for (const id of ids) alone.push(await one.forMember(id, options));
    const batched = await Recommender.open(t.db, { candidatePaperIds: candidates.map((c) => c.id) });
    await batched.prefetch(ids);
    for (const [i, id] of ids.entries()) assert.deepEqual(await batched.forMember(id, options), alone[i]);
    assert.ok(alone[0]!.length >= 10 && alone[1]!.some((r) => r.reason.kind === 'author'));
    // Signals read ahead serve one call: a vote cast since is seen by the next one.
    const extra = candidates.find((c) => c.primary === 'cs.CR')!;
    await toggleVote(t.db, voter.id, extra.id);
    assert.ok(!(await batched.forMember(voter.id, options)).some((r) => r.paperId === extra.id));
  });

  it('says each reason in words', () => {
    assert.equal(reasonText({ kind: 'similar', to: { id: '2401.00001', title: 'Attention Is All You Need' }, via: 'upvoted' }), 'Similar to “Attention Is All You Need”, which you upvoted');
    assert.equal(reasonText({ kind: 'similar', to: { id: '2401.00001', title: 'X' }, via: 'collected' }), 'Similar to “X”, which you collected');
    assert.equal(reasonText({ kind: 'author', author: 'Yann LeCun' }), 'By Yann LeCun, whom you follow');
    assert.equal(reasonText({ kind: 'search', query: 'graph neural' }), 'Matches your search “graph neural”');
    assert.ok(reasonText({ kind: 'similar', to: { id: '1', title: 'long '.repeat(100) }, via: 'upvoted' }).length < 200);
    assert.ok(FOR_YOU.negatives > 0);
  });
});
