// Reductions over one or several axes, with `keepdim`: forward loops and VJPs side by side.
//
// The VJP of a sum broadcasts the upstream gradient back over the reduced axes
// (∂/∂x_i Σ_j x_j = 1 for every i). `sumTo`, the inverse situation, is the one unbroadcast
// helper every binary op's VJP ends with.

import { record } from '../autograd/graph.js';
import { noGrad } from '../autograd/grad-mode.js';
import { type Shape, normalizeDim, normalizeDims, sameShape, sizeOf } from '../tensor/shape.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, div, eq, mul, sub, where } from './binary.js';
import { forEachRow, planRows } from './broadcast.js';
import { exp, log } from './unary.js';
import { expand, reshape } from './shape.js';
import { empty } from './util.js';

export type Dims = number | readonly number[] | undefined;

/** The reduced shape with size-1 axes kept (`keepdim`) and without them. */
function reducedShapes(shape: Shape, axes: number[]): { kept: number[]; dropped: number[] } {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const dropped = shape.filter((_, i) => !axes.includes(i));
  return { kept, dropped };
}

/**
 * Fold every element of x into its output cell: acc = combine(acc, x) starting from `init`,
 * accumulated in float64 whatever the dtype (a float32 running sum loses digits fast).
 */
function reduceKernel(x: Tensor, axes: number[], init: number, combine: (acc: number, v: number) => number): { values: Float64Array; kept: number[] } {
  const { kept } = reducedShapes(x.shape, axes);
  const acc = new Float64Array(sizeOf(kept)).fill(init);
  const X = x.data;
  forEachRow(planRows(x.shape, [x.shape, kept]), (off, _o, n, st) => {
    let i = off[0];
    const sx = st[0];
    if (st[1] === 0) {
      let a = acc[off[1]];
      for (let j = 0; j < n; j++, i += sx) a = combine(a, X[i]);
      acc[off[1]] = a;
    } else {
      let k = off[1];
      for (let j = 0; j < n; j++, i += sx, k += st[1]) acc[k] = combine(acc[k], X[i]);
    }
  });
  return { values: acc, kept };
}

function finish(x: Tensor, values: Float64Array, kept: number[], dropped: number[], keepdim: boolean): Tensor {
  const out = empty(keepdim ? kept : dropped, x.dtype);
  out.data.set(values);
  return out;
}

/** Broadcast a gradient of the reduced shape back to x's shape. */
function spread(g: Tensor, kept: number[], shape: Shape): Tensor {
  return expand(reshape(g, kept), shape);
}

// ---- sum: ∂(Σ x)/∂x_i = 1 ---------------------------------------------------------------------

const plus = (a: number, v: number): number => a + v;

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normalizeDims('sum', dim, x.ndim);
  const { kept, dropped } = reducedShapes(x.shape, axes);
  const { values } = reduceKernel(x, axes, 0, plus);
  return record(finish(x, values, kept, dropped, keepdim), 'sum', [x], (g) => [spread(g, kept, x.shape)]);
}

/** Mean over the axes, as sum / count (0/0 = NaN for an empty reduction, as PyTorch). */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normalizeDims('mean', dim, x.ndim);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return div(sum(x, axes, keepdim), count);
}

