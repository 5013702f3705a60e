/**
 * L2-regularized logistic regression for one member's "For you" model, fitted by L-BFGS.
 *
 * Examples are unit vectors in rows of Float32Arrays; positives and negatives each weigh one half
 * in all (a member has a handful of positives against a few hundred sampled negatives), the loss is
 * their weighted mean plus `l2 / 2 · |w|²` (the bias is not regularized). With that penalty the
 * optimal weights are a combination of the examples (`w = Σ cᵢ xᵢ`), so L-BFGS works on the
 * coefficients `c` and needs only the examples' dot products: the negatives' products are shared
 * by every member of a run, and each pass costs a (P + N)² product instead of two passes over the
 * vectors. It reaches the optimum in about a dozen passes.
 */

/** Weights then bias: `d + 1` numbers. */
export type LinearModel = Float64Array;

export interface LogisticOptions {
  l2: number;
  /** Passes over the examples (each is one loss and gradient). */
  maxEvaluations: number;
  /** Stop when the gradient's length is below this. */
  tolerance?: number;
}

/** Past steps kept by L-BFGS. */
const MEMORY = 6;

/**
 * The examples' dot products, in blocks: what `fitLogisticGram` trains on instead of the vectors.
 * Rows are the `P` positives then the `N` negatives; the negatives' block is shared by every member.
 */
export interface GramBlocks {
  /** Negatives·negatives, `N × N`, row-major. */
  nn: Float64Array;
  /** Positives·negatives, `P × N`, row-major. */
  pn: Float64Array;
  /** Positives·positives, `P × P`, row-major. */
  pp: Float64Array;
}

/** The fitted model as weights on the examples: `w = Σ coefficients[i] · x[i]` (positives first), and the bias. */
export interface DualModel {
  coefficients: Float64Array;
  bias: number;
}

/**
 * The same fit as `fitLogistic`, from the examples' dot products rather than their vectors.
 *
 * Starting from w = 0, every gradient, step and L-BFGS direction is a combination of the examples
 * (the bias aside), so each is kept as its coefficients on the examples together with its image
 * under the Gram matrix K (the dot products of the examples with it): a dot product of two such
 * vectors is `a·(K b)`, the scores are `K a + bias`, and one pass costs one product with K
 * (n² for n examples) instead of the two passes over the vectors (2·n·d). Trial points of the line
 * search cost O(n): only an accepted point needs the product with K. With a few hundred negatives
 * shared by every member and their K block computed once, a member's fit costs about half the
 * primal one, and the iterates are the primal ones up to rounding. `tolerance` bounds the
 * gradient's Euclidean norm.
 */
