// Gradient clipping by total norm, as torch.nn.utils.clip_grad_norm_:
//   total = ‖(g₁, g₂, …)‖_p  over every gradient taken together (p = ∞: the largest |g|),
//   if total > maxNorm:  g ← g · maxNorm / (total + 1e-6)  for every gradient, in place.
//
// A non-finite total is treated as PyTorch treats it with error_if_nonfinite=False (its
// default): the coefficient min(1, maxNorm/(total + 1e-6)) is NaN for a NaN total and 0 for an
// infinite one, and every gradient is multiplied by it, so a NaN anywhere makes every gradient
// NaN rather than letting the step go ahead unclipped. With errorIfNonfinite the call throws
// instead, before touching any gradient.

import { type Tensor } from '../tensor/tensor.js';

/** Clip the gradients of `params` in place; returns the total norm before clipping. */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2, errorIfNonfinite = false): number {
  if (!(typeof maxNorm === 'number' && maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be a number ≥ 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new RangeError(`clipGradNorm: normType must be positive (or Infinity), got ${normType}`);
  if (typeof errorIfNonfinite !== 'boolean') throw new TypeError(`clipGradNorm: errorIfNonfinite must be a boolean, got ${String(errorIfNonfinite)}`);
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad !== null) grads.push(p.grad);
  if (grads.length === 0) return 0;

  let total = 0; // accumulated in float64 whatever the dtype
  if (normType === Infinity) {
    // Math.max propagates NaN, as PyTorch's amax does.
    for (const g of grads) for (let i = 0; i < g.numel; i++) total = Math.max(total, Math.abs(g.data[i]));
  } else {
    for (const g of grads) for (let i = 0; i < g.numel; i++) total += Math.abs(g.data[i]) ** normType;
    total = total ** (1 / normType);
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped (errorIfNonfinite is set; the gradients are unchanged)`);
  }

  const coef = maxNorm / (total + 1e-6);
  // `!(coef >= 1)` rather than `coef < 1`: a NaN coefficient must scale (to NaN), not skip.
  if (!(coef >= 1)) {
    for (const g of grads) for (let i = 0; i < g.numel; i++) g.data[i] *= coef;
  }
  return total;
}
