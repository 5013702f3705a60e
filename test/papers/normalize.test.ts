import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePaper } from '../../src/papers/normalize.js';
import { RecordError, type PaperInput } from '../../src/papers/paper.js';

/** A minimal valid input; tests override what they exercise. */
function input(overrides: Partial<PaperInput> = {}): PaperInput {
  return {
    where: 'test.jsonl:1',
    id: '2401.12345',
    title: 'A Title',
    abstract: 'An abstract.',
    authors: ['A. Author'],
    categories: ['cs.CL'],
    listedOn: '2024-01-22',
    ...overrides,
  };
}

function rejects(overrides: Partial<PaperInput>, field: string, reason?: RegExp): void {
  assert.throws(
    () => normalizePaper(input(overrides)),
    (error: unknown) => {
      assert.ok(error instanceof RecordError, String(error));
      assert.equal(error.where, 'test.jsonl:1');
      assert.equal(error.field, field);
      if (reason) assert.match(error.reason, reason);
      return true;
    },
  );
}

describe('normalizePaper: a real record of each source', () => {
  it('normalizes a daily-arXiv JSON record (line 1 of arxiv-cs-143k)', () => {
    const { paper, warnings } = normalizePaper({
      where: 'arxiv-cs-143k.jsonl:1',
      id: '1812.06145',
      title: 'Improving the Performance of Unimodal Dynamic Hand-Gesture Recognition with Multimodal Training',
      abstract: 'We present an efficient approach for leveraging the knowledge from multiple modalities.',
      authors: ['Mahdi Abavisani', 'Hamid Reza Vaezi Joze', 'Vishal M. Patel'],
      categories: ['cs.CV', 'cs.AI', 'cs.HC', 'cs.LG', 'stat.ML', '68T45, 62H30', 'I.5.3; I.2.10'],
      primaryCategory: 'cs.CV',
      published: null,
      updated: null,
      comment: null,
      listedOn: '2025-10-13',
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(paper, {
      id: '1812.06145',
      version: 1,
      title: 'Improving the Performance of Unimodal Dynamic Hand-Gesture Recognition with Multimodal Training',
      abstract: 'We present an efficient approach for leveraging the knowledge from multiple modalities.',
      authors: ['Mahdi Abavisani', 'Hamid Reza Vaezi Joze', 'Vishal M. Patel'],
      categories: ['cs.CV', 'cs.AI', 'cs.HC', 'cs.LG', 'stat.ML'],
      primaryCategory: 'cs.CV',
      published: null,
      updated: null,
      day: '2025-10-13',
      comment: null,
      journalRef: null,
      doi: null,
      license: null,
      versions: [],
      links: [],
    });
  });

  it('normalizes an OAI-PMH record: parsed author parts, category string, legacy category, plain dates', () => {
    const { paper, warnings } = normalizePaper({
      where: 'getrecord-0.xml#record 1',
      id: 'oai:arXiv.org:1601.03238',
      title: 'Irreversible degradation of quantum coherence under relativistic\n  motion',
      abstract: '  We study the dynamics of quantum coherence\nunder Unruh thermal noise.\n',
      authors: [['Planck Collaboration'], ['Wang', 'Jieci'], ['Tian', 'Zehua']],
      categories: 'quant-ph gr-qc hep-th chao-dyn nlin.CD',
      published: '2016-01-13',
      updated: '2016-01-20',
      listedOn: null,
      comment: '6 pages, 4 figures, conference paper',
      journalRef: 'Phys.Rev. D93 (2015) 016005',
      doi: '10.1103/PhysRevD.93.016005, 10.1103/PhysRevD.98.079901;10.1103/PhysRevD.98.079903',
      license: 'https://creativecommons.org/licenses/by/3.0/',
    });
    assert.deepEqual(warnings, []);
    assert.equal(paper.id, '1601.03238');
    assert.equal(paper.title, 'Irreversible degradation of quantum coherence under relativistic motion');
    assert.equal(paper.abstract, 'We study the dynamics of quantum coherence under Unruh thermal noise.');
    assert.deepEqual(paper.authors, ['Planck Collaboration', 'Jieci Wang', 'Zehua Tian']);
    assert.deepEqual(paper.categories, ['quant-ph', 'gr-qc', 'hep-th', 'chao-dyn', 'nlin.CD']);
    assert.equal(paper.primaryCategory, 'quant-ph');
    assert.equal(paper.published, '2016-01-13T00:00:00Z');
    assert.equal(paper.updated, '2016-01-20T00:00:00Z');
    // Created on Wednesday 13 January (a day without a time): listed on Thursday, as its OAI datestamp says.
    assert.equal(paper.day, '2016-01-14');
    assert.equal(paper.license, 'https://creativecommons.org/licenses/by/3.0/');
    assert.deepEqual(paper.links, []);
  });

  it('normalizes an Atom entry: URL id with version, ISO dates', () => {
    const { paper } = normalizePaper({
      where: 'id_list-1601.00001.xml#entry 1',
      id: 'http://arxiv.org/abs/1601.00001v1',
      title: 'Inelastic effects in molecular transport junctions: The probe technique\n  at high bias',
      abstract: 'We extend the Landauer-B\\"uttiker probe formalism.',
      authors: ['Michael Kilgour', 'Dvira Segal'],
      categories: ['cond-mat.mes-hall'],
      primaryCategory: 'cond-mat.mes-hall',
      published: '2015-12-26T21:19:45Z',
      updated: '2015-12-26T21:19:45Z',
      doi: '10.1063/1.4944470',
      journalRef: 'J. Chem. Phys. 144, 124107 (2016)',
    });
    assert.equal(paper.id, '1601.00001');
    assert.equal(paper.version, 1);
    assert.equal(paper.title, 'Inelastic effects in molecular transport junctions: The probe technique at high bias');
    assert.equal(paper.abstract, 'We extend the Landauer-B\\"uttiker probe formalism.');
    assert.equal(paper.published, '2015-12-26T21:19:45Z');
    // Submitted on a Saturday in December, but its id says arXiv announced it in January 2016.
    assert.equal(paper.day, '2016-01-01');
    assert.equal(paper.doi, '10.1063/1.4944470');
  });

  it('normalizes an .abs record: author string, RFC 2822 version dates with sizes', () => {
    const { paper } = normalizePaper({
      where: '0011004.abs',
      id: 'arXiv:cs/0011004',
      title: 'Anonymous Oblivious Transfer',
      abstract: 'In this short note we want to introduce {\\em anonymous oblivious transfer} a\nnew cryptographic primitive.',
      authors: 'J. Mueller-Quade and H. Imai',
      categories: 'cs.CR',
      versions: [
        { version: 2, date: 'Sun, 3 Dec 2000 08:09:58 GMT   (11kb)' },
        { version: 1, date: 'Sat, 4 Nov 2000 06:14:57 GMT   (9kb)' },
      ],
      comment: '6 pages, some things clearified, especially that a broadcast channel\n  is not necessary',
    });
    assert.equal(paper.id, 'cs/0011004');
    assert.equal(paper.version, 2);
    assert.deepEqual(paper.authors, ['J. Mueller-Quade', 'H. Imai']);
    assert.equal(paper.abstract, 'In this short note we want to introduce {\\em anonymous oblivious transfer} a new cryptographic primitive.');
    assert.deepEqual(paper.versions, [
      { version: 1, date: '2000-11-04T06:14:57Z', size: '9kb' },
      { version: 2, date: '2000-12-03T08:09:58Z', size: '11kb' },
    ]);
    assert.equal(paper.published, '2000-11-04T06:14:57Z');
    assert.equal(paper.updated, '2000-12-03T08:09:58Z');
    // Submitted on Saturday 4 November 2000: the next cut-off is Monday's, listed on Tuesday the 7th.
    assert.equal(paper.day, '2000-11-07');
    assert.equal(paper.comment, '6 pages, some things clearified, especially that a broadcast channel is not necessary');
  });
});

describe('normalizePaper: field rules', () => {
  it('folds whitespace in text fields and maps blanks to null', () => {
    const { paper } = normalizePaper(
      input({
        title: '  Deep\n\n  Learning   for $\\alpha$-Things ',
        comment: '  \n ',
        journalRef: ' J. Foo\n 12 ',
        doi: '',
        license: null,
      }),
    );
    assert.equal(paper.title, 'Deep Learning for $\\alpha$-Things');
    assert.equal(paper.comment, null);
    assert.equal(paper.journalRef, 'J. Foo 12');
    assert.equal(paper.doi, null);
    assert.equal(paper.license, null);
  });

  it('puts the stated primary category first and dedupes', () => {
    const { paper } = normalizePaper(input({ categories: ['cs.AI', 'cs.CL', 'cs.AI', 'cs.LG'], primaryCategory: 'cs.CL' }));
    assert.deepEqual(paper.categories, ['cs.CL', 'cs.AI', 'cs.LG']);
    assert.equal(paper.primaryCategory, 'cs.CL');
  });

  it('adds a known primary category missing from the list', () => {
    const { paper } = normalizePaper(input({ categories: ['cs.AI'], primaryCategory: 'cs.CV' }));
    assert.deepEqual(paper.categories, ['cs.CV', 'cs.AI']);
  });

  it('falls back to the first known category for an unknown primary, with a warning', () => {
    const { paper, warnings } = normalizePaper(input({ categories: ['cs.AI', 'cs.CL'], primaryCategory: 'cs.XX' }));
    assert.equal(paper.primaryCategory, 'cs.AI');
    assert.deepEqual(warnings, ['primaryCategory: unknown "cs.XX", using the first category']);
  });

  it('drops MSC/ACM classes quietly and unknown entries with a warning', () => {
    const { paper, warnings } = normalizePaper(
      input({ categories: ['cs.CL', '68T50', 'I.2.7', 'Machine Learning', 'cs.XX', 'cs.CL, 92-02', 'cs.AI cs.LG', 'CS.cv'] }),
    );
    assert.deepEqual(paper.categories, ['cs.CL', 'cs.AI', 'cs.LG', 'cs.CV']);
    assert.deepEqual(warnings, ['categories: dropped unknown "Machine Learning"', 'categories: dropped unknown "cs.XX"']);
  });

  it('keeps a bare archive, the category of old records', () => {
    const { paper, warnings } = normalizePaper(input({ id: 'physics/9707012', categories: 'physics math-ph math.MP quant-ph', primaryCategory: 'physics' }));
    assert.deepEqual(paper.categories, ['physics', 'math-ph', 'math.MP', 'quant-ph']);
    assert.equal(paper.primaryCategory, 'physics');
    assert.deepEqual(warnings, []);
  });

  it('takes the archive of an old-style id when the record names no category', () => {
    for (const categories of [null, undefined, '', []]) {
      const { paper } = normalizePaper(input({ id: 'arXiv:cs/0011004v1', categories }));
      assert.deepEqual(paper.categories, ['cs'], JSON.stringify(categories));
      assert.equal(paper.primaryCategory, 'cs');
    }
    assert.deepEqual(normalizePaper(input({ id: 'math.GT/0309136', categories: null })).paper.categories, ['math']);
    rejects({ categories: null }, 'categories', /no known arXiv category/);
    rejects({ id: 'cs/0011004', categories: ['Machine Learning'] }, 'categories', /no known arXiv category/);
  });

  it('picks the version: stated, else from the id, else the highest listed, else 1', () => {
    const versions = [
      { version: 1, date: '2024-01-01' },
      { version: '3', date: '2024-03-01' },
      { version: 'v2', date: '2024-02-01' },
    ];
    assert.equal(normalizePaper(input({ version: 5, id: '2401.12345v4', versions })).paper.version, 5);
    assert.equal(normalizePaper(input({ id: '2401.12345v4', versions })).paper.version, 4);
    assert.equal(normalizePaper(input({ versions })).paper.version, 3);
    assert.equal(normalizePaper(input()).paper.version, 1);
    const bad = normalizePaper(input({ version: 0, id: '2401.12345v2' }));
    assert.equal(bad.paper.version, 2);
    assert.deepEqual(bad.warnings, ['version: ignored 0, not a positive integer']);
  });

  it('sorts versions and takes published from v1, updated from the latest', () => {
    const { paper } = normalizePaper(
      input({
        published: '2023-12-31',
        versions: [
          { version: 3, date: '2024-03-01 10:00:00 UTC', size: '(1.2MB)' },
          { version: 1, date: 'Mon, 1 Jan 2024 09:00:00 GMT (10kb)' },
          { version: 2, date: '2024-02-01T00:00:00-05:00', size: ' 12kb ' },
        ],
        listedOn: null,
      }),
    );
    assert.deepEqual(paper.versions, [
      { version: 1, date: '2024-01-01T09:00:00Z', size: '10kb' },
      { version: 2, date: '2024-02-01T05:00:00Z', size: '12kb' },
      { version: 3, date: '2024-03-01T10:00:00Z', size: '1.2MB' },
    ]);
    assert.equal(paper.published, '2024-01-01T09:00:00Z');
    assert.equal(paper.updated, '2024-03-01T10:00:00Z');
    // v1 at 04:00 in New York on Monday 1 January beat Monday's cut-off: listed on Tuesday.
    assert.equal(paper.day, '2024-01-02');
  });

  it('prefers a stated updated date, and keeps published null without v1 or a stated date', () => {
    const { paper } = normalizePaper(
      input({ updated: '2024-05-05 05:05:05 UTC', versions: [{ version: 2, date: '2024-02-02' }], listedOn: undefined }),
    );
    assert.equal(paper.published, null);
    assert.equal(paper.updated, '2024-05-05T05:05:05Z');
    // Only the latest version's date (a Sunday) is known: the schedule after it.
    assert.equal(paper.day, '2024-05-07');
  });

  it('keeps the first of a version listed twice, with a warning', () => {
    const { paper, warnings } = normalizePaper(
      input({ versions: [{ version: 1, date: '2024-01-01' }, { version: 1, date: '2024-01-09' }] }),
    );
    assert.deepEqual(paper.versions, [{ version: 1, date: '2024-01-01T00:00:00Z', size: null }]);
    assert.deepEqual(warnings, ['versions: v1 listed twice, kept the first']);
  });

  it('takes the day from listedOn, else the schedule after published, else after updated', () => {
    const both = { published: '2024-01-10 23:30:00 UTC', updated: '2024-02-01 00:00:00 UTC' };
    assert.equal(normalizePaper(input({ ...both, listedOn: '2024-01-12' })).paper.day, '2024-01-12');
    assert.equal(normalizePaper(input({ ...both, listedOn: '2024-01-12T01:00:00+03:00' })).paper.day, '2024-01-12');
    // 18:30 on Wednesday in New York missed that day's cut-off: Thursday's, listed on Friday.
    assert.equal(normalizePaper(input({ ...both, listedOn: null })).paper.day, '2024-01-12');
    // Midnight UTC is how a date without a time reads: taken as before Thursday's cut-off.
    assert.equal(normalizePaper(input({ updated: both.updated, listedOn: '' })).paper.day, '2024-02-02');
  });

  it('finds links in the abstract and the comment', () => {
    const { paper } = normalizePaper(
      input({ abstract: 'Code: https://github.com/a/b.', comment: 'Project page: https://a.github.io/b/' }),
    );
    assert.deepEqual(paper.links, [
      { kind: 'code', url: 'https://github.com/a/b' },
      { kind: 'project', url: 'https://a.github.io/b/' },
    ]);
  });

  it('accepts a missing abstract and authors, with a warning for the abstract', () => {
    const { paper, warnings } = normalizePaper(input({ abstract: null, authors: null }));
    assert.equal(paper.abstract, '');
    assert.deepEqual(paper.authors, []);
    assert.deepEqual(warnings, ['abstract: missing']);
  });
});

describe('normalizePaper: rejected records', () => {
  it('needs a valid id', () => {
    rejects({ id: undefined }, 'id', /^missing$/);
    rejects({ id: '  ' }, 'id', /^missing$/);
    rejects({ id: '1412.12345' }, 'id', /not an arXiv id: "1412\.12345"/);
    rejects({ id: 'hep-th/9913001' }, 'id');
  });

  it('needs a title', () => {
    rejects({ title: null }, 'title');
    rejects({ title: ' \n ' }, 'title');
  });

  it('needs a known category', () => {
    rejects({ categories: null }, 'categories');
    rejects({ categories: [] }, 'categories');
    rejects({ categories: ['68T05', 'I.2.6', 'Machine Learning'] }, 'categories');
    rejects({ categories: 'cs.XX stat' }, 'categories');
  });

  it('rejects malformed dates, naming the field', () => {
    rejects({ published: '2024-02-30' }, 'published', /not a date: "2024-02-30"/);
    rejects({ updated: 'last Tuesday' }, 'updated');
    rejects({ listedOn: '2024/01/22' }, 'listedOn');
    rejects({ versions: [{ version: 1, date: 'soon' }] }, 'versions', /v1: bad date "soon"/);
    rejects({ versions: [{ version: 'two', date: '2024-01-01' }] }, 'versions', /bad version number "two"/);
    rejects({ versions: [{ version: 0, date: '2024-01-01' }] }, 'versions');
  });

  it('needs a day to list the paper on', () => {
    rejects({ listedOn: null, published: null, updated: null }, 'day');
  });
});
