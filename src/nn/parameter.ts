// Parameter: a leaf tensor that a Module owns and an optimizer updates (torch.nn.Parameter).
//
// A parameter may carry optimizer hints, the TypeScript form of the `_optim` attribute that the
// state-spaces reference code sets on special parameters (SPEC 2.8, 3.1, 4.4): the SSM and
// long-convolution kernels ask for their own learning rate and, for S4 and long convs, weight
// decay 0. An optimizer built over such parameters puts each distinct hint set into its own
// parameter group, `{ group settings, overridden by the hints }` (see src/optim/optimizer.ts).

import { type Storage, dtypeOf } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Per-parameter optimizer settings that override those of its parameter group. */
export interface OptimHints {
  lr?: number;
  weightDecay?: number;
}

export class Parameter extends Tensor {
  /** Optimizer hints (`_optim` in the reference code), or undefined for the group's settings. */
  optim: OptimHints | undefined;

  /**
   * A parameter over `tensor`'s storage (shared, not copied, as torch.nn.Parameter does); it is
   * a leaf that requires grad whatever `tensor` was.
   * @example new Parameter(zeros([4]), { lr: 1e-3, weightDecay: 0 })
   */
  constructor(tensor: Tensor, hints?: OptimHints) {
    if (!(tensor instanceof Tensor)) throw new TypeError(`Parameter: expected a Tensor, got ${typeof tensor}`);
    if (hints !== undefined) checkHints(hints);
    super(tensor.data, tensor.shape);
    this.requiresGrad = true;
    this.optim = hints === undefined ? undefined : { ...hints };
  }
}

/** Throw unless every hint is a finite non-negative number. */
export function checkHints(hints: OptimHints): void {
  for (const [key, value] of Object.entries(hints)) {
    if (key !== 'lr' && key !== 'weightDecay') {
      throw new RangeError(`Parameter: unknown optimizer hint '${key}' (expected lr or weightDecay)`);
    }
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`Parameter: optimizer hint ${key} must be a finite number ≥ 0, got ${String(value)}`);
    }
  }
}

/**
 * Give a leaf tensor new storage (possibly of another dtype) while keeping the same object, so
 * that every reference to it (a module field, an optimizer group) sees the change. This is how
 * `Module.to(dtype)` converts in place, as `param.data = …` does in PyTorch. Only leaves: the
 * graph of an op result refers to its storage.
 */
export function replaceStorage(t: Tensor, data: Storage): void {
  if (!t.isLeaf) throw new TypeError(`replaceStorage: only a leaf tensor can take new storage; this one was produced by ${t.gradFn!.name}`);
  const dtype = dtypeOf(data, 'replaceStorage');
  if (data.length !== t.numel) throw new RangeError(`replaceStorage: new storage has ${data.length} elements, the tensor has ${t.numel}`);
  // `data` and `dtype` are readonly for users of Tensor; this is the one sanctioned writer.
  const writable = t as unknown as { data: Storage; dtype: string };
  writable.data = data;
  writable.dtype = dtype;
}
