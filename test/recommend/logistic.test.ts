import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crossProducts, fitLogisticGram, primalOf, sigmoid } from '../../src/recommend/logistic.js';

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

/**
 * The gradient of the loss the model minimizes, computed plainly over the vectors: positives and
 * the kept negatives each weigh one half, plus `l2 / 2 · |w|²` on the weights (not the bias).
 */
function lossGradient(w: Float64Array, positives: Float32Array, negatives: Float32Array, d: number, mask: Uint8Array | null, l2: number): Float64Array {
  const grad = new Float64Array(d + 1);
  const nPos = positives.length / d;
  const kept = [...Array(negatives.length / d).keys()].filter((i) => mask === null || mask[i] === 1);
  const add = (x: Float32Array, row: number, target: 0 | 1, weight: number) => {
    let z = w[d]!;
    for (let k = 0; k < d; k++) z += w[k]! * x[row * d + k]!;
    const g = weight * (sigmoid(z) - target);
    for (let k = 0; k < d; k++) grad[k]! += g * x[row * d + k]!;
    grad[d]! += g;
  };
  for (let r = 0; r < nPos; r++) add(positives, r, 1, 0.5 / nPos);
  for (const r of kept) add(negatives, r, 0, 0.5 / kept.length);
  for (let k = 0; k < d; k++) grad[k]! += l2 * w[k]!;
  return grad;
}

describe('logistic regression from dot products', () => {
  it('reaches the optimum of the loss over the vectors (its gradient there is zero)', () => {
    const d = 32;
    const positives = unitRows(7, d, 1, 0.4);
    const negatives = unitRows(60, d, 2, 0);
    const mask = Uint8Array.from({ length: 60 }, (_, i) => (i === 3 ? 0 : 1));
    const options = { l2: 0.01, maxEvaluations: 200, tolerance: 1e-8 };
    for (const m of [null, mask]) {
      const gram = { nn: crossProducts(negatives, negatives, d), pn: crossProducts(positives, negatives, d), pp: crossProducts(positives, positives, d) };
      const w = primalOf(fitLogisticGram(gram, 7, 60, m, options), positives, negatives, d);
      const grad = lossGradient(w, positives, negatives, d, m, options.l2);
      assert.ok(grad.every((g) => Math.abs(g) < 1e-5), `largest gradient component ${Math.max(...grad.map(Math.abs))}`);
      // And the model separates what it was given: positives score above the negatives on average.
      const mean = (x: Float32Array) => {
        let total = 0;
        for (let r = 0; r < x.length / d; r++) {
          let z = w[d]!;
          for (let k = 0; k < d; k++) z += w[k]! * x[r * d + k]!;
          total += z;
        }
        return total / (x.length / d);
      };
      assert.ok(mean(positives) > mean(negatives));
    }
  });
});
