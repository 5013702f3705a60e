import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAuthors } from '../../src/papers/authors.js';

describe('normalizeAuthors: one string', () => {
  it('splits on commas and "and", with or without the serial comma', () => {
    assert.deepEqual(normalizeAuthors('A. Smith, B. Jones and C. Wu'), ['A. Smith', 'B. Jones', 'C. Wu']);
    assert.deepEqual(normalizeAuthors('A. Ralko, F. Mila, and D. Poilblanc'), ['A. Ralko', 'F. Mila', 'D. Poilblanc']);
    assert.deepEqual(normalizeAuthors('J. Mueller-Quade and H. Imai'), ['J. Mueller-Quade', 'H. Imai']);
    assert.deepEqual(normalizeAuthors('Solo Author'), ['Solo Author']);
  });

  it('keeps suffixes with their names', () => {
    assert.deepEqual(normalizeAuthors('Caleb K. Lo, Robert W. Heath, Jr. and Sriram Vishwanath'), [
      'Caleb K. Lo',
      'Robert W. Heath Jr.',
      'Sriram Vishwanath',
    ]);
    assert.deepEqual(normalizeAuthors('D. Portes Jr., H. Rodrigues, S. B. Duarte and B. Baseia'), [
      'D. Portes Jr.',
      'H. Rodrigues',
      'S. B. Duarte',
      'B. Baseia',
    ]);
    assert.deepEqual(normalizeAuthors('D.E. Fields, M. Finger, M.\n  Finger,\\, Jr., F. Fleuret'), [
      'D.E. Fields',
      'M. Finger',
      'M. Finger Jr.',
      'F. Fleuret',
    ]);
    assert.deepEqual(normalizeAuthors('Yongxing Guo, Jay X. Tang, and James M. Valles Jr'), [
      'Yongxing Guo',
      'Jay X. Tang',
      'James M. Valles Jr',
    ]);
    assert.deepEqual(normalizeAuthors('John Smith, III and Jane Doe'), ['John Smith III', 'Jane Doe']);
  });

  it('drops affiliations without splitting inside them', () => {
    assert.deepEqual(
      normalizeAuthors(
        "A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, Japan\n  Science and Technology Agency, (2) Russian Research Centre ``Kurchatov\n  Institute'', (3) The University of Tokyo)",
      ),
      ['A. S. Mishchenko', 'N. Nagaosa'],
    );
    assert.deepEqual(
      normalizeAuthors('Felipe Marin (Chicago, KICP), Risa Wechsler (KIPAC, Stanford), Joshua\n  Frieman (Chicago, KICP and Fermilab)'),
      ['Felipe Marin', 'Risa Wechsler', 'Joshua Frieman'],
    );
    assert.deepEqual(normalizeAuthors('Antonio Pipino (1,3), Thomas H. Puzia (2,4), & Francesca Matteucci (3)'), [
      'Antonio Pipino',
      'Thomas H. Puzia',
      'Francesca Matteucci',
    ]);
  });

  it('keeps LaTeX in names and folds whitespace', () => {
    assert.deepEqual(normalizeAuthors("Hadj-Ali Gueniche (DCPR), Ren{\\'e} Fournet (DCPR), Fr{\\'e}d{\\'e}rique\n  Battin-Leclerc"), [
      'Hadj-Ali Gueniche',
      "Ren{\\'e} Fournet",
      "Fr{\\'e}d{\\'e}rique Battin-Leclerc",
    ]);
    assert.deepEqual(normalizeAuthors('Peter Brommer and Franz G\\"ahler'), ['Peter Brommer', 'Franz G\\"ahler']);
  });

  it('gives no authors for empty input', () => {
    assert.deepEqual(normalizeAuthors(''), []);
    assert.deepEqual(normalizeAuthors(' , and '), []);
    assert.deepEqual(normalizeAuthors(null), []);
    assert.deepEqual(normalizeAuthors(undefined), []);
  });
});

describe('normalizeAuthors: a list of names', () => {
  it('keeps each entry as one name, folding whitespace', () => {
    assert.deepEqual(normalizeAuthors(['Mahdi Abavisani', ' Hamid  Reza\nVaezi Joze ', 'Vishal M. Patel']), [
      'Mahdi Abavisani',
      'Hamid Reza Vaezi Joze',
      'Vishal M. Patel',
    ]);
  });

  it('cleans the debris found in real lists', () => {
    assert.deepEqual(normalizeAuthors(['DeepSeek-AI', ':', 'Xiao Bi']), ['DeepSeek-AI', 'Xiao Bi']);
    assert.deepEqual(normalizeAuthors(['Haoshen Qin and', 'and Ran Cheng', '.', '']), ['Haoshen Qin', 'Ran Cheng']);
    assert.deepEqual(normalizeAuthors(['\\\\Ajinkya Umesh Mulik', 'Sathyanarayanan N. Aakur\\\\']), [
      'Ajinkya Umesh Mulik',
      'Sathyanarayanan N. Aakur',
    ]);
    assert.deepEqual(normalizeAuthors(['John R. Buchanan, Jr.']), ['John R. Buchanan Jr.']);
    assert.deepEqual(normalizeAuthors(['Antonio de Sousa Leitão Filho; Allan Kardec Duailibe Barros Filho']), [
      'Antonio de Sousa Leitão Filho',
      'Allan Kardec Duailibe Barros Filho',
    ]);
  });
});

describe('normalizeAuthors: parsed parts', () => {
  it('writes [keyname, forenames, suffix] as "forenames keyname suffix"', () => {
    assert.deepEqual(
      normalizeAuthors([
        ['Planck Collaboration'],
        ['Wang', 'Jieci'],
        ['W.', 'R.', 'IV'],
        ['Smith', 'John', 'Jr.'],
        [':'],
        ['', ''],
      ]),
      ['Planck Collaboration', 'Jieci Wang', 'R. W. IV', 'John Smith Jr.'],
    );
  });
});
