/**
 * Truncated SVD of a sparse matrix by the randomized range finder (Halko, Martinsson and Tropp,
 * 2011): project onto a random subspace a little wider than wanted, sharpen it with power
 * iterations, and solve the small problem exactly. Only the top right singular vectors are
 * needed (they map a TF-IDF row to its vector), so the doc side is never kept.
 *
 * Dense matrices are row-major Float64Arrays; loops run along rows so they stay in cache.
 */
import { seededRandom } from '../random.js';

/** Compressed sparse rows. */
export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
}

export interface TruncatedSvd {
  /** Right singular vectors, cols × k, row-major. */
  vectors: Float64Array;
  /** Singular values, largest first. */
  values: Float64Array;
  k: number;
}

export interface SvdOptions {
  k: number;
  oversample?: number;
  powerIterations?: number;
  seed?: number;
}

export function truncatedSvd(a: Csr, options: SvdOptions): TruncatedSvd {
  const k = Math.min(options.k, a.rows, a.cols);
  const l = Math.min(k + (options.oversample ?? 10), a.rows, a.cols);
  const random = gaussian(options.seed ?? 42);
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = random();

  // Y = (A Aᵀ)^q A Ω spans (nearly) the top left singular vectors. Y is never orthonormalized
  // (that would cost rows × l² twice per step): the small generalized eigenproblem below works
  // with YᵀY instead. With q = 1 or 2 its condition stays far inside float64.
  let y = multiply(a, omega, l);
  for (let it = 0; it < (options.powerIterations ?? 1); it++) {
    y = multiply(a, scaleToUnit(multiplyTransposed(a, y, l)), l);
    scaleToUnit(y);
  }
  // With Q = Y R⁻¹ orthonormal (RᵀR = YᵀY), B = QᵀA and B Bᵀ = R⁻ᵀ (Bᵗ)ᵀ Bᵗ R⁻¹ where Bᵗ = AᵀY.
  const bt = multiplyTransposed(a, y, l);
  const whiten = inverseSquareRoot(gram(y, a.rows, l), l);
  const small = congruence(whiten, gram(bt, a.cols, l), l);
  const { values, vectors: u } = symmetricEigen(small, l);
  // Right singular vectors: Bᵗ · whiten · u_j / σ_j.
  const mix = multiplyDense(whiten, l, l, u, l);
  const sigma = new Float64Array(k);
  const scaled = new Float64Array(l * k);
  for (let j = 0; j < k; j++) {
    sigma[j] = Math.sqrt(Math.max(values[j]!, 0));
    const inverse = sigma[j]! > 1e-12 * Math.sqrt(Math.max(values[0]!, 1e-300)) ? 1 / sigma[j]! : 0;
    for (let i = 0; i < l; i++) scaled[i * k + j] = mix[i * l + j]! * inverse;
  }
  return { vectors: multiplyDense(bt, a.cols, l, scaled, k), values: sigma, k };
}

/** W Λ^-½ for G = W Λ Wᵀ, dropping directions with next to no weight (columns of zeros). */
function inverseSquareRoot(g: Float64Array, l: number): Float64Array {
  const { values, vectors } = symmetricEigen(g, l);
  const largest = Math.max(values[0]!, 1e-300);
  const t = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    const scale = values[j]! > largest * 1e-12 ? 1 / Math.sqrt(values[j]!) : 0;
    for (let i = 0; i < l; i++) t[i * l + j] = vectors[i * l + j]! * scale;
  }
  return t;
}

/** Tᵀ C T for l × l matrices. */
function congruence(t: Float64Array, c: Float64Array, l: number): Float64Array {
  const ct = multiplyDense(c, l, l, t, l);
  const out = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let r = 0; r < l; r++) {
      const v = t[r * l + i]!;
      if (v === 0) continue;
      for (let j = 0; j < l; j++) out[i * l + j]! += v * ct[r * l + j]!;
    }
  }
  return out;
}

/** Divides a matrix by its largest entry, so repeated products neither overflow nor underflow. */
function scaleToUnit(m: Float64Array): Float64Array {
  let largest = 0;
  for (let i = 0; i < m.length; i++) largest = Math.max(largest, Math.abs(m[i]!));
  if (largest > 0) for (let i = 0; i < m.length; i++) m[i]! /= largest;
  return m;
}

