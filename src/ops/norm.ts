// Layer normalisation over the trailing axes:
//   μ = mean(x),  σ² = mean((x − μ)²) (biased),  x̂ = (x − μ)/√(σ² + ε),  y = γ ⊙ x̂ + β.
// A fused op: one pass per row forward, and the closed-form VJP backward,
//   dx̂ = dy ⊙ γ,  dx = (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)) / √(σ² + ε),  dγ = Σ dy ⊙ x̂,  dβ = Σ dy
// (the mean terms are the derivatives through μ and σ²). Gradients of gradients differentiate
// `layerNormReference`, the same function composed from primitive ops.

import { recordFused } from '../autograd/graph.js';
import { allocate } from '../tensor/dtype.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { sameShape, sizeOf } from '../tensor/shape.js';
import { type Tensor, checkSameDType } from '../tensor/tensor.js';
import { add, mul, sub } from './binary.js';
import { mean } from './reduce.js';
import { rsqrt } from './unary.js';
import { empty } from './util.js';

function checkArgs(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null): void {
  const k = normalizedShape.length;
  if (k === 0 || k > x.ndim || !sameShape(x.shape.slice(x.ndim - k), normalizedShape)) {
    throw new ShapeError(`layerNorm: normalizedShape ${fmt(normalizedShape)} must match the trailing dims of the input ${fmt(x.shape)}`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && !sameShape(p.shape, normalizedShape)) {
      throw new ShapeError(`layerNorm: ${name} has shape ${fmt(p.shape)}, expected ${fmt(normalizedShape)}`);
    }
    if (p) checkSameDType(`layerNorm (${name})`, x, p);
  }
}

export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkArgs(x, normalizedShape, weight, bias);
  const D = sizeOf(normalizedShape);
  const rows = D === 0 ? 0 : x.numel / D;
  const X = x.data;
  const W = weight?.data;
  const Bs = bias?.data;
  const xhat = allocate(x.dtype, x.numel);
  const rstd = new Float64Array(rows);
  const out = empty(x.shape, x.dtype);
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let mu = 0;
    for (let j = 0; j < D; j++) mu += X[o + j];
    mu /= D;
    let v = 0;
    for (let j = 0; j < D; j++) v += (X[o + j] - mu) ** 2;
    const s = 1 / Math.sqrt(v / D + eps);
    rstd[r] = s;
    for (let j = 0; j < D; j++) {
      const h = (X[o + j] - mu) * s;
      xhat[o + j] = h;
      out.data[o + j] = (W ? W[j] * h : h) + (Bs ? Bs[j] : 0);
    }
  }
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  const fastVjp = (g: Tensor, needs: readonly boolean[]): (Tensor | null)[] => {
    const G = g.data;
    const dx = needs[0] ? empty(x.shape, x.dtype) : null;
    const dw = weight && needs[1] ? empty(weight.shape, x.dtype) : null;
    const db = bias && needs[inputs.length - 1] ? empty(bias.shape, x.dtype) : null;
    const dxhat = new Float64Array(D);
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let meanD = 0;
      let meanDX = 0;
      for (let j = 0; j < D; j++) {
        const d = W ? G[o + j] * W[j] : G[o + j];
        dxhat[j] = d;
        meanD += d;
        meanDX += d * xhat[o + j];
        if (dw) dw.data[j] += G[o + j] * xhat[o + j];
        if (db) db.data[j] += G[o + j];
      }
      meanD /= D;
      meanDX /= D;
      if (dx) for (let j = 0; j < D; j++) dx.data[o + j] = rstd[r] * (dxhat[j] - meanD - xhat[o + j] * meanDX);
    }
    return [dx, ...(weight ? [dw] : []), ...(bias ? [db] : [])];
  };
  const reference = (...ts: Tensor[]): Tensor => layerNormReference(ts[0], normalizedShape, weight ? ts[1] : null, bias ? ts[ts.length - 1] : null, eps);
  return recordFused(out, 'layerNorm', inputs, fastVjp, reference);
}

/** Layer norm as a composition of primitive ops (differentiable to any order). */
export function layerNormReference(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkArgs(x, normalizedShape, weight, bias);
  const k = normalizedShape.length;
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const centered = sub(x, mean(x, axes, true));
  const variance = mean(mul(centered, centered), axes, true);
  let y = mul(centered, rsqrt(add(variance, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}
