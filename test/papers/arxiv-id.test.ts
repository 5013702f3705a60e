import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { formatArxivId, isArxivId, parseArxivId } from '../../src/papers/arxiv-id.js';
import { fixturesDir } from '../support/paths.js';

describe('parseArxivId', () => {
  it('parses new-style ids, with and without version', () => {
    assert.deepEqual(parseArxivId('2401.12345'), { id: '2401.12345', version: null });
    assert.deepEqual(parseArxivId('2401.12345v2'), { id: '2401.12345', version: 2 });
    assert.deepEqual(parseArxivId('2401.12345V3'), { id: '2401.12345', version: 3 });
    assert.deepEqual(parseArxivId('0704.0001'), { id: '0704.0001', version: null });
    assert.deepEqual(parseArxivId('1412.9999v12'), { id: '1412.9999', version: 12 });
    assert.deepEqual(parseArxivId('1501.00001'), { id: '1501.00001', version: null });
  });

  it('uses 4 digits before 1501 and 5 digits from 1501 on', () => {
    assert.equal(parseArxivId('1412.12345'), null);
    assert.equal(parseArxivId('0704.00001'), null);
    assert.equal(parseArxivId('1501.0001'), null);
    assert.equal(parseArxivId('2401.1234'), null);
    assert.equal(parseArxivId('2401.123456'), null);
  });

  it('rejects bad months, pre-2007-04 new-style ids, zero numbers and zero versions', () => {
    assert.equal(parseArxivId('2413.12345'), null);
    assert.equal(parseArxivId('2400.12345'), null);
    assert.equal(parseArxivId('0703.1234'), null);
    assert.equal(parseArxivId('2401.00000'), null);
    assert.equal(parseArxivId('0704.0000'), null);
    assert.equal(parseArxivId('2401.12345v0'), null);
    assert.equal(parseArxivId('2401.12345v01'), null);
    assert.equal(parseArxivId('2401.12345v'), null);
  });

  it('parses old-style ids, dropping a subject class as arXiv does', () => {
    assert.deepEqual(parseArxivId('hep-th/9901001'), { id: 'hep-th/9901001', version: null });
    assert.deepEqual(parseArxivId('hep-th/9108001'), { id: 'hep-th/9108001', version: null });
    assert.deepEqual(parseArxivId('math/0309136v2'), { id: 'math/0309136', version: 2 });
    assert.deepEqual(parseArxivId('math.GT/0309136'), { id: 'math/0309136', version: null });
    assert.deepEqual(parseArxivId('cs.LG/0703001v1'), { id: 'cs/0703001', version: 1 });
    assert.deepEqual(parseArxivId('chao-dyn/9301001'), { id: 'chao-dyn/9301001', version: null });
    assert.deepEqual(parseArxivId('cond-mat/0011004'), { id: 'cond-mat/0011004', version: null });
    assert.deepEqual(parseArxivId('HEP-TH/9901001'), { id: 'hep-th/9901001', version: null });
  });

  it('rejects malformed old-style ids', () => {
    assert.equal(parseArxivId('hep-th/9913001'), null, 'month 13');
    assert.equal(parseArxivId('hep-th/9900001'), null, 'month 00');
    assert.equal(parseArxivId('hep-th/9107001'), null, 'before arXiv');
    assert.equal(parseArxivId('hep-th/0704001'), null, 'after the old scheme ended');
    assert.equal(parseArxivId('hep-th/9901000'), null, 'number 000');
    assert.equal(parseArxivId('hep-th/990100'), null, 'six digits');
    assert.equal(parseArxivId('hep-th/99010011'), null, 'eight digits');
    assert.equal(parseArxivId('foo-bar/9901001'), null, 'unknown archive');
    assert.equal(parseArxivId('stat/0601001'), null, 'archive opened after 2007-03');
    assert.equal(parseArxivId('math.XX/0309136'), null, 'unknown subject class');
    assert.equal(parseArxivId('0011004'), null, 'an .abs file name is not an id');
  });

  it('unwraps prefixes, OAI identifiers and URLs', () => {
    const cases: [string, string, number | null][] = [
      ['arXiv:2401.12345', '2401.12345', null],
      ['arxiv:2401.12345v2', '2401.12345', 2],
      ['arXiv: 2401.12345', '2401.12345', null],
      ['arXiv:cs/0011004', 'cs/0011004', null],
      ['oai:arXiv.org:1601.03238', '1601.03238', null],
      ['oai:arXiv.org:hep-th/9901001', 'hep-th/9901001', null],
      ['http://arxiv.org/abs/1601.00001v1', '1601.00001', 1],
      ['https://arxiv.org/abs/2401.12345', '2401.12345', null],
      ['https://www.arxiv.org/abs/2401.12345v3', '2401.12345', 3],
      ['http://export.arxiv.org/abs/hep-th/9901001v2', 'hep-th/9901001', 2],
      ['https://arxiv.org/pdf/2401.12345v2', '2401.12345', 2],
      ['https://arxiv.org/pdf/2401.12345v2.pdf', '2401.12345', 2],
      ['https://arxiv.org/pdf/math.GT/0309136.pdf', 'math/0309136', null],
      ['https://arxiv.org/abs/2401.12345/', '2401.12345', null],
      ['https://arxiv.org/abs/2401.12345?context=cs', '2401.12345', null],
      ['arxiv.org/abs/2401.12345', '2401.12345', null],
      ['  2401.12345\n', '2401.12345', null],
      ['arXiv:2401.12345 [cs.CL]', '2401.12345', null],
    ];
    for (const [raw, id, version] of cases) {
      assert.deepEqual(parseArxivId(raw), { id, version }, raw);
    }
  });

  it('rejects everything else', () => {
    for (const raw of [
      '',
      '   ',
      'arXiv:',
      '2401',
      '2401.12345x',
      'x2401.12345',
      '2401.12345 extra',
      'arXiv:2401.12345 [not-a-category]',
      'https://example.org/abs/2401.12345',
      'https://arxiv.org/list/cs.CL/recent',
      'doi:10.1000/182',
      'hep-th',
      '10.48550/arXiv.2401.12345',
    ]) {
      assert.equal(parseArxivId(raw), null, JSON.stringify(raw));
    }
  });

  it('reads every id in the .abs fixtures; their old-style file names are not ids', () => {
    const dir = path.join(fixturesDir, 'abs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.abs'));
    assert.ok(files.length > 100);
    for (const file of files) {
      const line = /^arXiv:\S+$/m.exec(readFileSync(path.join(dir, file), 'utf8'))?.[0];
      assert.ok(line, file);
      assert.notEqual(parseArxivId(line), null, `${file}: ${line}`);
      const stem = file.replace(/\.abs$/, '');
      assert.equal(parseArxivId(stem) !== null, /^\d{4}\.\d{4,5}(v\d+)?$/.test(stem), stem);
    }
  });
});

describe('isArxivId / formatArxivId', () => {
  it('isArxivId accepts what parseArxivId accepts', () => {
    assert.equal(isArxivId('2401.12345'), true);
    assert.equal(isArxivId('arXiv:hep-th/9901001v2'), true);
    assert.equal(isArxivId('1412.12345'), false);
    assert.equal(isArxivId('0011004'), false);
  });

  it('formatArxivId appends a version when given', () => {
    assert.equal(formatArxivId('2401.12345'), '2401.12345');
    assert.equal(formatArxivId('2401.12345', null), '2401.12345');
    assert.equal(formatArxivId('2401.12345', 2), '2401.12345v2');
    assert.equal(formatArxivId('hep-th/9901001', 1), 'hep-th/9901001v1');
  });
});
