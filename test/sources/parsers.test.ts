import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { RecordError, type PaperInput, type SourceItem } from '../../src/papers/paper.js';
import { normalizePaper } from '../../src/papers/normalize.js';
import { parseAbs } from '../../src/sources/abs.js';
import { parseAtomFeed } from '../../src/sources/atom.js';
import { FeedError } from '../../src/sources/feed-error.js';
import { detectFormat, readSourceFile } from '../../src/sources/files.js';
import { readJsonLines } from '../../src/sources/jsonl.js';
import { parseOaiPage } from '../../src/sources/oai-pmh.js';
import { arxivSample, fixturesDir } from '../support/paths.js';

const atomDir = path.join(fixturesDir, 'atom');
const oaiDir = path.join(fixturesDir, 'oai-pmh');
const absDir = path.join(fixturesDir, 'abs');

async function collect(items: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function record(item: SourceItem | undefined): PaperInput {
  assert.ok(item, 'expected an item');
  if (item.kind !== 'record') assert.fail(`expected a record, got error ${item.error.message}`);
  return item.input;
}

function recordError(item: SourceItem | undefined): RecordError {
  assert.ok(item, 'expected an item');
  if (item.kind !== 'error') assert.fail(`expected an error, got record ${item.input.where}`);
  assert.ok(item.error instanceof RecordError);
  return item.error;
}

const readText = (p: string): Promise<string> => readFile(p, 'utf8');

let tmp = '';
before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'paperboy-parsers-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('parseAtomFeed', () => {
  it('maps the arXiv API fixture exactly', async () => {
    const file = path.join(atomDir, 'id_list-1601.00001.xml');
    const page = parseAtomFeed(await readText(file), 'id_list-1601.00001.xml');
    assert.equal(page.totalResults, 1);
    assert.equal(page.startIndex, 0);
    assert.equal(page.itemsPerPage, 10);
    assert.equal(page.items.length, 1);
    const p = record(page.items[0]);
    assert.equal(p.where, 'id_list-1601.00001.xml#record 1');
    assert.equal(p.id, 'http://arxiv.org/abs/1601.00001v1');
    assert.equal(p.title, 'Inelastic effects in molecular transport junctions: The probe technique\n  at high bias');
    assert.ok(p.abstract?.startsWith('We extend the Landauer-B\\"uttiker probe formalism for conductances to the\nhigh bias regime'));
    assert.ok(p.abstract?.endsWith('far-from-equilibrium.'));
    assert.deepEqual(p.authors, ['Michael Kilgour', 'Dvira Segal']);
    assert.equal(p.primaryCategory, 'cond-mat.mes-hall');
    assert.deepEqual(p.categories, ['cond-mat.mes-hall']);
    assert.equal(p.published, '2015-12-26T21:19:45Z');
    assert.equal(p.updated, '2015-12-26T21:19:45Z');
    assert.equal(p.doi, '10.1063/1.4944470');
    assert.equal(p.journalRef, 'J. Chem. Phys. 144, 124107 (2016)');
    assert.equal(p.comment, null);
    assert.equal(p.license, null);
  });

  it('reads several entries, comments, licenses and numeric character references', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <opensearch:totalResults>1234</opensearch:totalResults>
  <opensearch:startIndex>100</opensearch:startIndex>
  <opensearch:itemsPerPage>2</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/abs/2401.00010v3</id>
    <updated>2024-02-01T10:00:00Z</updated>
    <published>2024-01-01T09:00:00Z</published>
    <title>Caf&#233; &amp; Tea</title>
    <summary>A &lt; B</summary>
    <author><name>Ana Mar&#xED;a</name><arxiv:affiliation>Somewhere</arxiv:affiliation></author>
    <arxiv:comment>12 pages</arxiv:comment>
    <arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
    <link rel="license" href="http://creativecommons.org/licenses/by/4.0/"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9901001v1</id>
    <title>Old</title>
    <author><name>X</name></author>
    <arxiv:primary_category term="hep-th"/>
    <category term="hep-th"/>
  </entry>
</feed>`;
    const page = parseAtomFeed(xml, 'GET http://export.arxiv.org/api/query?x');
    assert.equal(page.totalResults, 1234);
    assert.equal(page.startIndex, 100);
    assert.equal(page.itemsPerPage, 2);
    assert.equal(page.items.length, 2);
    const a = record(page.items[0]);
    assert.equal(a.id, 'http://arxiv.org/abs/2401.00010v3');
    assert.equal(a.title, 'Café & Tea');
    assert.equal(a.abstract, 'A < B');
    assert.deepEqual(a.authors, ['Ana María']);
    assert.deepEqual(a.categories, ['cs.CL', 'cs.AI']);
    assert.equal(a.comment, '12 pages');
    assert.equal(a.license, 'http://creativecommons.org/licenses/by/4.0/');
    const b = record(page.items[1]);
    assert.equal(b.where, 'GET http://export.arxiv.org/api/query?x#record 2');
    assert.equal(b.id, 'http://arxiv.org/abs/hep-th/9901001v1');
    assert.equal(b.primaryCategory, 'hep-th');
    assert.equal(b.published, null);
  });

  it('reads an empty result page', () => {
    const page = parseAtomFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults></feed>',
      'empty',
    );
    assert.deepEqual(page, { items: [], totalResults: 0, startIndex: null, itemsPerPage: null });
  });

  it("throws FeedError with the summary of arXiv's error feed", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.1234v1234</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.1234v1234</summary>
    <updated>2024-01-01T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.1234v1234" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>`;
    assert.throws(
      () => parseAtomFeed(xml, 'GET http://export.arxiv.org/api/query?id_list=1234.1234v1234'),
      (e: unknown) =>
        e instanceof FeedError &&
        e.where === 'GET http://export.arxiv.org/api/query?id_list=1234.1234v1234' &&
        e.message.includes('incorrect id format for 1234.1234v1234'),
    );
  });

  it('throws FeedError on truncated XML, an HTML error page, an empty body, another XML document', async () => {
    const full = await readText(path.join(atomDir, 'id_list-1601.00001.xml'));
    const cases: [string, string, RegExp][] = [
      ['truncated', full.slice(0, Math.floor(full.length / 2)), /not well-formed XML/],
      ['html', '<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><h1>Busy<br></h1></body></html>', /error page|not well-formed/],
      ['xhtml', '<!DOCTYPE html>\n<html><head><title>502</title></head><body>Bad gateway</body></html>', /root element is <html>/],
      ['empty', '', /empty response/],
      ['blank', '  \n', /empty response/],
      ['text', 'Rate exceeded.', /not XML/],
      ['oai', await readText(path.join(oaiDir, 'getrecord-1.xml')), /root element is <OAI-PMH>/],
    ];
    for (const [where, text, re] of cases) {
      assert.throws(
        () => parseAtomFeed(text, where),
        (e: unknown) => e instanceof FeedError && e.where === where && re.test(e.message),
        where,
      );
    }
  });
});

