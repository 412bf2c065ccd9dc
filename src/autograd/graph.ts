// Recording: each differentiable op calls `record` with its result, its tensor inputs and its
// VJP. Nothing is recorded when grad mode is off or when no input requires a gradient, so
// inference pays nothing for autograd.

import { type Tensor, type VJP } from '../tensor/tensor.js';
import { grad } from './backward.js';
import { isGradEnabled } from './grad-mode.js';

export function record(out: Tensor, name: string, inputs: Tensor[], vjp: VJP): Tensor {
  if (!isGradEnabled()) return out;
  let needed = false;
  for (const x of inputs) if (x.requiresGrad) { needed = true; break; }
  if (needed) out.markRequiresGrad({ name, inputs, vjp });
  return out;
}

/**
 * Record a fused op: `fastVjp` is a hand-written kernel for ordinary (first-order) backward
 * passes; under `createGraph`, where the gradient itself must be differentiable, the VJP is
 * instead obtained by differentiating `reference`, the same function written as a composition
 * of primitive ops. Both must compute the same thing; the tests check each against the other.
 */
export function recordFused(
  out: Tensor,
  name: string,
  inputs: Tensor[],
  fastVjp: VJP,
  reference: (...xs: Tensor[]) => Tensor,
): Tensor {
  return record(out, name, inputs, (g, needs) => {
    if (!isGradEnabled()) return fastVjp(g, needs);
    const wanted = inputs.filter((_, i) => needs[i]);
    const grads = grad(reference(...inputs), wanted, g, { createGraph: true });
    let k = 0;
    return inputs.map((_, i) => (needs[i] ? grads[k++] : null));
  });
}