/** A × M, where M is a.cols × l. */
export function multiply(a: Csr, m: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.rows * l);
  for (let r = 0; r < a.rows; r++) {
    const o = r * l;
    for (let p = a.rowPtr[r]!; p < a.rowPtr[r + 1]!; p++) {
      const v = a.values[p]!;
      const mo = a.colIdx[p]! * l;
      for (let j = 0; j < l; j++) out[o + j]! += v * m[mo + j]!;
    }
  }
  return out;
}

/** Aᵀ × M, where M is a.rows × l. */
export function multiplyTransposed(a: Csr, m: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.cols * l);
  for (let r = 0; r < a.rows; r++) {
    const mo = r * l;
    for (let p = a.rowPtr[r]!; p < a.rowPtr[r + 1]!; p++) {
      const v = a.values[p]!;
      const o = a.colIdx[p]! * l;
      for (let j = 0; j < l; j++) out[o + j]! += v * m[mo + j]!;
    }
  }
  return out;
}

/** M × T for dense M (rows × l) and T (l × k). */
function multiplyDense(m: Float64Array, rows: number, l: number, t: Float64Array, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let i = 0; i < l; i++) {
      const v = m[r * l + i]!;
      if (v === 0) continue;
      const to = i * k;
      for (let j = 0; j < k; j++) out[o + j]! += v * t[to + j]!;
    }
  }
  return out;
}

/** Mᵀ M for M rows × l (only the upper triangle is summed, then mirrored). */
function gram(m: Float64Array, rows: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  for (let r = 0; r < rows; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const v = m[o + i]!;
      if (v === 0) continue;
      const go = i * l;
      for (let j = i; j < l; j++) g[go + j]! += v * m[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i]!;
  return g;
}

/**
 * Eigenvalues (largest first) and eigenvectors (columns of an n × n row-major matrix) of a
 * symmetric matrix: Householder reduction to tridiagonal form, then the implicit QL method
 * (the classic tred2 / tql2 pair), O(n³) with a small constant.
 */
export function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  // z holds the matrix as rows z[i][j] during reduction, then the eigenvectors as columns.
  const z = Array.from({ length: n }, (_, i) => Float64Array.from(input.subarray(i * n, i * n + n)));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(z, d, e, n);
  // QL rotates pairs of columns: hold them as contiguous arrays.
  const columns = Array.from({ length: n }, (_, j) => Float64Array.from(z, (row) => row[j]!));
  diagonalize(columns, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = d[from]!;
    const column = columns[from]!;
    for (let k = 0; k < n; k++) vectors[k * n + to] = column[k]!;
  });
  return { values, vectors };
}

/** Householder tridiagonalization (tred2): d gets the diagonal, e the sub-diagonal, z the transform. */
function tridiagonalize(z: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = z[n - 1]![j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = z[i - 1]![j]!;
        z[i]![j] = 0;
        z[j]![i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        z[j]![i] = f;
        g = e[j]! + z[j]![j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += z[k]![j]! * d[k]!;
          e[k]! += z[k]![j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) z[k]![j]! -= f * e[k]! + g * d[k]!;
        d[j] = z[i - 1]![j]!;
        z[i]![j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    z[n - 1]![i] = z[i]![i]!;
    z[i]![i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = z[k]![i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += z[k]![i + 1]! * z[k]![j]!;
        for (let k = 0; k <= i; k++) z[k]![j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) z[k]![i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = z[n - 1]![j]!;
    z[n - 1]![j] = 0;
  }
  z[n - 1]![n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL iterations on the tridiagonal matrix (tql2), rotating the eigenvector columns along. */
function diagonalize(columns: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      for (let iter = 0; iter < 60; iter++) {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const ci = columns[i]!;
          const cj = columns[i + 1]!;
          for (let k = 0; k < n; k++) {
            h = cj[k]!;
            cj[k] = s * ci[k]! + c * h;
            ci[k] = c * ci[k]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (Math.abs(e[l]!) <= eps * tst1) break;
      }
    }
    d[l]! += f;
    e[l] = 0;
  }
}

/** Standard normal numbers from a seeded generator, so training twice gives the same model. */
function gaussian(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}
