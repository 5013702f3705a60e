import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bm25, idf, type DocField, type DocPostings } from '../../src/search/bm25.js';
import { DEFAULT_FIELD_WEIGHTS } from '../../src/search/keyword-index.js';

function doc(length: number, words: Record<string, [number, DocField][]>): DocPostings {
  return { doc: 1, length, words: new Map(Object.entries(words).map(([w, list]) => [w, list.map(([position, field]) => ({ position, field }))])) };
}

// FTS5's bm25() (fts5_aux.c) worked by hand: idf = ln((N - n + 0.5) / (n + 0.5)), clamped to 1e-6
// when not positive; score = sum of idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)), with
// k1 = 1.2, b = 0.75 and f the occurrences counted by their field's weight.
describe('BM25 as FTS5 computes it', () => {
  const corpus = { papers: 10, averageLength: 10 };

  it('weighs each occurrence by its field and saturates with the count', () => {
    const d = doc(10, { graph: [[1, 'title'], [5, 'abstract']] });
    const expected = Math.log(9.5 / 1.5) * ((3 * 2.2) / (3 + 1.2));
    assert.ok(Math.abs(bm25(d, [{ lexemes: ['graph'], prefix: false, field: null, papers: 1 }], corpus, DEFAULT_FIELD_WEIGHTS) - expected) < 1e-12);
  });

  it('counts a phrase where its words stand side by side in one field, and a prefix for every word it starts', () => {
    // "neural network" in the title (1, 2); "neural" ends the title (3) and "network" starts the authors (4): no phrase there.
    const d = doc(20, { neural: [[1, 'title'], [3, 'title']], network: [[2, 'title'], [4, 'authors']], transform: [[9, 'abstract']], transfer: [[12, 'abstract']] });
    const norm = 1.2 * (1 - 0.75 + 0.75 * 2);
    const phrase = bm25(d, [{ lexemes: ['neural', 'network'], prefix: false, field: null, papers: 2 }], corpus, DEFAULT_FIELD_WEIGHTS);
    assert.ok(Math.abs(phrase - Math.log(8.5 / 2.5) * ((2 * 2.2) / (2 + norm))) < 1e-12);
    const prefix = bm25(d, [{ lexemes: ['transf'], prefix: true, field: null, papers: 2 }], corpus, DEFAULT_FIELD_WEIGHTS);
    assert.ok(Math.abs(prefix - Math.log(8.5 / 2.5) * ((2 * 2.2) / (2 + norm))) < 1e-12);
    // Held to the authors: only the occurrence there counts (weight 1.5).
    const authors = bm25(d, [{ lexemes: ['network'], prefix: false, field: 'authors', papers: 1 }], corpus, DEFAULT_FIELD_WEIGHTS);
    assert.ok(Math.abs(authors - Math.log(9.5 / 1.5) * ((1.5 * 2.2) / (1.5 + norm))) < 1e-12);
  });

  it('gives a phrase in half the papers or more almost no weight, never a negative one', () => {
    assert.equal(idf(5, corpus), 1e-6);
    assert.equal(idf(9, corpus), 1e-6);
    assert.ok(idf(4, corpus) > 0);
    assert.equal(bm25(doc(10, {}), [{ lexemes: ['absent'], prefix: false, field: null, papers: 1 }], corpus, DEFAULT_FIELD_WEIGHTS), 0);
  });
});
