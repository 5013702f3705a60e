import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import * as astrociteRis from 'astrocite-ris';
import { Ajv } from 'ajv';
import { nameParts } from '../../src/papers/authors.js';
import { arxivDoi } from '../../src/papers/match-keys.js';
import type { Paper } from '../../src/papers/paper.js';
import { foldWhitespace } from '../../src/papers/text.js';
import { exportPapers } from '../../src/references/export.js';
import { citationKeys } from '../../src/references/keys.js';
import { parseLibrary } from '../../src/references/parse.js';
import { fromRow } from '../../src/store/papers.js';
import { importSample } from '../search/sample.js';
import { tempDb, type TempDb } from '../support/db.js';
import { makePaper } from '../support/papers.js';
import { repoRoot } from '../support/paths.js';

/** astrocite-ris ships no types; this is the part of it the test reads. */
const readRis = (astrociteRis as unknown as { parse(text: string): { id: string; title?: string; DOI?: string; URL?: string; number?: string; author?: { family?: string; given?: string }[] }[] }).parse;

/** Family names (or a group's whole name), composed (NFC): the sample spells some accents as two code points, the parsers give one. */
const families = (paper: Paper) => paper.authors.map((name) => nameParts(name)).map((p) => ('literal' in p ? p.literal : p.family).normalize('NFC'));
const nfc = (names: (string | undefined)[] | undefined) => names?.map((n) => n?.normalize('NFC'));

/**
 * Our exports of real arXiv records (the committed sample), read back by parsers that are not the
 * library that wrote them: Better BibTeX's parser for BibTeX, astrocite for RIS, and the CSL-JSON
 * schema with ajv. Ids, DOIs, titles and authors come back as they went.
 */
describe('exports read back by other parsers', () => {
  let t: TempDb;
  let papers: Paper[];
  before(async () => {
    t = await tempDb();
    await importSample(t.db, 0, 120);
    const rows = await t.db.selectFrom('papers').selectAll().orderBy('id').execute();
    papers = rows.map(fromRow);
    // A journal DOI on one of them, as arXiv records have for published papers.
    papers[0] = { ...papers[0]!, doi: '10.1109/CVPR52729.2023.01234' };
  });
  after(async () => t.cleanup());

  it('BibTeX: keys, eprint, archivePrefix, primaryClass, DOI, title and authors survive', () => {
    const text = exportPapers(papers, 'bibtex');
    const { entries, errors } = parseBibtex(text, { sentenceCase: false, caseProtection: false });
    assert.deepEqual(errors, []);
    assert.equal(entries.length, papers.length);
    const keys = citationKeys(papers);
    entries.forEach((entry, i) => {
      const paper = papers[i]!;
      assert.equal(entry.type, 'misc');
      assert.equal(entry.key, keys.get(paper.id));
      assert.equal(entry.fields.eprint, paper.id);
      assert.equal(entry.fields.archiveprefix, 'arXiv');
      assert.equal(entry.fields.primaryclass, paper.primaryCategory);
      assert.equal(entry.fields.doi, i === 0 ? '10.1109/CVPR52729.2023.01234' : arxivDoi(paper.id));
      assert.equal(entry.fields.url, `https://arxiv.org/abs/${paper.id}`);
      assert.equal(entry.fields.title?.normalize('NFC'), foldWhitespace(paper.title).normalize('NFC'), paper.id);
      assert.deepEqual(
        nfc(entry.fields.author?.map((a) => ('name' in a && a.name ? a.name : [a.prefix, a.lastName].filter(Boolean).join(' ')))),
        families(paper),
        paper.id,
      );
    });
  });

  it('RIS: id, DOI, arXiv number, title and authors survive', () => {
    const records = readRis(exportPapers(papers, 'ris'));
    assert.equal(records.length, papers.length);
    records.forEach((record, i) => {
      const paper = papers[i]!;
      assert.equal(record.title?.normalize('NFC'), foldWhitespace(paper.title).normalize('NFC'), paper.id);
      assert.equal(record.number, `arXiv:${paper.id}`);
      assert.equal(record.URL, `https://arxiv.org/abs/${paper.id}`);
      assert.equal(record.DOI, i === 0 ? '10.1109/CVPR52729.2023.01234' : arxivDoi(paper.id));
      // RIS writes `Family, Given`; astrocite splits persons at the comma (suffixes aside, which none of these have).
      const suffixed = paper.authors.some((a) => { const p = nameParts(a); return !('literal' in p) && p.suffix !== undefined; });
      if (!suffixed) assert.deepEqual(nfc(record.author?.map((a) => a.family)), families(paper).map((f) => (f.includes(' ') && !/^[a-z]/.test(f) ? f.split(' ').slice(1).join(' ') : f)), paper.id);
    });
  });

  it('CSL-JSON: valid against the CSL schema, with the same ids, DOIs, titles and authors', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/csl/csl-data.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    const items = JSON.parse(exportPapers(papers, 'csl-json')) as { id: string; type: string; title: string; DOI: string; number: string; author: { family?: string; literal?: string }[] }[];
    assert.ok(validate(items), JSON.stringify(validate.errors?.slice(0, 3)));
    const keys = citationKeys(papers);
    items.forEach((item, i) => {
      const paper = papers[i]!;
      assert.deepEqual([item.id, item.type, item.title, item.number], [keys.get(paper.id), 'article', foldWhitespace(paper.title), `arXiv:${paper.id}`]);
      assert.deepEqual(nfc(item.author.map((a) => a.family ?? a.literal)), families(paper));
    });
  });

  it('our own import finds every exported paper again, in all three formats', () => {
    for (const format of ['bibtex', 'ris', 'csl-json'] as const) {
      const library = parseLibrary(exportPapers(papers, format));
      assert.deepEqual(library.problems, [], format);
      assert.deepEqual(library.entries.map((e) => e.arxivIds), papers.map((p) => [p.id]), format);
    }
  });
});

