import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allCategories,
  canonicalCategory,
  categoryGroup,
  categoryInfo,
  categoryName,
  classifyCategoryToken,
  isKnownCategory,
} from '../../src/papers/taxonomy.js';
import { parseArxivId } from '../../src/papers/arxiv-id.js';

describe('taxonomy lookups', () => {
  it('names current categories', () => {
    assert.equal(categoryName('cs.CL'), 'Computation and Language');
    assert.equal(categoryName('cs.CV'), 'Computer Vision and Pattern Recognition');
    assert.equal(categoryName('hep-th'), 'High Energy Physics - Theory');
    assert.equal(categoryName('math.GT'), 'Geometric Topology');
    assert.equal(categoryName('q-bio.NC'), 'Neurons and Cognition');
    assert.equal(categoryName('q-fin.ST'), 'Statistical Finance');
    assert.equal(categoryName('stat.ML'), 'Machine Learning');
    assert.equal(categoryName('eess.IV'), 'Image and Video Processing');
    assert.equal(categoryName('econ.EM'), 'Econometrics');
    assert.equal(categoryName('astro-ph.CO'), 'Cosmology and Nongalactic Astrophysics');
    assert.equal(categoryName('cond-mat.mtrl-sci'), 'Materials Science');
    assert.equal(categoryName('nlin.CD'), 'Chaotic Dynamics');
    assert.equal(categoryName('physics.optics'), 'Optics');
    assert.equal(categoryName('quant-ph'), 'Quantum Physics');
    assert.equal(categoryName('gr-qc'), 'General Relativity and Quantum Cosmology');
    assert.equal(categoryName('math-ph'), 'Mathematical Physics');
  });

  it('knows the legacy archives old records carry', () => {
    for (const legacy of [
      'chao-dyn', 'solv-int', 'patt-sol', 'adap-org', 'comp-gas', 'alg-geom', 'dg-ga', 'funct-an', 'q-alg',
      'cmp-lg', 'mtrl-th', 'supr-con', 'atom-ph', 'chem-ph', 'plasm-ph', 'acc-phys', 'ao-sci', 'bayes-an',
      'astro-ph', 'cond-mat', 'cs', 'math', 'nlin', 'physics',
    ]) {
      assert.equal(isKnownCategory(legacy), true, legacy);
      assert.equal(categoryInfo(legacy)?.legacy, true, legacy);
    }
    assert.equal(categoryName('cmp-lg'), 'Computation and Language');
    assert.equal(categoryInfo('cmp-lg')?.subsumedBy, 'cs.CL');
    assert.equal(categoryInfo('chao-dyn')?.subsumedBy, 'nlin.CD');
    assert.equal(categoryInfo('astro-ph')?.subsumedBy, null);
    assert.equal(categoryName('physics'), 'Physics');
    assert.equal(categoryGroup('nlin'), 'physics');
  });

  it('knows every archive of old-style ids as a category, since records without one are filed under it', () => {
    for (const archive of [
      'acc-phys', 'adap-org', 'alg-geom', 'ao-sci', 'astro-ph', 'atom-ph', 'bayes-an', 'chao-dyn', 'chem-ph', 'cmp-lg', 'comp-gas',
      'cond-mat', 'cs', 'dg-ga', 'funct-an', 'gr-qc', 'hep-ex', 'hep-lat', 'hep-ph', 'hep-th', 'math', 'math-ph', 'mtrl-th', 'nlin',
      'nucl-ex', 'nucl-th', 'patt-sol', 'physics', 'plasm-ph', 'q-alg', 'q-bio', 'quant-ph', 'solv-int', 'supr-con',
    ]) {
      assert.equal(parseArxivId(`${archive}/9901001`)?.id, `${archive}/9901001`, archive);
      assert.equal(isKnownCategory(archive), true, archive);
    }
  });

  it('groups categories', () => {
    assert.equal(categoryGroup('cs.LG'), 'cs');
    assert.equal(categoryGroup('cmp-lg'), 'cs');
    assert.equal(categoryGroup('math.GT'), 'math');
    assert.equal(categoryGroup('alg-geom'), 'math');
    assert.equal(categoryGroup('hep-th'), 'physics');
    assert.equal(categoryGroup('math-ph'), 'physics');
    assert.equal(categoryGroup('nlin.SI'), 'physics');
    assert.equal(categoryGroup('q-bio.QM'), 'q-bio');
    assert.equal(categoryGroup('q-fin.CP'), 'q-fin');
    assert.equal(categoryGroup('stat.ME'), 'stat');
    assert.equal(categoryGroup('eess.SP'), 'eess');
    assert.equal(categoryGroup('econ.GN'), 'econ');
    assert.equal(categoryGroup('cs.XX'), null);
  });

  it('is exact: unknown ids, bare archives and other spellings are not categories', () => {
    for (const c of ['stat', 'eess', 'cs.XX', 'CS.CL', 'cs.cl', ' cs.CL', 'test.soft', '']) {
      assert.equal(isKnownCategory(c), false, c);
      assert.equal(categoryName(c), null, c);
    }
  });

  it('canonicalCategory accepts loose spellings', () => {
    assert.equal(canonicalCategory('cs.cv'), 'cs.CV');
    assert.equal(canonicalCategory(' CS.CL '), 'cs.CL');
    assert.equal(canonicalCategory('HEP-TH'), 'hep-th');
    assert.equal(canonicalCategory('CS'), 'cs');
    assert.equal(canonicalCategory('stat'), null);
  });

  it('lists every category once', () => {
    const all = allCategories();
    assert.equal(all.length, 180);
    assert.equal(all.filter((c) => c.legacy).length, 25);
    assert.equal(new Set(all.map((c) => c.id)).size, all.length);
  });
});

describe('classifyCategoryToken', () => {
  it('recognises categories', () => {
    assert.equal(classifyCategoryToken('cs.CV'), 'category');
    assert.equal(classifyCategoryToken('chao-dyn'), 'category');
  });

  it('recognises MSC classes as real records write them', () => {
    for (const token of [
      '68T45, 62H30',
      '68T05',
      '68',
      '62h30',
      '68-XX',
      '68Txx',
      '00A30 (Primary), 68T99 (Secondary)',
      'Primary 68T07, 65D15, Secondary 41A30, 11S85',
      '2020: 68T50, 68Q25',
      '05-04, 05-08, 05B30, 05C40, 05C50, 68Q25, 68Q87, 68R05, 68R10,\n  68T05, 68W20, 68W40',
      '68T05,',
    ]) {
      assert.equal(classifyCategoryToken(token), 'msc', token);
    }
  });

  it('recognises ACM classes', () => {
    for (const token of ['I.5.3; I.2.10', 'I.2', 'I.2.m', 'K.4.1, K.5.2', 'H.5.2; D.2.2; I.2.7; D.1.7; H.5.1', 'ACM-class: I.2.2']) {
      assert.equal(classifyCategoryToken(token), 'acm', token);
    }
  });

  it('leaves free text and typos unknown', () => {
    for (const token of [
      'stat',
      'Machine Learning',
      'N/A',
      '+',
      '68T01a',
      '1.2.6',
      'I.I.2',
      '68T07 Artificial neural networks and deep learning',
      'cs.CL, 92-02',
      'https://www.irs.gov/statistics',
      '',
    ]) {
      assert.equal(classifyCategoryToken(token), 'unknown', token);
    }
  });
});
