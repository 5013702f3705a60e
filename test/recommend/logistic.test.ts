import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crossProducts, fitLogistic, fitLogisticGram, primalOf, scoreRows } from '../../src/recommend/logistic.js';

function unitRows(n: number, d: number, seed: number, shift: number): Float32Array {
  let s = seed;
  const random = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    let norm = 0;
    for (let k = 0; k < d; k++) {
      const v = random() + (k < 4 ? shift : 0);
      out[r * d + k] = v;
      norm += v * v;
    }
    for (let k = 0; k < d; k++) out[r * d + k]! /= Math.sqrt(norm);
  }
  return out;
}

describe('logistic regression from dot products', () => {
  it('fits the same model as the fit over the vectors', () => {
    const d = 32;
    const positives = unitRows(7, d, 1, 0.4);
    const negatives = unitRows(60, d, 2, 0);
    const mask = Uint8Array.from({ length: 60 }, (_, i) => (i === 3 ? 0 : 1));
    const options = { l2: 0.01, maxEvaluations: 200, tolerance: 1e-8 };
    for (const m of [null, mask]) {
      const primal = fitLogistic(positives, negatives, d, m, options);
      const gram = { nn: crossProducts(negatives, negatives, d), pn: crossProducts(positives, negatives, d), pp: crossProducts(positives, positives, d) };
      const dual = primalOf(fitLogisticGram(gram, 7, 60, m, options), positives, negatives, d);
      for (let k = 0; k <= d; k++) assert.ok(Math.abs(primal[k]! - dual[k]!) < 1e-4, `weight ${k}: ${primal[k]} vs ${dual[k]}`);
      const a = scoreRows(primal, negatives, d);
      const b = scoreRows(dual, negatives, d);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-4);
    }
  });
});