export function fitLogisticGram(gram: GramBlocks, nPos: number, nNeg: number, negativeMask: Uint8Array | null, options: LogisticOptions): DualModel {
  const n = nPos + nNeg;
  let usedNeg = nNeg;
  if (negativeMask) {
    usedNeg = 0;
    for (let i = 0; i < nNeg; i++) usedNeg += negativeMask[i]!;
  }
  const weight = new Float64Array(n);
  const positive = new Uint8Array(n);
  for (let i = 0; i < nPos; i++) {
    weight[i] = 0.5 / nPos;
    positive[i] = 1;
  }
  for (let i = 0; i < nNeg; i++) weight[nPos + i] = usedNeg > 0 && (negativeMask === null || negativeMask[i] === 1) ? 0.5 / usedNeg : 0;
  const l2 = options.l2;
  const tolerance = options.tolerance ?? 1e-5;

  const residual = new Float64Array(n);
  const image = new Float64Array(n);
  /** The loss at `w` (its image gives the scores); leaves each example's weighted residual in `residual`. */
  const lossAt = (w: DualVector): number => {
    let loss = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      norm += w.c[i]! * w.k[i]!;
      const c = weight[i]!;
      if (c === 0) {
        residual[i] = 0;
        continue;
      }
      const z = w.b + w.k[i]!;
      const m = positive[i] === 1 ? -z : z;
      loss += c * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
      residual[i] = c * (sigmoid(z) - positive[i]!);
    }
    return loss + 0.5 * l2 * norm;
  };
  /** The gradient at `w`, right after `lossAt(w)`. */
  const gradientAt = (w: DualVector, grad: DualVector): void => {
    gramTimes(gram, nPos, nNeg, residual, image);
    let bias = 0;
    for (let i = 0; i < n; i++) {
      grad.c[i] = residual[i]! + l2 * w.c[i]!;
      grad.k[i] = image[i]! + l2 * w.k[i]!;
      bias += residual[i]!;
    }
    grad.b = bias;
  };

  let w = dualVector(n);
  let grad = dualVector(n);
  let loss = lossAt(w);
  gradientAt(w, grad);
  let evaluations = 1;
  const s: DualVector[] = [];
  const y: DualVector[] = [];
  const rho: number[] = [];
  const direction = dualVector(n);
  const alpha = new Float64Array(MEMORY);
  let next = dualVector(n);
  let nextGrad = dualVector(n);

  while (evaluations < options.maxEvaluations && Math.sqrt(Math.max(0, dualDot(grad, grad))) > tolerance) {
    // Two-loop recursion: direction = -H·grad.
    dualScaled(-1, grad, direction);
    for (let i = s.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dualDot(s[i]!, direction);
      dualAxpy(-alpha[i]!, y[i]!, direction);
    }
    const last = s.length - 1;
    const scale = last >= 0 ? dualDot(s[last]!, y[last]!) / dualDot(y[last]!, y[last]!) : 1 / Math.max(1, Math.sqrt(dualDot(grad, grad)));
    dualScaled(scale, direction, direction);
    for (let i = 0; i < s.length; i++) {
      const beta = rho[i]! * dualDot(y[i]!, direction);
      dualAxpy(alpha[i]! - beta, s[i]!, direction);
    }
    let slope = dualDot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction (rounding): fall back to the gradient and forget the history.
      dualScaled(-1, grad, direction);
      slope = -dualDot(grad, grad);
      s.length = 0;
      y.length = 0;
      rho.length = 0;
    }
    // Backtracking line search (Armijo); a trial point costs O(n).
    let step = 1;
    let nextLoss = Infinity;
    for (let trial = 1; ; trial++) {
      for (let i = 0; i < n; i++) {
        next.c[i] = w.c[i]! + step * direction.c[i]!;
        next.k[i] = w.k[i]! + step * direction.k[i]!;
      }
      next.b = w.b + step * direction.b;
      nextLoss = lossAt(next);
      if (nextLoss <= loss + 1e-4 * step * slope || trial >= options.maxEvaluations) break;
      step *= 0.5;
    }
    if (!(nextLoss <= loss)) break;
    gradientAt(next, nextGrad);
    evaluations++;
    const sk = dualVector(n);
    const yk = dualVector(n);
    for (let i = 0; i < n; i++) {
      sk.c[i] = next.c[i]! - w.c[i]!;
      sk.k[i] = next.k[i]! - w.k[i]!;
      yk.c[i] = nextGrad.c[i]! - grad.c[i]!;
      yk.k[i] = nextGrad.k[i]! - grad.k[i]!;
    }
    sk.b = next.b - w.b;
    yk.b = nextGrad.b - grad.b;
    const sy = dualDot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === MEMORY) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    const improvement = loss - nextLoss;
    [w, next] = [next, w];
    [grad, nextGrad] = [nextGrad, grad];
    loss = nextLoss;
    if (improvement < 1e-9 * Math.max(1, Math.abs(loss))) break;
  }
  return { coefficients: w.c, bias: w.b };
}

/** The weights `Σ coefficients[i] · x[i]` and the bias of a dual model, from the positives' and negatives' vectors. */
export function primalOf(model: DualModel, positives: Float32Array, negatives: Float32Array, d: number): LinearModel {
  const w = new Float64Array(d + 1);
  const nPos = positives.length / d;
  addRows(model.coefficients, 0, positives, nPos, d, w);
  addRows(model.coefficients, nPos, negatives, negatives.length / d, d, w);
  w[d] = model.bias;
  return w;
}

function addRows(coefficients: Float64Array, from: number, x: Float32Array, rows: number, d: number, w: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const a = coefficients[from + r]!;
    if (a === 0) continue;
    const offset = r * d;
    for (let k = 0; k < d; k++) w[k]! += a * x[offset + k]!;
  }
}

