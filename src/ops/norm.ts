// Normalisation, as compositions of primitive ops (so every derivative, to any order, follows
// from theirs). Layer norm over the last axes:
//   μ = mean(x),  σ² = mean((x − μ)²) (biased),  x̂ = (x − μ)/√(σ² + ε),  y = γ ⊙ x̂ + β.
// Its VJP, for reference (what autograd computes from the composition):
//   dx̂ = dy ⊙ γ,  dx = (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)) / √(σ² + ε),  dγ = Σ dy ⊙ x̂,  dβ = Σ dy.

import { ShapeError, fmt } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from './binary.js';
import { mean } from './reduce.js';
import { rsqrt } from './unary.js';

export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || k > x.ndim || !sameShape(x.shape.slice(x.ndim - k), normalizedShape)) {
    throw new ShapeError(`layerNorm: normalizedShape ${fmt(normalizedShape)} must match the trailing dims of the input ${fmt(x.shape)}`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && !sameShape(p.shape, normalizedShape)) {
      throw new ShapeError(`layerNorm: ${name} has shape ${fmt(p.shape)}, expected ${fmt(normalizedShape)}`);
    }
  }
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const centered = sub(x, mean(x, axes, true));
  const variance = mean(mul(centered, centered), axes, true);
  let y = mul(centered, rsqrt(add(variance, eps)));
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}
