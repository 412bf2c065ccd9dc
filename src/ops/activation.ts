// Activations, softmax, GLU and dropout: forward loops and VJPs side by side. The VJPs are
// written with ops on the saved input or output, so they are differentiable themselves; the
// fused ones (exact gelu, glu) use a raw loop first-order and their reference composition
// under createGraph (recordFused, src/autograd/graph.ts).

import { record, recordFused } from '../autograd/graph.js';
import { allocate } from '../tensor/dtype.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { normalizeDim, sizeOf } from '../tensor/shape.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, ge, gt, le, mul, sub, where } from './binary.js';
import { sum } from './reduce.js';
import { narrow } from './shape.js';
import { normalCdf } from './special.js';
import { erf, exp, map, sigmoid, sigmoidScalar, tanh } from './unary.js';
import { empty } from './util.js';

// ---- relu: d max(x, 0) = [x > 0] dx (0 at the kink, as PyTorch) ------------------------------

export function relu(x: Tensor): Tensor {
  return record(map(x, (v) => (v > 0 ? v : v !== v ? v : 0)), 'relu', [x], (g) => [mul(g, gt(x, 0))]);
}

// ---- gelu --------------------------------------------------------------------------------
// Exact:  gelu(x) = x·Φ(x),  gelu'(x) = Φ(x) + x·φ(x),  φ(x) = e^(−x²/2)/√(2π).
// Tanh:   gelu(x) ≈ ½x(1 + tanh u),  u = c(x + 0.044715x³),  c = √(2/π),
//         gelu'(x) ≈ ½(1 + tanh u) + ½x(1 − tanh²u)·c(1 + 3·0.044715x²).

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const out = map(x, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v))));
    return record(out, 'gelu', [x], (g) => {
      const x2 = mul(x, x);
      const t = tanh(mul(add(x, mul(mul(x2, x), GELU_CUBIC)), SQRT_2_OVER_PI));
      const du = mul(add(mul(x2, 3 * GELU_CUBIC), 1), SQRT_2_OVER_PI);
      const d = add(mul(add(t, 1), 0.5), mul(mul(mul(x, sub(1, mul(t, t))), du), 0.5));
      return [mul(g, d)];
    });
  }
  if (approximate !== 'none') throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  // Fused: the forward pass keeps Φ(x), so the backward pass needs no second erf.
  const cdf = allocate(x.dtype, x.numel);
  const out = empty(x.shape, x.dtype);
  const X = x.data;
  for (let i = 0; i < X.length; i++) {
    cdf[i] = normalCdf(X[i]);
    out.data[i] = X[i] * cdf[i];
  }
  const fastVjp = (g: Tensor): Tensor[] => {
    const dx = empty(x.shape, x.dtype);
    const G = g.data;
    for (let i = 0; i < X.length; i++) {
      const v = X[i];
      dx.data[i] = G[i] * (cdf[i] + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
    }
    return [dx];
  };
  return recordFused(out, 'gelu', [x], fastVjp, geluReference);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** x·Φ(x) = ½x(1 + erf(x/√2)) as a composition: the reference for gradients of gradients. */
export function geluReference(x: Tensor): Tensor {
  return mul(mul(x, add(erf(mul(x, Math.SQRT1_2)), 1)), 0.5);
}

// ---- silu: x·σ(x),  d/dx = σ(x)(1 + x(1 − σ(x))) ----------------------------------------------

export function silu(x: Tensor): Tensor {
  const out = map(x, (v) => v / (1 + Math.exp(-v)));
  return record(out, 'silu', [x], (g) => {
    const s = sigmoid(x);
    return [mul(g, mul(s, add(mul(x, sub(1, s)), 1)))];
  });
}

// ---- softplus: log(1 + e^(βx))/β, linear above the threshold (as PyTorch); d/dx = σ(βx) -------

export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const out = map(x, (v) => {
    const z = beta * v;
    return z > threshold ? v : (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / beta;
  });
  return record(out, 'softplus', [x], (g) => {
    const z = mul(x, beta);
    return [mul(g, where(gt(z, threshold), 1, sigmoid(z)))];
  });
}

// ---- clamp: the gradient passes where min ≤ x ≤ max --------------------------------------------

export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  if (min !== undefined && max !== undefined && min > max) throw new RangeError(`clamp: min ${min} is greater than max ${max}`);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const out = map(x, (v) => (v < lo ? lo : v > hi ? hi : v));
  return record(out, 'clamp', [x], (g) => [mul(g, mul(ge(x, lo), le(x, hi)))]);
}

// ---- softmax and logSoftmax along one axis -------------------------------------------------
// y = softmax(x):      dx = y ⊙ (g − Σ_j g_j y_j)       (the Jacobian is diag(y) − y yᵀ)
// y = logSoftmax(x):   dx = g − softmax(x) · Σ_j g_j   (∂y_i/∂x_j = δ_ij − softmax_j)
// Both subtract the row maximum first, so exp never overflows.

