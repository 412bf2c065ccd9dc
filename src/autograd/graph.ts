// Recording: each differentiable op calls `record` with its result, its tensor inputs and its
// VJP. Nothing is recorded when grad mode is off or when no input requires a gradient, so
// inference pays nothing for autograd.

import { type Tensor, type VJP } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

export function record(out: Tensor, name: string, inputs: Tensor[], vjp: VJP): Tensor {
  if (!isGradEnabled()) return out;
  let needed = false;
  for (const x of inputs) if (x.requiresGrad) { needed = true; break; }
  if (needed) out.markRequiresGrad({ name, inputs, vjp });
  return out;
}
