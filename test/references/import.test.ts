import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addPapersToCollection, createCollection, getCollection, type Collection } from '../../src/community/collections.js';
import type { User } from '../../src/community/users.js';
import { importLibrary } from '../../src/references/import.js';
import { parseLibrary } from '../../src/references/parse.js';
import { upsertPapers } from '../../src/store/papers.js';
import { makeMember, rejectsWith } from '../support/community.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { library, storeCited } from './catalog.js';

describe('importing a reference manager library into a collection', () => {
  let t: TempDb;
  let ada: User;
  let grace: User;
  let collection: Collection;
  before(async () => {
    t = await tempDb();
    await storeCited(t.db);
    ada = await makeMember(t.db, 'Ada');
    grace = await makeMember(t.db, 'Grace');
  });
  after(async () => t.cleanup());
  beforeEach(async () => {
    collection = await createCollection(t.db, ada.id, { name: `Library ${Date.now()}-${Math.random()}` });
  });
  const held = async () => (await getCollection(t.db, ada.id, collection.id)).items.map((i) => i.paper.id).sort();

  it('finds the arXiv papers of a Zotero BibTeX export by their eprint, and adds them once', async () => {
    const report = await importLibrary(t.db, ada.id, collection.id, library('zotero-bbt-export-arxiv-3-entries.bibtex.bib'));
    assert.equal(report.format, 'bibtex');
    assert.equal(report.entries, 3);
    assert.deepEqual(report.matched.map((m) => [m.entry.where, m.paperId, m.by]), [
      ['@article{Ronnow.2014.Defining} (line 1)', '1401.2910', 'arxiv'],
      ['@article{Sen.2016.BV} (line 21)', '1508.05387', 'arxiv'],
      ['@article{Smolin.2013.Classical} (line 39)', '1305.4904', 'arxiv'],
    ]);
    assert.deepEqual([report.added.length, report.alreadyThere.length, report.unmatched.length, report.problems.length], [3, 0, 0, 0]);
    assert.deepEqual(await held(), ['1305.4904', '1401.2910', '1508.05387']);

    // The same items as BibLaTeX (eprinttype, url): already there.
    const again = await importLibrary(t.db, ada.id, collection.id, library('zotero-bbt-export-arxiv-3-entries.biblatex.bib'));
    assert.deepEqual(again.matched.map((m) => m.paperId), ['1401.2910', '1508.05387', '1305.4904']);
    assert.deepEqual([again.added, again.alreadyThere.length], [[], 3]);
  });

  it('finds a Zotero preprint by its arXiv number and DOI, and says which papers are not in the catalog', async () => {
    const preprint = await importLibrary(t.db, ada.id, collection.id, library('zotero-bbt-export-arxiv-preprint-2206.07690.bib'));
    assert.deepEqual(preprint.added, ['2206.07690']);

    const empty = await tempDb();
    try {
      const member = await makeMember(empty.db, 'Lin');
      const c = await createCollection(empty.db, member.id, { name: 'Nothing here' });
      const report = await importLibrary(empty.db, member.id, c.id, library('zotero-bbt-export-arxiv-3-entries.bibtex.bib'));
      assert.deepEqual(report.added, []);
      assert.deepEqual(report.unmatched.map((u) => [u.entry.where, u.reason]), [
        ['@article{Ronnow.2014.Defining} (line 1)', 'arXiv:1401.2910 is not in this catalog (a member can submit it).'],
        ['@article{Sen.2016.BV} (line 21)', 'arXiv:1508.05387 is not in this catalog (a member can submit it).'],
        ['@article{Smolin.2013.Classical} (line 39)', 'arXiv:1305.4904 is not in this catalog (a member can submit it).'],
      ]);
    } finally {
      await empty.cleanup();
    }
  });

  it('finds papers by DOI in a library JabRef saved (CRLF, groups), and lists the others with the DOI it looked for', async () => {
    await upsertPapers(t.db, [makePaper({ id: '2008.00001', title: 'Something else entirely', doi: 'https://doi.org/10.3390/ELECTRONICS9081219' })]);
    const report = await importLibrary(t.db, ada.id, collection.id, library('jabref-saved-library-4-entries.user-file.bib'));
    assert.deepEqual(report.matched.map((m) => [m.entry.where, m.paperId, m.by]), [['@Article{Chau2020} (line 3)', '2008.00001', 'doi']]);
    assert.deepEqual(report.unmatched.map((u) => [u.entry.where, u.reason]), [
      ['@InProceedings{Marvin2020} (line 19)', 'No paper in this catalog has the DOI 10.1109/emceurope48519.2020.9245741 or this title.'],
      ['@InProceedings{Venkateshaiah2020} (line 32)', 'No paper in this catalog has the DOI 10.1109/emceurope48519.2020.9245804 or this title.'],
      ['@Article{Xie2020} (line 46)', 'No paper in this catalog has the DOI 10.1109/temc.2019.2954303 or this title.'],
    ]);
    assert.deepEqual(await held(), ['2008.00001']);
  });

  it('finds papers by exact title when nothing else matches, and not when two papers share the title', async () => {
    await upsertPapers(t.db, [
      makePaper({ id: '2008.00002', title: 'Mood  state effects\nof CHOCOLATE.' }),
      makePaper({ id: '2008.00003', title: 'Cocoa and health: a decade of research' }),
      makePaper({ id: '2008.00004', title: 'Cocoa and Health — a Decade of Research' }),
    ]);
    const report = await importLibrary(t.db, ada.id, collection.id, library('jabref-demo-Chocolate.biblatex.bib'));
    assert.equal(report.entries, 16);
    assert.deepEqual(report.matched.map((m) => [m.entry.where, m.paperId, m.by]), [['@Article{Parker_2006} (line 67)', '2008.00002', 'title']]);
    const cooper = report.unmatched.find((u) => u.entry.where.includes('Cooper_2007'));
    assert.equal(cooper?.reason, '2 papers in this catalog have this title; add the one you mean from its page.');
    assert.equal(report.unmatched.length, 15);
  });

  it('reads CSL-JSON (rich-text titles) and RIS, matching by title and DOI', async () => {
    await upsertPapers(t.db, [
      makePaper({ id: '2008.00005', title: 'The physical volcanology of the 1600 eruption of Huaynaputina, southern Peru' }),
      makePaper({ id: '2008.00006', title: 'A paper with that DOI', doi: '10.1016/j.jmps.2004.03.010' }),
    ]);
    const csl = await importLibrary(t.db, ada.id, collection.id, library('zotero-bbt-export-4-entries.csl.json'));
    assert.equal(csl.format, 'csl-json');
    assert.deepEqual(csl.matched.map((m) => [m.entry.where, m.paperId, m.by]), [['item 1 (Adams2001)', '2008.00005', 'title']]);
    assert.equal(csl.unmatched.length, 3);
    const ris = await importLibrary(t.db, ada.id, collection.id, library('scopus-export-1-entry.jabref-testdata.ris'));
    assert.equal(ris.format, 'ris');
    assert.deepEqual(ris.matched.map((m) => [m.entry.where, m.paperId, m.by]), [['RIS record 1 (line 1)', '2008.00006', 'doi']]);
    assert.deepEqual(await held(), ['2008.00005', '2008.00006']);
  });

  it('imports the readable entries of a damaged file and names the bad ones by line and key', async () => {
    // The real export with the second entry's closing brace lost and a stray line after it.
    const damaged = library('zotero-bbt-export-arxiv-3-entries.bibtex.bib').replace('note = {\\url{http://arxiv.org/abs/1508.05387}}\n}', 'note = {\\url{http://arxiv.org/abs/1508.05387}\n');
    assert.notEqual(damaged, library('zotero-bbt-export-arxiv-3-entries.bibtex.bib'));
    const report = await importLibrary(t.db, ada.id, collection.id, damaged);
    assert.deepEqual(report.added.sort(), ['1305.4904', '1401.2910']);
    assert.equal(report.problems.length, 1);
    assert.equal(report.problems[0]!.where, '@article{Sen.2016.BV} (line 21)');
    assert.match(report.problems[0]!.message, /^This entry is not valid BibTeX \(.* at line 3\d, column \d+\)\.$/);

    const ris = 'TY  - JOUR\nTI  - One\nUR  - https://arxiv.org/abs/1305.4904v2\nER  - \nTY  - JOUR\nTI  - Never ends\n';
    const risReport = await importLibrary(t.db, ada.id, collection.id, ris);
    assert.deepEqual(risReport.alreadyThere, ['1305.4904']);
    assert.deepEqual(risReport.problems, [{ where: 'RIS record 2 (line 5)', message: 'This record has no end (an `ER  -` line) before the next record or the end of the file.' }]);
  });

  it('refuses a file that is no library, and a collection that is not the member’s, writing nothing', async () => {
    await assert.rejects(importLibrary(t.db, ada.id, collection.id, 'Dear Ada,\nhere are the papers.\n'), rejectsWith('invalid', 'file'));
    await assert.rejects(importLibrary(t.db, ada.id, collection.id, '[{"title": "x"},'), rejectsWith('invalid', 'file'));
    await assert.rejects(importLibrary(t.db, grace.id, collection.id, library('zotero-bbt-export-arxiv-3-entries.bibtex.bib')), rejectsWith('not_found'));
    assert.deepEqual(await held(), []);
  });

  it('adds a library in one transaction: one bad paper and none of it is written', async () => {
    await assert.rejects(addPapersToCollection(t.db, ada.id, collection.id, ['1401.2910', '1305.4904', '9912.99999']));
    assert.deepEqual(await held(), []);
  });
});

