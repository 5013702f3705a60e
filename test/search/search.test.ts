import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { keywordIndexFor } from '../../src/search/keyword-index.js';
import { trainCatalogModel } from '../../src/search/maintain.js';
import { embedImported } from '../../src/search/open.js';
import { matchesAuthors } from '../../src/search/query.js';
import { tokenize } from '../../src/search/tokens.js';
import { SEARCH_MODES, SearchService } from '../../src/search/service.js';
import { upsertPapers } from '../../src/store/papers.js';
import { countDocs, searchDb } from '../../src/store/search-docs.js';
import { tempDb, testStore, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { importSample } from './sample.js';

const FIRST = 3000;
const MORE = 3400;

describe('search over real arXiv papers', () => {
  let t: TempDb;
  let service: SearchService;
  before(async () => {
    t = await tempDb();
    await importSample(t.db, 0, FIRST);
    const embedder = await trainCatalogModel(searchDb(t.db));
    service = new SearchService(t.db, embedder);
    await service.load();
  });
  after(async () => t.cleanup());

  async function somePapers(n: number) {
    const rows = await t.db.selectFrom('papers').select(['id', 'title', 'abstract', 'day']).orderBy('id').execute();
    const step = Math.floor(rows.length / n);
    return rows.filter((_, i) => i % step === 0).slice(0, n);
  }

  it('finds a paper first when its title is the query', async () => {
    let semanticTop5 = 0;
    const papers = await somePapers(20);
    for (const paper of papers) {
      for (const mode of ['keyword', 'hybrid'] as const) {
        const { hits } = await service.search({ query: paper.title, mode, limit: 5 });
        assert.equal(hits[0]?.paper.id, paper.id, `${mode}: "${paper.title}" found ${hits.map((h) => h.paper.id).join(', ')}`);
      }
      const { hits } = await service.search({ query: paper.title, mode: 'semantic', limit: 5 });
      if (hits.some((h) => h.paper.id === paper.id)) semanticTop5++;
    }
    // A title is a short text for vectors learned from 3,000 abstracts: most, not all, come first.
    assert.ok(semanticTop5 >= 15, `semantic found ${semanticTop5} of 20 titles in its top 5`);
  });

  it('ranks title words above the same words in an abstract', async () => {
    const { hits } = await service.search({ query: 'segmentation', mode: 'keyword', limit: 10 });
    assert.ok(hits.length >= 5);
    assert.match(hits[0]!.paper.title, /segment/i);
  });

  it('matches phrases exactly, prefixes by their start, and leaves out excluded words', async () => {
    const phrase = await service.search({ query: '"large language models"', mode: 'keyword', limit: 50 });
    assert.ok(phrase.hits.length > 0);
    for (const h of phrase.hits) assert.match(`${h.paper.title} ${h.paper.abstract}`, /large language models?/i);
    const prefix = await service.search({ query: 'segmen*', mode: 'keyword', limit: 50 });
    for (const h of prefix.hits) assert.match(`${h.paper.title} ${h.paper.abstract}`, /segmen/i);
    for (const mode of SEARCH_MODES) {
      const excluded = await service.search({ query: 'language models -agents', mode, limit: 100 });
      assert.ok(excluded.hits.length > 0, mode);
      for (const h of excluded.hits) assert.doesNotMatch(`${h.paper.title} ${h.paper.abstract}`, /\bagents?\b/i, `${mode}: ${h.paper.id}`);
    }
  });

  it('keeps only papers that pass the filters, in every mode', async () => {
    const unfiltered = await service.search({ query: 'image segmentation', mode: 'hybrid', limit: 50 });
    assert.ok(unfiltered.hits.some((h) => !h.paper.categories.includes('cs.CV')), 'the filter must have something to remove');
    for (const mode of SEARCH_MODES) {
      const { hits } = await service.search({ query: 'image segmentation cat:cs.CV', mode, limit: 50 });
      assert.ok(hits.length > 10, mode);
      for (const h of hits) assert.ok(h.paper.categories.includes('cs.CV'), `${mode}: ${h.paper.id} ${h.paper.categories.join(' ')}`);
    }
    const days = unfiltered.hits.map((h) => h.paper.day).sort();
    const middle = days[Math.floor(days.length / 2)]!;
    for (const mode of SEARCH_MODES) {
      const { hits } = await service.search({ query: `image segmentation after:${middle}`, mode, limit: 50 });
      assert.ok(hits.length > 0);
      for (const h of hits) assert.ok(h.paper.day >= middle, `${mode}: ${h.paper.day} < ${middle}`);
    }
  });

  it('filters by author, with the name folded as the index folds it', async () => {
    const counts = new Map<string, number>();
    for (const row of await t.db.selectFrom('papers').select('authors').execute()) {
      for (const name of JSON.parse(row.authors) as string[]) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const [name, papers] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    for (const mode of SEARCH_MODES) {
      const { hits } = await service.search({ query: `learning author:"${name.toUpperCase()}"`, mode, limit: 50 });
      assert.ok(hits.length > 0, mode);
      for (const h of hits) assert.ok(matchesAuthors(h.paper.authors, [name]), `${mode}: ${h.paper.authors.join(', ')}`);
    }
    const { hits } = await service.search({ query: `author:"${name}"`, limit: 50 });
    assert.ok(hits.length >= papers || hits.length === 50, 'filters alone list the newest papers that pass');
  });

  it('keeps in the hybrid list papers that only one side found', async () => {
    const { hits } = await service.search({ query: 'robot grasping', mode: 'hybrid', limit: 200 });
    assert.ok(hits.some((h) => h.keywordRank !== null && h.semanticRank === null));
    assert.ok(hits.some((h) => h.keywordRank === null && h.semanticRank !== null));
  });

  it('finds a paper from its abstract alone by meaning', async () => {
    for (const paper of await somePapers(5)) {
      const { hits } = await service.search({ query: paper.abstract.slice(0, 600), mode: 'semantic', limit: 3 });
      assert.equal(hits[0]?.paper.id, paper.id);
    }
  });

  it('answers any text with results or a note, never an error', async () => {
    const hostile = [
      '"', '""', '"unclosed phrase', 'AND OR (', '*', '**', 'NEAR(', 'NEAR(a b, 3)', ') OR (', 'a OR', '-', '--', '-"x"',
      'title:foo', '{authors}: x', '^start', "'single'", '\\', '%_', '\u0000', 'x\u0000y', '🙂 emoji', 'نموذج لغوي', 'cat:', 'author:',
      'after:', 'after:99999-99-99', 'cat:"cs.CL', '((((((((', 'a'.repeat(5000), '"'.repeat(5000), 'word '.repeat(1000),
      Array.from({ length: 5000 }, (_, i) => String.fromCharCode(33 + (i % 94))).join(''),
    ];
    for (const query of hostile) {
      for (const mode of SEARCH_MODES) {
        const result = await service.search({ query, mode, limit: 10 });
        assert.ok(Array.isArray(result.hits));
        assert.ok(result.hits.length > 0 || result.notes.length > 0 || query.trim() !== '', `${mode}: ${JSON.stringify(query.slice(0, 40))}`);
      }
    }
  });

  it('lists similar papers, never the paper itself', async () => {
    const [paper] = await somePapers(1);
    const similar = await service.similar(paper!.id, 5);
    assert.equal(similar.length, 5);
    assert.ok(similar.every((h) => h.paper.id !== paper!.id));
    assert.deepEqual(await service.similar('0000.00000'), []);
  });

  it('indexes newly imported papers: keywords at once, vectors with the existing model', async () => {
    await importSample(t.db, FIRST, MORE);
    const newest = (await t.db.selectFrom('papers').select(['id', 'title', 'abstract']).orderBy('created_at', 'desc').orderBy('id').limit(400).execute()).slice(0, 3);
    const keyword = await service.search({ query: newest[0]!.title, mode: 'keyword', limit: 1 });
    assert.equal(keyword.hits[0]?.paper.id, newest[0]!.id, `${newest[0]!.title}: ${JSON.stringify(keyword.hits.map((h) => [h.paper.id, h.score, h.paper.title]))}`);

    const model = service.model!;
    assert.equal(await countDocs(searchDb(t.db), model.id), FIRST);
    await embedImported(t.db, createLogger('silent'), loadConfig({}).search);
    assert.equal(await countDocs(searchDb(t.db), model.id), MORE);
    // The running service picks up what is stored under its model.
    await service.indexNewPapers();
    for (const paper of newest) {
      const { hits } = await service.search({ query: paper.abstract.slice(0, 600), mode: 'semantic', limit: 1 });
      assert.equal(hits[0]?.paper.id, paper.id);
    }
  });

  it('takes in the new vector another process made for a changed paper (PostgreSQL: SQLite keeps no history of vector writes, and re-reads only vectors its index lacks)', { skip: testStore !== 'postgres' }, async () => {
    const [, paper] = await somePapers(2);
    const updated = makePaper({ id: paper!.id, version: 98, title: 'Robot grasping with quantized diffusion policies', abstract: 'Quantization of diffusion policies for robot grasping.' });
    await t.db.transaction().execute((trx) => upsertPapers(trx, [updated]));
    // Another process (paperboy embed, a second server) embeds the changed paper before this service looks.
    await embedImported(t.db, createLogger('silent'), loadConfig({}).search);
    assert.equal(await service.indexNewPapers(), 0);
    const { hits } = await service.search({ query: 'robot grasping quantized diffusion policies', mode: 'semantic', limit: 1 });
    assert.equal(hits[0]?.paper.id, paper!.id);
  });

  it('follows a new version of a paper: new words found, old ones gone, vector redone', async () => {
    const service2 = service;
    const [paper] = await somePapers(1);
    const updated = makePaper({ id: paper!.id, version: 99, title: 'Zyxwvut quasicrystalline hyperparameter orchestration', abstract: 'Entirely new text.' });
    await t.db.transaction().execute((trx) => upsertPapers(trx, [updated]));
    const found = await service2.search({ query: 'zyxwvut', mode: 'keyword' });
    assert.deepEqual(found.hits.map((h) => h.paper.id), [paper!.id]);
    const old = await service2.search({ query: `"${paper!.title}"`, mode: 'keyword' });
    assert.ok(!old.hits.some((h) => h.paper.id === paper!.id));
    // The words of titles alone (PostgreSQL keeps them in an index of their own) follow too.
    const inTitle = (text: string) => ({ kind: 'term' as const, term: { kind: 'phrase' as const, text }, field: 'title' as const });
    assert.deepEqual(await keywordIndexFor(searchDb(t.db)).counts([inTitle('zyxwvut quasicrystalline'), inTitle(paper!.title)]), [1, 0]);
    assert.equal(await service2.indexNewPapers(), 1);
    const { hits } = await service2.search({ query: 'quasicrystalline hyperparameter orchestration', mode: 'semantic', limit: 1 });
    assert.equal(hits[0]?.paper.id, paper!.id);
  });

  it('finds papers by meaning for a word the vectors never learned, from the papers that have it', async () => {
    // A word of a single paper is below the catalog model's vocabulary (words in at least two papers).
    const rows = await t.db.selectFrom('papers').select(['id', 'title', 'abstract']).orderBy('id').execute();
    const papersOf = new Map<string, Set<string>>();
    for (const row of rows) for (const stem of tokenize(`${row.title} ${row.abstract}`)) papersOf.set(stem, (papersOf.get(stem) ?? new Set()).add(row.id));
    const lone = rows.flatMap((row) => (row.abstract.match(/\b[a-z]{9,}\b/g) ?? []).map((word) => ({ word, id: row.id })))
      .find(({ word }) => papersOf.get(tokenize(word)[0]!)?.size === 1)!;
    assert.equal(await service.model!.embedQuery(lone.word), null, `${lone.word} must be unknown to the vectors`);
    const { hits, notes } = await service.search({ query: lone.word, mode: 'semantic', limit: 5 });
    assert.deepEqual(notes, []);
    assert.equal(hits[0]?.paper.id, lone.id, `${lone.word}: ${hits.map((h) => h.paper.id).join(', ')}`);
    assert.equal(hits.length, 5, 'and the papers nearest to it');
  });

  it('ranks first, in hybrid search, the keyword match closer to the query\'s topic when both match its words alike', async () => {
    // The same words the same number of times in texts of the same length: BM25 cannot tell them apart.
    const robots = makePaper({ id: '2401.99990', title: 'Glorbium for robots', abstract: 'We train robot arms to grasp objects with reinforcement learning, and retrieval of grippers helps.' });
    const search = makePaper({ id: '2401.99991', title: 'Glorbium for search', abstract: 'We rank documents for search queries with text embeddings, and retrieval of relevant text helps.' });
    await t.db.transaction().execute((trx) => upsertPapers(trx, [robots, search]));
    await service.indexNewPapers();
    const keyword = (await service.search({ query: 'glorbium retrieval', mode: 'keyword', limit: 2 })).hits;
    assert.deepEqual(new Set(keyword.map((h) => h.paper.id)), new Set([robots.id, search.id]));
    assert.equal(keyword[0]!.score.toFixed(6), keyword[1]!.score.toFixed(6));
    const hybrid = (await service.search({ query: 'glorbium retrieval', mode: 'hybrid', limit: 2 })).hits;
    assert.deepEqual(hybrid.map((h) => [h.paper.id, h.keywordRank]), [[search.id, 1], [robots.id, 2]]);
  });

  it('keeps a paper\'s similar papers until new vectors come, then takes them in', async () => {
    const [, paper] = await somePapers(2);
    const before = await service.similar(paper!.id, 5);
    assert.deepEqual((await service.similar(paper!.id, 5)).map((h) => h.paper.id), before.map((h) => h.paper.id));
    // A copy of its text under a new id: the nearest paper there can be, once embedded.
    const twin = makePaper({ id: '2612.99999', title: paper!.title, abstract: paper!.abstract });
    await t.db.transaction().execute((trx) => upsertPapers(trx, [twin]));
    assert.equal(await service.indexNewPapers(), 1);
    assert.equal((await service.similar(paper!.id, 5))[0]?.paper.id, twin.id);
  });
});
