// The reverse-mode engine.
//
// 1. Order: a depth-first walk from the roots over `gradFn.inputs` gives every op result in
//    post-order; reversed, each tensor comes after every tensor that consumes it, so its
//    gradient is complete (all contributions summed) before its own VJP runs.
// 2. Propagate: seed the roots with their upstream gradients, then for each tensor in that order
//    call its VJP and add each returned gradient into the entry of the corresponding input.
//    A tensor used twice receives two contributions: that sum is the multivariate chain rule.
// 3. Deliver: leaves accumulate into `.grad` (`backward`) or are returned (`grad`).
// 4. Free: unless `retainGraph`, every visited node drops its inputs and its VJP closure, so
//    saved tensors become garbage and a second pass through the graph is a clear error.
//
// The VJPs are written with the library's own ops. Normally they run with recording off; with
// `createGraph` they are recorded like any other computation, which is what makes gradients of
// gradients work.

import { AutogradError, fmt } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { withGradMode } from './grad-mode.js';

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives (default false). */
  createGraph?: boolean;
}

/** Accumulate gradients of `roots` into the `.grad` of every leaf that requires grad. */
export function backward(roots: Tensor[], grads: Tensor[] | undefined, opts: BackwardOptions = {}): void {
  const seeds = seedGradients('backward', roots, grads);
  const createGraph = opts.createGraph ?? false;
  const leafGrads = propagate(roots, seeds, opts, null);
  withGradMode(createGraph, () => {
    for (const [leaf, g] of leafGrads) accumulateInto(leaf, g, createGraph);
  });
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned instead of accumulated (leaves'
 * `.grad` is untouched). An input that does not influence the outputs gets null.
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor[],
  gradOutputs?: Tensor | Tensor[],
  opts: BackwardOptions = {},
): (Tensor | null)[] {
  const roots = Array.isArray(outputs) ? outputs : [outputs];
  const given = gradOutputs === undefined ? undefined : Array.isArray(gradOutputs) ? gradOutputs : [gradOutputs];
  inputs.forEach((x, i) => {
    if (!x.requiresGrad) throw new AutogradError(`grad: input ${i} (shape ${fmt(x.shape)}) does not require grad`);
  });
  const seeds = seedGradients('grad', roots, given);
  const captured = propagate(roots, seeds, opts, new Set(inputs));
  return inputs.map((x) => captured.get(x) ?? null);
}

function seedGradients(op: string, roots: Tensor[], grads: Tensor[] | undefined): Tensor[] {
  if (grads !== undefined && grads.length !== roots.length) {
    throw new AutogradError(`${op}: got ${grads.length} upstream gradients for ${roots.length} outputs`);
  }
  return roots.map((root, i) => {
    if (!root.requiresGrad) {
      throw new AutogradError(`${op}: output ${i} (shape ${fmt(root.shape)}) does not require grad and has no gradFn`);
    }
    const g = grads?.[i] as unknown;
    if (g === undefined) {
      if (root.numel !== 1) {
        throw new AutogradError(`${op}: the upstream gradient can only be implied for a scalar output; output ${i} has shape ${fmt(root.shape)}, so pass a gradient of that shape`);
      }
      return new Tensor(root.dtype === 'float64' ? new Float64Array([1]) : new Float32Array([1]), root.shape);
    }
    if (!(g instanceof Tensor)) {
      const what = g === null ? 'null' : Array.isArray(g) ? 'an array' : typeof g === 'object' ? `a ${g.constructor?.name ?? 'plain'} object` : `a ${typeof g}`;
      throw new AutogradError(`${op}: the upstream gradient for output ${i} (shape ${fmt(root.shape)}) must be a Tensor, got ${what}`);
    }
    if (!sameShape(g.shape, root.shape) || g.dtype !== root.dtype) {
      throw new AutogradError(`${op}: upstream gradient ${g.dtype} ${fmt(g.shape)} does not match output ${i}, ${root.dtype} ${fmt(root.shape)}`);
    }
    return g;
  });
}

/** Op results reachable from the roots, in post-order (inputs before the results using them). */
function topologicalOrder(roots: Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { t: Tensor; next: number }[] = [];
  for (const root of roots) {
    if (root.gradFn === null || visited.has(root)) continue;
    visited.add(root);
    stack.push({ t: root, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const fn = top.t.gradFn!;
      if (fn.vjp === null) {
        throw new AutogradError(`backward: the graph through ${fn.name} has already been freed by an earlier backward pass; pass { retainGraph: true } to the first call to backward through it twice`);
      }
      if (top.next < fn.inputs.length) {
        const x = fn.inputs[top.next++];
        if (x.gradFn !== null && x.requiresGrad && !visited.has(x)) {
          visited.add(x);
          stack.push({ t: x, next: 0 });
        }
      } else {
        order.push(top.t);
        stack.pop();
      }
    }
  }
  return order;
}

/**
 * Run the VJPs. Returns the gradients that reached leaves (or, when `capture` is given, the
 * gradients of exactly the captured tensors, leaf or not).
 */
function propagate(roots: Tensor[], seeds: Tensor[], opts: BackwardOptions, capture: Set<Tensor> | null): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const order = topologicalOrder(roots);
  const pending = new Map<Tensor, Tensor>();
  const delivered = new Map<Tensor, Tensor>();

  withGradMode(createGraph, () => {
    const add = (map: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void => {
      const previous = map.get(t);
      map.set(t, previous === undefined ? g : previous.add(g));
    };
    const receive = (t: Tensor, g: Tensor): void => {
      if (capture !== null) {
        if (capture.has(t)) add(delivered, t, g);
        if (t.gradFn !== null) add(pending, t, g);
      } else {
        add(t.gradFn === null ? delivered : pending, t, g);
      }
    };
    roots.forEach((root, i) => receive(root, seeds[i]));

    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const g = pending.get(t);
      if (g === undefined) continue;
      pending.delete(t);
      if (capture === null && t.retainsGrad) accumulateInto(t, g, createGraph);
      const fn = t.gradFn!;
      const needs = fn.inputs.map((x) => x.requiresGrad);
      const grads = fn.vjp!(g, needs);
      for (let i = 0; i < fn.inputs.length; i++) {
        const gi = grads[i];
        if (!needs[i] || gi === null || gi === undefined) continue;
        const x = fn.inputs[i];
        if (!sameShape(gi.shape, x.shape) || gi.dtype !== x.dtype) {
          throw new AutogradError(`backward: ${fn.name} returned a gradient ${gi.dtype} ${fmt(gi.shape)} for its input ${i}, which is ${x.dtype} ${fmt(x.shape)} (a bug in that op's VJP)`);
        }
        receive(x, gi);
      }
    }
  });

  if (!retainGraph) {
    for (const t of order) {
      t.gradFn!.vjp = null;
      t.gradFn!.inputs = [];
    }
  }
  return delivered;
}

/** `t.grad += g`, owning its storage so that later in-place accumulation is safe. */
function accumulateInto(t: Tensor, g: Tensor, createGraph: boolean): void {
  if (createGraph) {
    t.grad = t.grad === null ? g : t.grad.add(g);
  } else if (t.grad === null || t.grad.requiresGrad) {
    const owned = t.grad === null ? g.detach().clone() : t.grad.detach().add(g);
    t.grad = owned;
  } else {
    const acc = t.grad.data;
    const src = g.data;
    for (let i = 0; i < acc.length; i++) acc[i] += src[i];
  }
}