describe('parseOaiPage', () => {
  it('parses every OAI-PMH fixture into one record', async () => {
    const files = (await readdir(oaiDir)).filter((f) => f.endsWith('.xml'));
    assert.equal(files.length, 6);
    for (const f of files) {
      const page = parseOaiPage(await readText(path.join(oaiDir, f)), f);
      assert.equal(page.error, null, f);
      assert.equal(page.resumptionToken, null, f);
      assert.equal(page.items.length, 1, f);
      const p = record(page.items[0]);
      assert.equal(p.where, `${f}#record 1`);
      assert.match(p.id ?? '', /^\d{4}\.\d{4,5}$/, f);
      assert.ok(p.title && p.abstract && p.published && p.categories, f);
      assert.ok(Array.isArray(p.authors) && p.authors.length > 0, f);
    }
  });

  it('maps getrecord-0 exactly (authors without forenames, several DOIs as given)', async () => {
    const page = parseOaiPage(await readText(path.join(oaiDir, 'getrecord-0.xml')), 'getrecord-0.xml');
    assert.equal(page.responseDate, '2016-01-14T15:53:12Z');
    const p = record(page.items[0]);
    assert.equal(p.id, '1601.03238');
    assert.equal(p.title, 'Irreversible degradation of quantum coherence under relativistic motion');
    assert.deepEqual(p.authors, [
      ['Planck Collaboration', '', ''],
      ['Wang', 'Jieci', ''],
      ['Tian', 'Zehua', ''],
      ['Jing', 'Jiliang', ''],
      ['Fan', 'Heng', ''],
    ]);
    assert.equal(p.categories, 'quant-ph gr-qc hep-th chao-dyn nlin.CD');
    assert.equal(p.primaryCategory, 'quant-ph');
    assert.equal(p.published, '2016-01-13');
    assert.equal(p.updated, null);
    assert.equal(p.comment, '6 pages, 4 figures, conference paper');
    assert.equal(p.journalRef, 'Phys.Rev. D93 (2015) 016005');
    assert.equal(p.doi, '10.1103/PhysRevD.93.016005, 10.1103/PhysRevD.98.079901;10.1103/PhysRevD.98.079903');
    assert.equal(p.license, 'https://creativecommons.org/licenses/by/3.0/');
    assert.ok(p.abstract?.startsWith('We study the dynamics of quantum coherence under Unruh thermal noise'));
  });

  it('maps getrecord-single (created and updated, DOI) and getrecord-2 (entities)', async () => {
    const single = record(parseOaiPage(await readText(path.join(oaiDir, 'getrecord-single.xml')), 's').items[0]);
    assert.equal(single.id, '1401.2122');
    assert.equal(single.published, '2014-01-09');
    assert.equal(single.updated, '2017-10-23');
    assert.deepEqual(single.authors, [['Sergyeyev', 'A.', '']]);
    assert.equal(single.categories, 'math.AP hep-th math-ph math.DG math.MP nlin.SI');
    assert.equal(single.doi, '10.1007/s11005-017-1013-4');
    assert.equal(single.journalRef, 'Lett. Math. Phys. 108 (2018), no. 2, 359-376');
    assert.equal(single.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
    assert.ok(single.comment?.startsWith('16 pages, LaTeX, no figures, revised and abridged, in this version\n  (v5) the typos'));

    const two = record(parseOaiPage(await readText(path.join(oaiDir, 'getrecord-2.xml')), 'g2').items[0]);
    assert.equal(two.id, '1603.00997');
    assert.equal(two.title, 'Axial U(1) symmetry in the chiral symmetric phase of 2-flavor QCD at\n  finite temperature');
    assert.ok(two.comment?.includes('A talk given at "The 8th International Workshop\n  on Chiral Dynamics, CD2015"'));
    assert.ok(two.abstract?.includes('$\\gamma > 2$'));
    assert.equal(two.journalRef, 'PoS(CD15) (2015) 045');
  });

  it('keeps suffixes and every author of getrecord-4', async () => {
    const p = record(parseOaiPage(await readText(path.join(oaiDir, 'getrecord-4.xml')), 'g4').items[0]);
    const authors = p.authors as string[][];
    assert.equal(authors.length, 66);
    assert.deepEqual(authors[0], ['Array', 'Keck', '']);
    assert.ok(authors.some((a) => a[0] === 'W.' && a[1] === 'R.' && a[2] === 'IV'));
    assert.deepEqual(authors[authors.length - 1], ['Yoon', 'K. W.', '']);
    assert.ok(p.abstract?.endsWith('$r<1\\times10^{-4}$.'));
  });

  it('reads ListRecords: deleted records skipped, resumption token and its attributes', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-05-01T00:00:00Z</responseDate>
<request verb="ListRecords" metadataPrefix="arXiv" from="2024-04-30">http://export.arxiv.org/oai2</request>
<ListRecords>
<record><header><identifier>oai:arXiv.org:2404.00001</identifier><datestamp>2024-04-30</datestamp></header>
<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>2404.00001</id><created>2024-03-30</created><updated>2024-04-29</updated>
<authors><author><keyname>Doe</keyname><forenames>Jane</forenames><suffix>Jr</suffix></author></authors>
<title>One</title><categories>cs.LG stat.ML</categories><abstract>First.</abstract></arXiv></metadata></record>
<record><header status="deleted"><identifier>oai:arXiv.org:2404.00002</identifier><datestamp>2024-04-30</datestamp></header></record>
<record><header><identifier>oai:arXiv.org:2404.00003</identifier><datestamp>2024-04-30</datestamp></header>
<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><created>2024-04-01</created><title>Three</title><categories>cs.CV</categories></arXiv></metadata></record>
<record><header><identifier>oai:arXiv.org:2404.00004</identifier><datestamp>2024-04-30</datestamp></header></record>
<resumptionToken cursor="0" completeListSize="3021">6395612|1001</resumptionToken>
</ListRecords>
</OAI-PMH>`;
    const page = parseOaiPage(xml, 'GET http://export.arxiv.org/oai2?verb=ListRecords');
    assert.equal(page.resumptionToken, '6395612|1001');
    assert.equal(page.completeListSize, 3021);
    assert.equal(page.cursor, 0);
    assert.equal(page.error, null);
    assert.equal(page.items.length, 3);
    const one = record(page.items[0]);
    assert.equal(one.id, '2404.00001');
    assert.equal(one.published, '2024-03-30');
    assert.equal(one.updated, '2024-04-29');
    assert.deepEqual(one.authors, [['Doe', 'Jane', 'Jr']]);
    assert.equal(one.primaryCategory, 'cs.LG');
    // No <id> in the metadata: the header identifier stands in.
    const three = record(page.items[1]);
    assert.equal(three.id, 'oai:arXiv.org:2404.00003');
    assert.equal(three.where, 'GET http://export.arxiv.org/oai2?verb=ListRecords#record 3');
    const missing = recordError(page.items[2]);
    assert.equal(missing.where, 'GET http://export.arxiv.org/oai2?verb=ListRecords#record 4');
    assert.equal(missing.field, 'metadata');
  });

  it('treats an empty resumptionToken (with or without attributes) as the end of the list', () => {
    for (const token of ['<resumptionToken cursor="2000" completeListSize="3021"/>', '<resumptionToken/>', '<resumptionToken></resumptionToken>']) {
      const page = parseOaiPage(`<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>${token}</ListRecords></OAI-PMH>`, 'x');
      assert.equal(page.resumptionToken, null, token);
      assert.deepEqual(page.items, []);
    }
    const page = parseOaiPage(
      '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><resumptionToken cursor="2000" completeListSize="3021"/></ListRecords></OAI-PMH>',
      'x',
    );
    assert.equal(page.completeListSize, 3021);
    assert.equal(page.cursor, 2000);
  });

  it('returns OAI errors instead of throwing', () => {
    const page = parseOaiPage(
      `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-05-01T00:00:00Z</responseDate>
<request verb="ListRecords">http://export.arxiv.org/oai2</request>
<error code="noRecordsMatch">No records match the given criteria</error></OAI-PMH>`,
      'x',
    );
    assert.deepEqual(page.error, { code: 'noRecordsMatch', message: 'No records match the given criteria' });
    assert.deepEqual(page.items, []);
    assert.equal(page.responseDate, '2024-05-01T00:00:00Z');
    const bad = parseOaiPage(
      '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>',
      'x',
    );
    assert.equal(bad.error?.code, 'badResumptionToken');
    assert.equal(bad.resumptionToken, null);
  });

  it('reads arXivRaw metadata with versions', () => {
    const page = parseOaiPage(
      `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><header><identifier>oai:arXiv.org:0704.0001</identifier></header>
<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>0704.0001</id><submitter>Pavel Nadolsky</submitter>
<version version="v1"><date>Mon, 2 Apr 2007 19:18:42 GMT</date><size>424kb</size><source_type>D</source_type></version>
<version version="v2"><date>Tue, 24 Jul 2007 20:10:27 GMT</date><size>424kb</size></version>
<title>Calculation of prompt diphoton production</title><authors>C. Bal\\'azs, E. L. Berger</authors><categories>hep-ph</categories>
<abstract>A fully differential calculation.</abstract></arXivRaw></metadata></record></GetRecord></OAI-PMH>`,
      'raw',
    );
    const p = record(page.items[0]);
    assert.equal(p.id, '0704.0001');
    assert.equal(p.version, 2);
    assert.equal(p.published, 'Mon, 2 Apr 2007 19:18:42 GMT');
    assert.equal(p.updated, 'Tue, 24 Jul 2007 20:10:27 GMT');
    assert.deepEqual(p.versions, [
      { version: 'v1', date: 'Mon, 2 Apr 2007 19:18:42 GMT', size: '424kb' },
      { version: 'v2', date: 'Tue, 24 Jul 2007 20:10:27 GMT', size: '424kb' },
    ]);
    assert.equal(p.authors, "C. Bal\\'azs, E. L. Berger");
  });

  it('throws FeedError on truncated XML, an HTML page, an empty body, an Atom feed', async () => {
    const full = await readText(path.join(oaiDir, 'getrecord-4.xml'));
    const cases: [string, string][] = [
      ['truncated', full.slice(0, full.length - 200)],
      ['cut-in-tag', full.slice(0, full.indexOf('<abstract>') + 4)],
      ['html', '<html><head><title>503 Service Unavailable</title></head><body><p>Retry after 10 seconds<br></body></html>'],
      ['empty', ''],
      ['atom', await readText(path.join(atomDir, 'id_list-1601.00001.xml'))],
    ];
    for (const [where, text] of cases) {
      assert.throws(
        () => parseOaiPage(text, where),
        (e: unknown) => e instanceof FeedError && e.where === where && e.message.startsWith(`${where}: `),
        where,
      );
    }
  });
});

describe('parseAbs', () => {
  it('parses all 121 .abs fixtures', async () => {
    const files = (await readdir(absDir)).filter((f) => f.endsWith('.abs')).sort();
    assert.equal(files.length, 121);
    for (const f of files) {
      const item = (await collect(readSourceFile(path.join(absDir, f))))[0];
      const p = record(item);
      const stem = f.replace(/v\d+\.abs$|\.abs$/, '');
      assert.ok(p.id?.endsWith(stem), `${f}: id ${p.id}`);
      assert.ok(p.title, f);
      assert.ok(typeof p.authors === 'string' && p.authors.length > 0, f);
      assert.ok(p.abstract && p.abstract.length > 20, f);
      assert.ok(normalizePaper(p).paper.categories.length > 0, f);
      assert.ok(p.versions && p.versions.length >= 1, f);
      assert.equal(p.version, p.versions.length, f);
      assert.equal(p.published, p.versions[0]?.date, f);
      for (const v of p.versions) {
        assert.match(v.date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/, f);
        assert.match(v.size ?? '', /^\d+kb$/, f);
      }
      assert.doesNotMatch(p.abstract, /\\\\\s*$/, f);
    }
  });

  it('maps cs/0011004 exactly (revised version, wrapped comment, ACM class)', async () => {
    const p = record(parseAbs(await readText(path.join(absDir, '0011004.abs')), '0011004.abs'));
    assert.equal(p.where, '0011004.abs');
    assert.equal(p.id, 'cs/0011004');
    assert.equal(p.version, 2);
    assert.deepEqual(p.versions, [
      { version: 1, date: 'Sat, 4 Nov 2000 06:14:57 GMT', size: '9kb' },
      { version: 2, date: 'Sun, 3 Dec 2000 08:09:58 GMT', size: '11kb' },
    ]);
    assert.equal(p.published, 'Sat, 4 Nov 2000 06:14:57 GMT');
    assert.equal(p.updated, 'Sun, 3 Dec 2000 08:09:58 GMT');
    assert.equal(p.title, 'Anonymous Oblivious Transfer');
    assert.equal(p.authors, 'J. Mueller-Quade and H. Imai');
    assert.equal(p.categories, 'cs.CR');
    assert.equal(p.primaryCategory, 'cs.CR');
    assert.equal(p.comment, '6 pages, some things clearified, especially that a broadcast channel is not necessary');
    assert.equal(p.doi, null);
    assert.ok(p.abstract?.startsWith('In this short note we want to introduce {\\em anonymous oblivious transfer} a\nnew cryptographic'));
    assert.ok(p.abstract?.endsWith('channel.'));
  });

  it('maps 0704.0615v4 (four versions with flags, DOI, journal ref, license)', async () => {
    const p = record(parseAbs(await readText(path.join(absDir, '0704.0615v4.abs')), 'x'));
    assert.equal(p.id, '0704.0615');
    assert.equal(p.version, 4);
    assert.deepEqual(
      p.versions?.map((v) => [v.version, v.size]),
      [
        [1, '56kb'],
        [2, '0kb'],
        [3, '0kb'],
        [4, '180kb'],
      ],
    );
    assert.equal(p.updated, 'Sun, 29 Sep 2013 04:15:22 GMT');
    assert.equal(p.doi, '10.1080/10635150802040597');
    assert.equal(p.journalRef, 'Systematic Biology (2008), 57(2): 251-56');
    assert.equal(p.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
    assert.equal(p.comment, 'Published version of article');
  });

  it('joins wrapped titles and authors (2101.10016v5)', async () => {
    const p = record(parseAbs(await readText(path.join(absDir, '2101.10016v5.abs')), 'x'));
    assert.equal(p.title, 'Weak quasi-Hopf algebras, C*-tensor categories and conformal field theory, and the Kazhdan-Lusztig-Finkelberg theorem');
    assert.equal(p.authors, 'Sebastiano Carpi, Sergio Ciamprone, Marco Valerio Giannone, Claudia Pinzari');
    assert.equal(p.categories, 'math.QA hep-th math-ph math.MP math.OA');
    assert.equal(p.version, 5);
    assert.ok(p.abstract?.includes('\n  Our results rely on the notion'));
  });

  it('gives no category when Categories is missing (hep-th/9709111); normalizing takes the archive from the id', async () => {
    const p = record(parseAbs(await readText(path.join(absDir, '9709111v1.abs')), 'x'));
    assert.equal(p.id, 'hep-th/9709111');
    assert.equal(p.categories, null);
    assert.equal(p.primaryCategory, null);
    assert.deepEqual(normalizePaper(p).paper.categories, ['hep-th']);
    assert.equal(p.authors, 'Andrea Brignole (CERN-TH), Ferruccio Feruglio (Padua Univ.), Fabio Zwirner (INFN-Padua)');
  });

  it('reads a Latin-1 .abs file through readSourceFile', async () => {
    const [item] = await collect(readSourceFile(path.join(absDir, '1607.08199.abs')));
    const p = record(item);
    assert.equal(p.journalRef, 'Épijournal de Géométrie Algébrique, Volume 1 (September 1, 2017) epiga:3255');
    assert.equal(p.version, 5);
    assert.equal(p.license, 'http://creativecommons.org/licenses/by-sa/4.0/');
  });

  it('gives an error item for text that is not an .abs file', () => {
    const e = recordError(parseAbs('Title: nothing here\n', 'bad.abs'));
    assert.equal(e.where, 'bad.abs');
    const noId = recordError(parseAbs('\\\\\nTitle: T\n\\\\\n  Abstract\n\\\\\n', 'noid.abs'));
    assert.equal(noId.field, 'id');
  });
});

describe('readJsonLines', () => {
  const good143 = {
    id: '2401.00001',
    title: 'A  title\n with space',
    abstract: 'An abstract.',
    authors: ['Ann Lee', 'Bo Chen'],
    categories: ['cs.CL', 'cs.AI', '68T50'],
    primary_category: 'cs.CL',
    published: '2024-01-01 10:00:00 UTC',
    updated: '2024-01-03 12:00:00 UTC',
    comment: null,
    listing_date: '2024-01-04',
    source: 'x',
  };
  // A real line of the public arXiv metadata snapshot.
  const kaggle = {
    id: '0704.0001',
    submitter: 'Pavel Nadolsky',
    authors: "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan",
    title: 'Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies',
    comments: '37 pages, 15 figures; published version',
    'journal-ref': 'Phys.Rev.D76:013009,2007',
    doi: '10.1103/PhysRevD.76.013009',
    'report-no': 'ANL-HEP-PR-07-12',
    categories: 'hep-ph',
    license: null,
    abstract: '  A fully differential calculation in perturbative quantum chromodynamics is\npresented.\n',
    versions: [
      { version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' },
      { version: 'v2', created: 'Tue, 24 Jul 2007 20:10:27 GMT' },
    ],
    update_date: '2008-11-13',
    authors_parsed: [
      ['Balázs', 'C.', ''],
      ['Berger', 'E. L.', ''],
      ['Nadolsky', 'P. M.', ''],
      ['Yuan', 'C. -P.', ''],
    ],
  };
  const lines = [
    JSON.stringify(good143),
    '{"id": "2401.00002", "title": "cut off',
    '',
    '[1, 2, 3]',
    JSON.stringify(kaggle),
    JSON.stringify({ ...good143, id: '2401.00003', title: 42 }),
    JSON.stringify({ ...good143, id: '2401.00004' }),
  ];
  const text = lines.join('\n'); // no newline at the end

  function checkMixed(items: SourceItem[], file: string): void {
    assert.equal(items.length, 6);
    const a = record(items[0]);
    assert.deepEqual(a, {
      where: `${file}:1`,
      id: '2401.00001',
      title: 'A  title\n with space',
      abstract: 'An abstract.',
      authors: ['Ann Lee', 'Bo Chen'],
      categories: ['cs.CL', 'cs.AI', '68T50'],
      primaryCategory: 'cs.CL',
      published: '2024-01-01 10:00:00 UTC',
      updated: '2024-01-03 12:00:00 UTC',
      comment: null,
      listedOn: '2024-01-04',
    });
    const notJson = recordError(items[1]);
    assert.equal(notJson.where, `${file}:2`);
    assert.match(notJson.reason, /not JSON/);
    const notObject = recordError(items[2]);
    assert.equal(notObject.where, `${file}:4`);
    assert.match(notObject.reason, /not a JSON object/);
    const k = record(items[3]);
    assert.equal(k.where, `${file}:5`);
    assert.equal(k.id, '0704.0001');
    assert.equal(k.version, 2);
    assert.deepEqual(k.authors, kaggle.authors_parsed);
    assert.equal(k.categories, 'hep-ph');
    assert.equal(k.primaryCategory, 'hep-ph');
    assert.equal(k.published, 'Mon, 2 Apr 2007 19:18:42 GMT');
    assert.equal(k.updated, 'Tue, 24 Jul 2007 20:10:27 GMT');
    assert.deepEqual(k.versions, [
      { version: 'v1', date: 'Mon, 2 Apr 2007 19:18:42 GMT', size: null },
      { version: 'v2', date: 'Tue, 24 Jul 2007 20:10:27 GMT', size: null },
    ]);
    assert.equal(k.comment, '37 pages, 15 figures; published version');
    assert.equal(k.journalRef, 'Phys.Rev.D76:013009,2007');
    assert.equal(k.doi, '10.1103/PhysRevD.76.013009');
    assert.equal(k.license, null);
    const badField = recordError(items[4]);
    assert.equal(badField.where, `${file}:6`);
    assert.equal(badField.field, 'title');
    assert.equal(record(items[5]).id, '2401.00004');
    assert.equal(record(items[5]).where, `${file}:7`);
  }

  it('goes on after bad lines and names their line numbers', async () => {
    const file = path.join(tmp, 'mixed.jsonl');
    await writeFile(file, text);
    checkMixed(await collect(readJsonLines(file)), file);
  });

  it('reads gzip by its magic bytes, whatever the name', async () => {
    const file = path.join(tmp, 'mixed-gz.jsonl');
    await writeFile(file, gzipSync(text + '\n'));
    checkMixed(await collect(readJsonLines(file)), file);
  });

  it('handles CRLF, a BOM and lines longer than a read chunk', async () => {
    const file = path.join(tmp, 'crlf.jsonl');
    const long = { ...good143, id: '2401.09999', abstract: 'x'.repeat(3_000_000) + 'é' };
    await writeFile(file, '\ufeff' + [JSON.stringify(good143), JSON.stringify(long), JSON.stringify(kaggle)].join('\r\n') + '\r\n');
    const items = await collect(readJsonLines(file));
    assert.equal(items.length, 3);
    assert.equal(record(items[0]).id, '2401.00001');
    assert.equal(record(items[1]).abstract?.length, 3_000_001);
    assert.ok(record(items[1]).abstract?.endsWith('xé'));
    assert.equal(record(items[2]).where, `${file}:3`);
  });

  it('reports a gzip cut short after the records before it', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ ...good143, id: `2401.${String(i).padStart(5, '0')}`, abstract: `abstract ${i} `.repeat(20) }));
    const gz = gzipSync(many.join('\n') + '\n');
    const file = path.join(tmp, 'cut.jsonl.gz');
    await writeFile(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const items = await collect(readJsonLines(file));
    const last = items[items.length - 1];
    const e = recordError(last);
    assert.equal(e.field, 'file');
    assert.ok(e.where.startsWith(`${file}:`));
    const records = items.slice(0, -1);
    assert.ok(records.length > 100 && records.length < 5000);
    assert.ok(records.every((i) => i.kind === 'record'));
  });

  it('reads a line without an id as a record: normalization judges it', async () => {
    const file = path.join(tmp, 'no-id.jsonl');
    // JSON.stringify leaves out a key whose value is undefined.
    await writeFile(file, `${JSON.stringify({ ...good143, id: undefined })}\n${JSON.stringify({ title: 'Only a title', abstract: 'And an abstract.' })}\n`);
    const items = await collect(readJsonLines(file));
    assert.deepEqual(items.map((i) => [record(i).id, record(i).title]), [[undefined, good143.title], [undefined, 'Only a title']]);
  });

  it('reads all of the committed arXiv sample', async () => {
    let n = 0;
    let first: PaperInput | null = null;
    let withDates = 0;
    for await (const item of readJsonLines(arxivSample)) {
      const p = record(item);
      n++;
      if (first === null) first = p;
      if (p.published) withDates++;
    }
    assert.equal(n, 3400);
    assert.equal(withDates, 3372);
    assert.ok(first);
    assert.equal(first.id, '1812.06145');
    assert.equal(first.where, `${arxivSample}:1`);
    assert.deepEqual(first.authors, ['Mahdi Abavisani', 'Hamid Reza Vaezi Joze', 'Vishal M. Patel']);
    assert.deepEqual(first.categories, ['cs.CV', 'cs.AI', 'cs.HC', 'cs.LG', 'stat.ML', '68T45, 62H30', 'I.5.3; I.2.10']);
    assert.equal(first.primaryCategory, 'cs.CV');
    assert.equal(first.published, null);
    assert.equal(first.listedOn, '2025-10-13');
  });

  it('stops reading when the consumer stops', async () => {
    let n = 0;
    for await (const item of readJsonLines(arxivSample)) {
      record(item);
      if (++n === 10) break;
    }
    assert.equal(n, 10);
  });
});

describe('readSourceFile and detectFormat', () => {
  it('detects formats from content', () => {
    assert.equal(detectFormat('{"id": 1}\n'), 'jsonl');
    assert.equal(detectFormat('\ufeff  {"id": 1}'), 'jsonl');
    assert.equal(detectFormat('<?xml version="1.0"?>\n<!-- c -->\n<feed xmlns="http://www.w3.org/2005/Atom">'), 'atom');
    assert.equal(detectFormat('<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">'), 'atom');
    assert.equal(detectFormat('<?xml version="1.0"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'), 'oai-pmh');
    assert.equal(detectFormat('-----------\n\\\\\narXiv:0704.0001\nFrom: x\n'), 'abs');
    assert.equal(detectFormat('\\\\\r\narXiv:0704.0001\r\n'), 'abs');
    assert.equal(detectFormat('<!DOCTYPE html>\n<html><body>502</body></html>'), null);
    assert.equal(detectFormat('id,title\n1,x\n'), null);
    assert.equal(detectFormat(''), null);
  });

  it('reads each fixture kind', async () => {
    const atom = await collect(readSourceFile(path.join(atomDir, 'id_list-1601.00001.xml')));
    assert.equal(record(atom[0]).id, 'http://arxiv.org/abs/1601.00001v1');
    const oai = await collect(readSourceFile(path.join(oaiDir, 'getrecord-single.xml')));
    assert.equal(record(oai[0]).id, '1401.2122');
    const abs = await collect(readSourceFile(path.join(absDir, '2304.09157.abs')));
    assert.equal(record(abs[0]).title, 'Neural networks for geospatial data');
  });

  it('reads gzipped XML and jsonl whatever their names', async () => {
    const xmlGz = path.join(tmp, 'page.bin');
    await writeFile(xmlGz, gzipSync(await readFile(path.join(oaiDir, 'getrecord-0.xml'))));
    const items = await collect(readSourceFile(xmlGz));
    assert.equal(items.length, 1);
    assert.equal(record(items[0]).id, '1601.03238');
    assert.equal(record(items[0]).where, `${xmlGz}#record 1`);

    const jsonGz = path.join(tmp, 'records.xml');
    await writeFile(jsonGz, gzipSync('{"id":"2401.00001","title":"T"}\n{"id":"2401.00002","title":"U"}\n'));
    const recs = await collect(readSourceFile(jsonGz));
    assert.deepEqual(
      recs.map((i) => record(i).id),
      ['2401.00001', '2401.00002'],
    );
  });

  it('yields one error naming the file for unknown formats, HTML pages and truncated XML', async () => {
    const full = await readText(path.join(atomDir, 'id_list-1601.00001.xml'));
    const cases: [string, string | Buffer, RegExp][] = [
      ['notes.txt', 'just some notes\n', /not JSON lines/],
      ['error.html', '<!DOCTYPE html><html><head><title>Error</title></head><body>oops</body></html>', /not JSON lines/],
      ['truncated.xml', full.slice(0, 1500), /not well-formed XML/],
      ['empty.jsonl', '', /not JSON lines/],
      ['oai-error.xml', '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badArgument">bad</error></OAI-PMH>', /badArgument: bad/],
    ];
    for (const [name, content, re] of cases) {
      const file = path.join(tmp, name);
      await writeFile(file, content);
      const items = await collect(readSourceFile(file));
      assert.equal(items.length, 1, name);
      const e = recordError(items[0]);
      assert.equal(e.where, file, name);
      assert.match(e.reason, re, name);
    }
  });

  it('throws when the file does not exist', async () => {
    await assert.rejects(collect(readSourceFile(path.join(tmp, 'missing.jsonl'))), { code: 'ENOENT' });
  });
});