describe('reading where the arXiv id is', () => {
  const ids = (text: string) => parseLibrary(text).entries.map((e) => e.arxivIds);
  it('finds it in eprint, Mendeley arxivId, number, note, journal, URLs and arXiv DOIs; not in another archive’s eprint', () => {
    assert.deepEqual(
      ids(`@misc{a, eprint = {2206.07690v2}, archivePrefix = {arXiv}}
@misc{b, arxivId = {1401.2910}}
@misc{c, number = {arXiv:1305.4904}}
@article{d, journal = {arXiv preprint arXiv:1508.05387}}
@misc{e, howpublished = {\\url{https://arxiv.org/pdf/hep-th/9901001v3.pdf}}}
@misc{f, doi = {10.48550/ARXIV.2206.07690}}
@online{g, eprint = {hal-00661550}, eprinttype = {HAL}}
@misc{h, eprint = {1401.2910}, eprinttype = {pubmed}}
@misc{i, note = {arXiv:1401.2910 [quant-ph]}}`),
      [['2206.07690'], ['1401.2910'], ['1305.4904'], ['1508.05387'], ['hep-th/9901001'], ['2206.07690'], [], [], ['1401.2910']],
    );
  });

  it('finds it in RIS and CSL-JSON fields, and keeps other DOIs apart', () => {
    const ris = parseLibrary('TY  - GEN\nTI  - T\nM1  - arXiv:2206.07690\nDO  - 10.1000/xyz\nER  - \n');
    assert.deepEqual([ris.entries[0]!.arxivIds, ris.entries[0]!.dois], [['2206.07690'], ['10.1000/xyz']]);
    const csl = parseLibrary('[{"id": "k", "title": "T", "URL": "http://arxiv.org/abs/1401.2910v1", "DOI": "10.48550/arXiv.1401.2910"}]');
    assert.deepEqual([csl.entries[0]!.where, csl.entries[0]!.arxivIds, csl.entries[0]!.dois], ['item 1 (k)', ['1401.2910'], []]);
  });
});