/**
 * Sum `g` down to `shape`, undoing a broadcast: sum over the leading axes that broadcasting
 * added and over the axes where `shape` has size 1. The one unbroadcast helper.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new ShapeError(`sumTo: cannot reduce ${fmt(g.shape)} to the larger rank of ${fmt(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) throw new ShapeError(`sumTo: ${fmt(g.shape)} was not broadcast from ${fmt(shape)}`);
  }
  return reshape(sum(g, axes, true), shape);
}

// ---- max, min over axes (amax/amin): the gradient is shared equally among tied maxima --------

function extremum(op: 'max' | 'min', x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const axes = normalizeDims(op, dim, x.ndim);
  const { kept, dropped } = reducedShapes(x.shape, axes);
  if (sizeOf(x.shape) === 0 && axes.length > 0 && axes.some((a) => x.shape[a] === 0)) {
    throw new RangeError(`${op}: cannot reduce an empty axis of a tensor of shape ${fmt(x.shape)}`);
  }
  const pick = op === 'max'
    ? (a: number, v: number): number => (v > a || v !== v ? v : a)
    : (a: number, v: number): number => (v < a || v !== v ? v : a);
  const { values } = reduceKernel(x, axes, op === 'max' ? -Infinity : Infinity, pick);
  const out = finish(x, values, kept, dropped, keepdim);
  return record(out, op, [x], (g) => {
    const best = spread(out, kept, x.shape);
    const isBest = eq(x, best);
    const ties = spread(sum(isBest, axes, true), kept, x.shape);
    return [div(mul(spread(g, kept, x.shape), isBest), ties)];
  });
}

export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extremum('max', x, dim, keepdim);
}

export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extremum('min', x, dim, keepdim);
}

// ---- variance and log-sum-exp, as compositions -------------------------------------------------

/** Variance Σ(x − μ)² / (n − correction); correction 1 (Bessel) by default, as torch.var. */
export function variance(x: Tensor, dim?: Dims, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
  const axes = normalizeDims('var', dim, x.ndim);
  const n = axes.reduce((c, a) => c * x.shape[a], 1);
  const centered = sub(x, mean(x, axes, true));
  return div(sum(mul(centered, centered), axes, opts.keepdim ?? false), Math.max(0, n - (opts.correction ?? 1)));
}

/**
 * log Σ exp(x), stably: m + log Σ exp(x − m) with m the (detached) maximum. The identity holds
 * for any constant m, so treating m as a constant leaves the gradient, softmax(x), exact.
 * Over an empty axis the sum has no terms: log 0 = −∞, as PyTorch.
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  const axes = normalizeDims('logsumexp', dim, x.ndim);
  const m = noGrad(() => {
    // max refuses an empty axis (it has no maximum); any constant shift is exact, so use 0
    if (axes.some((a) => x.shape[a] === 0)) return empty(reducedShapes(x.shape, axes).kept, x.dtype);
    const raw = max(x, axes, true);
    return where(eq(raw.sub(raw), 0), raw, 0); // ±∞ rows shift by 0 instead of producing NaN
  });
  const out = add(log(sum(exp(sub(x, m)), axes, true)), m);
  return keepdim ? out : reshape(out, x.shape.filter((_, i) => !axes.includes(i)));
}

// ---- argmax: not differentiable; indices as floats (the library has no integer dtype) -------

/** Index of the first maximum along `dim` (over the flattened tensor when dim is omitted). */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) {
    if (x.numel === 0) throw new RangeError('argmax: cannot take the argmax of an empty tensor');
    const flat = reshape(x, [x.numel]);
    const idx = argmax(flat, 0);
    return keepdim ? reshape(idx, x.shape.map(() => 1)) : idx;
  }
  const d = normalizeDim('argmax', dim, x.ndim);
  const size = x.shape[d];
  if (size === 0) throw new RangeError(`argmax: dim ${dim} of shape ${fmt(x.shape)} is empty`);
  const inner = sizeOf(x.shape.slice(d + 1));
  const outer = sizeOf(x.shape.slice(0, d));
  const kept = x.shape.map((s, i) => (i === d ? 1 : s));
  const out = empty(keepdim ? kept : x.shape.filter((_, i) => i !== d), x.dtype);
  const X = x.data;
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      let best = 0;
      let bestValue = X[o * size * inner + q];
      for (let j = 1; j < size; j++) {
        const v = X[(o * size + j) * inner + q];
        if (v > bestValue || (v !== v && bestValue === bestValue)) { best = j; bestValue = v; }
      }
      out.data[o * inner + q] = best;
    }
  }
  return out;
}

