import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byTopic, feedbackVector } from '../../src/search/feedback.js';

const v = (...xs: number[]) => Float32Array.from(xs);
const rounded = (x: Float32Array | null) => (x ? [...x].map((n) => Number(n.toFixed(4))) : x);

describe('the query vector moved toward its best keyword matches', () => {
  it('adds the weighted mean of the matches to the query, at unit length', () => {
    // (1, 0) + 0.5 × mean((0, 1), (0, 1)) = (1, 0.5), scaled to length 1.
    assert.deepEqual(rounded(feedbackVector(v(1, 0), [v(0, 1), v(0, 1)], 0.5)), [0.8944, 0.4472]);
    // The mean, not the sum: three matches pull as hard as one.
    assert.deepEqual(rounded(feedbackVector(v(1, 0), [v(0, 1), v(0, 1), v(0, 1)], 0.5)), [0.8944, 0.4472]);
  });

  it('is the query alone without matches, and the matches alone for a query the model cannot embed', () => {
    assert.deepEqual(rounded(feedbackVector(v(0.6, 0.8), [])), [0.6, 0.8]);
    assert.deepEqual(rounded(feedbackVector(null, [v(1, 0), v(0, 1)])), [0.7071, 0.7071]);
  });

  it('is nothing when there is nothing to go on', () => {
    assert.equal(feedbackVector(null, []), null);
    // Matches that cancel out leave no direction.
    assert.equal(feedbackVector(null, [v(1, 0), v(-1, 0)]), null);
  });
});

describe('keyword matches ordered by BM25 and closeness to the topic', () => {
  // FTS5's BM25 is negative, lower is better.
  const hits = [
    { doc: 1, score: -10 },
    { doc: 2, score: -9 },
    { doc: 3, score: -5 },
  ];

  it('lets a match close to the topic pass one with a little more BM25', () => {
    // doc 1: 1 + 0.3 × 0.1 = 1.03; doc 2: 0.9 + 0.3 × 0.9 = 1.17; doc 3: 0.5 + 0.3 × 1 = 0.8.
    const closeness = new Map([
      [1, 0.1],
      [2, 0.9],
      [3, 1],
    ]);
    assert.deepEqual(byTopic(hits, closeness, 0.3).map((h) => h.doc), [2, 1, 3]);
  });

  it('keeps the keyword order when closeness is equal, missing or not counted', () => {
    assert.deepEqual(byTopic(hits, new Map([[1, 0.5], [2, 0.5], [3, 0.5]]), 0.3).map((h) => h.doc), [1, 2, 3]);
    assert.deepEqual(byTopic(hits, new Map(), 0.3).map((h) => h.doc), [1, 2, 3]);
    assert.deepEqual(byTopic(hits, new Map([[3, 1]]), 0).map((h) => h.doc), [1, 2, 3]);
  });

  it('counts a match without a vector as unrelated to the topic', () => {
    // doc 1 has no vector: 1 + 0 = 1; doc 2: 0.9 + 0.3 × 0.5 = 1.05.
    assert.deepEqual(byTopic(hits, new Map([[2, 0.5], [3, 0.5]]), 0.3).map((h) => h.doc), [2, 1, 3]);
  });

  it('orders by closeness alone when no match has any BM25', () => {
    const flat = [
      { doc: 1, score: 0 },
      { doc: 2, score: 0 },
    ];
    assert.deepEqual(byTopic(flat, new Map([[1, 0.2], [2, 0.4]]), 0.3).map((h) => h.doc), [2, 1]);
    assert.deepEqual(byTopic([], new Map(), 0.3), []);
  });
});