describe('citation keys', () => {
  const paper = (id: string, overrides: Partial<Paper> = {}) => makePaper({ id, title: 'Attention Is All You Need', authors: ['Ashish Vaswani', 'Noam Shazeer'], published: '2017-06-12T17:57:34Z', ...overrides });

  it('are family name, year and first word, in ASCII', () => {
    const keys = citationKeys([
      paper('1706.03762'),
      paper('1401.2910', { title: 'Defining and detecting quantum speedup', authors: ['Troels F. Rønnow'], published: '2014-01-13T00:00:00Z' }),
      paper('2401.00001', { title: 'On the $\\alpha$-divergence', authors: ['Ludwig van Beethoven'], published: null, day: '2024-01-02' }),
      paper('2401.00002', { title: 'The', authors: [] }),
    ]);
    assert.deepEqual([...keys.values()], ['vaswani2017attention', 'ronnow2014defining', 'beethoven2024divergence', 'anon2017paper']);
  });

  it('stay the same for a paper whatever else is exported, unless a paper of the same key is; then the oldest id keeps it', () => {
    const a = paper('1706.03762');
    const b = paper('1706.03799');
    const c = paper('1801.00001');
    const alone = citationKeys([a]).get(a.id);
    const all = citationKeys([c, a, b]);
    assert.deepEqual([alone, all.get(a.id), all.get(b.id), all.get(c.id)], ['vaswani2017attention', 'vaswani2017attention', 'vaswani2017attentiona', 'vaswani2017attentionb']);
    assert.deepEqual(citationKeys([b, c, a]), new Map([[b.id, 'vaswani2017attentiona'], [c.id, 'vaswani2017attentionb'], [a.id, 'vaswani2017attention']]));
    const old = paper('hep-th/9901001');
    assert.equal(citationKeys([a, old]).get(old.id), 'vaswani2017attention', 'an old-style id is older than any new one');
  });
});