/** The dot products of each row of `a` with each row of `b`, `rows(a) × rows(b)`, row-major. */
export function crossProducts(a: Float32Array, b: Float32Array, d: number): Float64Array {
  const na = a.length / d;
  const nb = b.length / d;
  const out = new Float64Array(na * nb);
  const row = new Float64Array(d);
  for (let i = 0; i < na; i++) {
    for (let k = 0; k < d; k++) row[k] = a[i * d + k]!;
    for (let j = 0; j < nb; j++) out[i * nb + j] = rowDot(row, b, j * d, d);
  }
  return out;
}

/** A vector of the weight space kept as coefficients on the examples (`c`), their image under the Gram matrix (`k`), and the bias (`b`). */
interface DualVector {
  c: Float64Array;
  k: Float64Array;
  b: number;
}

function dualVector(n: number): DualVector {
  return { c: new Float64Array(n), k: new Float64Array(n), b: 0 };
}

function dualDot(u: DualVector, v: DualVector): number {
  let sum = u.b * v.b;
  const n = u.c.length;
  for (let i = 0; i < n; i++) sum += u.c[i]! * v.k[i]!;
  return sum;
}

function dualAxpy(a: number, x: DualVector, y: DualVector): void {
  const n = x.c.length;
  for (let i = 0; i < n; i++) {
    y.c[i]! += a * x.c[i]!;
    y.k[i]! += a * x.k[i]!;
  }
  y.b += a * x.b;
}

/** out = a · x (out may be x). */
function dualScaled(a: number, x: DualVector, out: DualVector): void {
  const n = x.c.length;
  for (let i = 0; i < n; i++) {
    out.c[i] = a * x.c[i]!;
    out.k[i] = a * x.k[i]!;
  }
  out.b = a * x.b;
}

/** out = K·v, K the Gram matrix of the positives then the negatives, in its blocks. */
function gramTimes(g: GramBlocks, nPos: number, nNeg: number, v: Float64Array, out: Float64Array): void {
  const { nn, pn, pp } = g;
  for (let i = 0; i < nPos; i++) {
    let sum = 0;
    for (let j = 0; j < nPos; j++) sum += pp[i * nPos + j]! * v[j]!;
    out[i] = sum + blockDot(pn, i * nNeg, v, nPos, nNeg);
  }
  for (let r = 0; r < nNeg; r++) {
    let sum = 0;
    for (let j = 0; j < nPos; j++) sum += pn[j * nNeg + r]! * v[j]!;
    out[nPos + r] = sum + blockDot(nn, r * nNeg, v, nPos, nNeg);
  }
}

/** m[offset .. offset+len) · v[from .. from+len), four products at a time. */
function blockDot(m: Float64Array, offset: number, v: Float64Array, from: number, len: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    a += m[offset + k]! * v[from + k]!;
    b += m[offset + k + 1]! * v[from + k + 1]!;
    c += m[offset + k + 2]! * v[from + k + 2]!;
    e += m[offset + k + 3]! * v[from + k + 3]!;
  }
  for (; k < len; k++) a += m[offset + k]! * v[from + k]!;
  return a + b + c + e;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** w·x + b for every row of `rows`. */
export function scoreRows(w: LinearModel, rows: Float32Array, d: number): Float32Array {
  const n = rows.length / d;
  const out = new Float32Array(n);
  const bias = w[d]!;
  for (let r = 0; r < n; r++) out[r] = bias + rowDot(w, rows, r * d, d);
  return out;
}

/** w·x for the row of `x` at `offset`, four products at a time (the hot loop of training and scoring). */
function rowDot(w: Float64Array, x: Float32Array, offset: number, d: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  let k = 0;
  for (; k + 3 < d; k += 4) {
    a += w[k]! * x[offset + k]!;
    b += w[k + 1]! * x[offset + k + 1]!;
    c += w[k + 2]! * x[offset + k + 2]!;
    e += w[k + 3]! * x[offset + k + 3]!;
  }
  for (; k < d; k++) a += w[k]! * x[offset + k]!;
  return a + b + c + e;
}
