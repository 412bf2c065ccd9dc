// Gradient clipping by total norm, as torch.nn.utils.clip_grad_norm_:
//   total = ‖(g₁, g₂, …)‖_p  over every gradient taken together (p = ∞: the largest |g|),
//   if total > maxNorm:  g ← g · maxNorm / (total + 1e-6)  for every gradient, in place.

import { type Tensor } from '../tensor/tensor.js';

/** Clip the gradients of `params` in place; returns the total norm before clipping. */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (!(typeof maxNorm === 'number' && maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be a number ≥ 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new RangeError(`clipGradNorm: normType must be positive (or Infinity), got ${normType}`);
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad !== null) grads.push(p.grad);
  if (grads.length === 0) return 0;

  let total = 0; // accumulated in float64 whatever the dtype
  if (normType === Infinity) {
    for (const g of grads) for (let i = 0; i < g.numel; i++) total = Math.max(total, Math.abs(g.data[i]));
  } else {
    for (const g of grads) for (let i = 0; i < g.numel; i++) total += Math.abs(g.data[i]) ** normType;
    total = total ** (1 / normType);
  }

  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    for (const g of grads) for (let i = 0; i < g.numel; i++) g.data[i] *= coef;
  }
  return total;
}