function softmaxKernel(x: Tensor, dim: number, log: boolean): Tensor {
  const size = x.shape[dim];
  const inner = sizeOf(x.shape.slice(dim + 1));
  const outer = sizeOf(x.shape.slice(0, dim));
  const out = empty(x.shape, x.dtype);
  const X = x.data;
  const O = out.data;
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * size * inner + q;
      let m = -Infinity;
      for (let j = 0; j < size; j++) m = Math.max(m, X[base + j * inner]);
      if (m === -Infinity) m = 0; // an all −∞ row: exp gives 0s and the result is NaN, as PyTorch
      let total = 0;
      for (let j = 0; j < size; j++) total += Math.exp(X[base + j * inner] - m);
      if (log) {
        const lse = m + Math.log(total);
        for (let j = 0; j < size; j++) O[base + j * inner] = X[base + j * inner] - lse;
      } else {
        for (let j = 0; j < size; j++) O[base + j * inner] = Math.exp(X[base + j * inner] - m) / total;
      }
    }
  }
  return out;
}

export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('softmax', dim, x.ndim);
  const y = softmaxKernel(x, d, false);
  return record(y, 'softmax', [x], (g) => [mul(y, sub(g, sum(mul(g, y), d, true)))]);
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('logSoftmax', dim, x.ndim);
  const y = softmaxKernel(x, d, true);
  return record(y, 'logSoftmax', [x], (g) => [sub(g, mul(exp(y), sum(g, d, true)))]);
}

// ---- glu: a ⊙ σ(b) with (a, b) the two halves along dim, fused (reference: mul(a, sigmoid(b))) --

export function glu(x: Tensor, dim = -1): Tensor {
  const d = normalizeDim('glu', dim, x.ndim);
  const size = x.shape[d];
  if (size % 2 !== 0) throw new ShapeError(`glu: dim ${dim} of shape ${fmt(x.shape)} must have an even size, got ${size}`);
  const half = size / 2;
  const inner = sizeOf(x.shape.slice(d + 1));
  const outer = sizeOf(x.shape.slice(0, d));
  const out = empty(x.shape.map((s, i) => (i === d ? half : s)), x.dtype);
  const gate = allocate(x.dtype, out.numel); // σ(b), kept for the backward pass
  const X = x.data;
  const span = half * inner; // elements of one half
  for (let o = 0, k = 0; o < outer; o++) {
    const base = o * 2 * span;
    for (let j = 0; j < span; j++, k++) {
      gate[k] = sigmoidScalar(X[base + span + j]);
      out.data[k] = X[base + j] * gate[k];
    }
  }
  // d(a·σ(b)) = σ(b)·da + a·σ(b)(1 − σ(b))·db
  const fastVjp = (g: Tensor): Tensor[] => {
    const dx = empty(x.shape, x.dtype);
    const G = g.data;
    for (let o = 0, k = 0; o < outer; o++) {
      const base = o * 2 * span;
      for (let j = 0; j < span; j++, k++) {
        dx.data[base + j] = G[k] * gate[k];
        dx.data[base + span + j] = G[k] * X[base + j] * gate[k] * (1 - gate[k]);
      }
    }
    return [dx];
  };
  return recordFused(out, 'glu', [x], fastVjp, (t) => mul(narrow(t, d, 0, half), sigmoid(narrow(t, d, half, half))));
}

// ---- dropout: inverted dropout, x·mask/(1 − p), as a composition --------------------------------
// Plain: one Bernoulli(1 − p) per element. Tied (state-spaces DropoutNd with tie=True, the
// "tied" dropout of the LRA CIFAR configs, SPEC 2.7, 3.5, 5.4): one per (batch, feature), the
// mask [B, 1, …, 1, F] broadcast over the length axes of x [B, L, …, F], so a feature is kept or
// dropped for the whole sequence. Either way E[mask] = (1 − p)·1/(1 − p) = 1.

export interface DropoutOptions {
  /** One mask per (batch, feature), shared along every axis between the first and the last. Default false. */
  tie?: boolean;
}

/**
 * Zero each element (or, with `tie`, each (batch, feature) column) with probability p and scale
 * the rest by 1/(1 − p), so the expectation is unchanged. A no-op when not training or p = 0.
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator, opts: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: p must be in [0, 1], got ${p}`);
  if (opts.tie && x.ndim < 2) throw new ShapeError(`dropout: a tied mask needs x with a batch and a feature axis ([B, …, F]), got ${fmt(x.shape)}`);
  if (!training || p === 0) return x;
  const last = x.ndim - 1;
  const maskShape = opts.tie ? x.shape.map((s, i) => (i === 0 || i === last ? s : 1)) : x.shape; // [B, 1, …, F] or x's
  const mask = empty(maskShape, x.dtype);
  const keep = 1 / (1 - p);
  const M = mask.data;
  if (p < 1) for (let i = 0; i < M.length; i++) M[i] = generator.random() < p ? 0 : keep;
  return mul(x, mask); // broadcast over the length axes when tied
}
