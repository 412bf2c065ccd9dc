// Movement ops: reshape, permute, expand, slice, flip, concat, pad, and the copies (clone, to).
//
// All of the "read x through other strides" ops (permute, expand, slice, flip) share one kernel,
// `readStrided`, that materialises a strided view into a new contiguous tensor. Their VJPs are the
// inverse movements: permute by the inverse permutation, expand ↔ sum, slice ↔ embed in zeros,
// flip ↔ flip, concat ↔ slices, pad ↔ slice.

import { record } from '../autograd/graph.js';
import { type DType, allocate } from '../tensor/dtype.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { type Shape, checkShape, normalizeDim, sizeOf, stridesOf } from '../tensor/shape.js';
import { Tensor, checkSameDType } from '../tensor/tensor.js';
import { forEachRow, planStrided } from './broadcast.js';
import { sumTo } from './reduce.js';
import { empty } from './util.js';

/** out[idx] = x.data[offset + Σ idx_i·strides_i] for every index of `shape`. */
function readStrided(x: Tensor, shape: Shape, strides: number[], offset: number): Tensor {
  const out = empty(shape, x.dtype);
  const X = x.data;
  const O = out.data;
  forEachRow(planStrided(shape, [strides]), (off, o, n, st) => {
    let i = offset + off[0];
    for (let j = 0; j < n; j++, i += st[0]) O[o + j] = X[i];
  });
  return out;
}

/** The adjoint of readStrided: a tensor of `shape` (filled with `fill`) with src written at the view's positions. */
function writeStrided(src: Tensor, shape: Shape, strides: number[], offset: number, fill = 0): Tensor {
  const out = empty(shape, src.dtype);
  if (fill !== 0) out.data.fill(fill);
  const S = src.data;
  const O = out.data;
  forEachRow(planStrided(src.shape, [strides]), (off, s, n, st) => {
    let i = offset + off[0];
    for (let j = 0; j < n; j++, i += st[0]) O[i] = S[s + j];
  });
  return out;
}

// ---- copies ---------------------------------------------------------------------------------

/** A copy with its own storage; gradients pass through unchanged. */
export function clone(x: Tensor): Tensor {
  const out = empty(x.shape, x.dtype);
  out.data.set(x.data);
  return record(out, 'clone', [x], (g) => [g]);
}

/** Convert to another dtype (a copy); the gradient is converted back. */
export function to(x: Tensor, dtype: DType): Tensor {
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`to: unknown dtype '${String(dtype)}' (expected 'float32' or 'float64')`);
  if (dtype === x.dtype) return x;
  const data = allocate(dtype, x.numel);
  data.set(x.data);
  return record(new Tensor(data, x.shape), 'to', [x], (g) => [to(g, x.dtype)]);
}

// ---- reshape family: same elements in the same order, so the gradient is reshaped back -----

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape('reshape', x, shape);
  return record(new Tensor(x.data, target), 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmt(shape)}`);
  checkShape(op, shape.filter((d) => d !== -1));
  const known = sizeOf(shape.filter((d) => d !== -1));
  if (free === 1) {
    if (known === 0 || x.numel % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${fmt(x.shape)} (${x.numel} elements) into ${fmt(shape)}`);
    }
    return shape.map((d) => (d === -1 ? x.numel / known : d));
  }
  if (known !== x.numel) {
    throw new ShapeError(`${op}: cannot reshape ${fmt(x.shape)} (${x.numel} elements) into ${fmt(shape)} (${known} elements)`);
  }
  return [...shape];
}

/** Merge the axes startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim} for shape ${fmt(x.shape)}`);
  const merged = sizeOf(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Drop size-1 axes (all of them, or the given ones; a given axis of another size is kept, as PyTorch). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const axes = dim === undefined ? null : (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normalizeDim('squeeze', d, x.ndim));
  return reshape(x, x.shape.filter((d, i) => d !== 1 || (axes !== null && !axes.includes(i))));
}

/** Insert a size-1 axis at `dim` (−1 appends). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

// ---- permute, transpose: the VJP permutes back by the inverse permutation -------------------

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new ShapeError(`permute: got ${dims.length} dims ${fmt(dims)} for a tensor of rank ${x.ndim}`);
  const perm = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(perm).size !== perm.length) throw new RangeError(`permute: ${fmt(dims)} is not a permutation of 0..${x.ndim - 1}`);
  const strides = stridesOf(x.shape);
  const out = readStrided(x, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]), 0);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Move axis `source` to position `destination`, keeping the others in order. */
export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const s = normalizeDim('movedim', source, x.ndim);
  const d = normalizeDim('movedim', destination, x.ndim);
  const rest = x.shape.map((_, i) => i).filter((i) => i !== s);
  rest.splice(d, 0, s);
  return permute(x, rest);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

// ---- expand: broadcast to a larger shape; the VJP sums the copies back ----------------------

/** Broadcast size-1 axes (and new leading axes) to `shape`; −1 keeps a size, as torch.expand. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new ShapeError(`expand: target ${fmt(shape)} has fewer dims than the tensor ${fmt(x.shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  checkShape('expand', target);
  const own = stridesOf(x.shape);
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const s = x.shape[i - lead];
    if (s === d) return own[i - lead];
    if (s === 1) return 0;
    throw new ShapeError(`expand: cannot expand ${fmt(x.shape)} to ${fmt(shape)} (axis ${i}: ${s} to ${d}; only size-1 axes expand)`);
  });
  return record(readStrided(x, target, strides, 0), 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

// ---- slice, narrow: the VJP embeds the gradient in zeros at the sliced positions ---------------

/**
 * Elements start, start+step, … below end along `dim` (Python slicing: negative indices count
 * from the end, out-of-range bounds are clamped; step ≥ 1).
 */
export function slice(x: Tensor, dim: number, start = 0, end = Infinity, step = 1): Tensor {
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`slice: step must be a positive integer, got ${step} (use flip for reversal)`);
  if (!Number.isInteger(start) || !(Number.isInteger(end) || end === Infinity)) {
    throw new RangeError(`slice: start and end must be integers, got ${start}, ${end}`);
  }
  const size = x.shape[d];
  const clampIndex = (i: number): number => Math.min(size, Math.max(0, i < 0 ? i + size : i));
  const lo = clampIndex(start);
  const hi = Math.max(lo, clampIndex(end));
  const length = Math.ceil((hi - lo) / step);
  const strides = stridesOf(x.shape);
  const shape = x.shape.map((s, i) => (i === d ? length : s));
  const viewStrides = strides.map((s, i) => (i === d ? s * step : s));
  const out = readStrided(x, shape, viewStrides, lo * strides[d]);
  return record(out, 'slice', [x], (g) => [embedSlice(g, x.shape, d, lo, step)]);
}

/** Zeros of `shape` with `src` placed at positions lo, lo+step, … along dim: slice's adjoint. */
export function embedSlice(src: Tensor, shape: Shape, dim: number, lo: number, step: number): Tensor {
  const strides = stridesOf(shape);
  const viewStrides = strides.map((s, i) => (i === dim ? s * step : s));
  const out = writeStrided(src, shape, viewStrides, lo * strides[dim]);
  return record(out, 'embedSlice', [src], (g) => [slice(g, dim, lo, lo + src.shape[dim] * step, step)]);
}

/** `length` elements from `start` along `dim`; unlike slice, out-of-range bounds are an error. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(start) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} and length ${length} do not fit dim ${dim} of size ${size} (shape ${fmt(x.shape)})`);
  }
  return slice(x, d, s, s + length);
}

// ---- flip: reverse along axes; flipping twice is the identity, so the VJP is a flip ---------

export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const axes = list.map((d) => normalizeDim('flip', d, x.ndim));
  // Flipping an axis twice would be the identity; a repeat is almost surely a mistake (PyTorch raises).
  const repeated = axes.find((a, i) => axes.indexOf(a) !== i);
  if (repeated !== undefined) throw new RangeError(`flip: dim ${repeated} appears more than once in ${fmt(list)} for a tensor of shape ${fmt(x.shape)}`);
  const strides = stridesOf(x.shape);
  let offset = 0;
  const viewStrides = strides.map((s, i) => {
    if (!axes.includes(i) || x.shape[i] === 0) return s;
    offset += (x.shape[i] - 1) * s;
    return -s;
  });
  return record(readStrided(x, x.shape, viewStrides, offset), 'flip', [x], (g) => [flip(g, axes)]);
}

// ---- concat, stack, split ------------------------------------------------------------------

/** Join tensors along an existing axis; the VJP hands each input its slice of the gradient. */
export function concat(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new RangeError('concat: expected at least one tensor');
  // A 0-d tensor has no axis to join along (PyTorch refuses too); without this check the
  // size arithmetic below reads shape[0] = undefined and silently returns a 0-d zero.
  const scalar = xs.findIndex((x) => x.ndim === 0);
  if (scalar >= 0) {
    throw new ShapeError(`concat: tensor ${scalar} is 0-d (shape []) and has no dim to join along; use stack, or reshape the inputs to [1] first`);
  }
  const first = xs[0];
  const d = normalizeDim('concat', dim, first.ndim);
  xs.forEach((x, k) => {
    checkSameDType('concat', first, x);
    if (x.ndim !== first.ndim || x.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError(`concat: tensor ${k} has shape ${fmt(x.shape)} but tensor 0 has ${fmt(first.shape)}; all sizes except dim ${d} must match`);
    }
  });
  const total = xs.reduce((n, x) => n + x.shape[d], 0);
  const shape = first.shape.map((s, i) => (i === d ? total : s));
  const out = empty(shape, first.dtype);
  const outer = sizeOf(first.shape.slice(0, d));
  const inner = sizeOf(first.shape.slice(d + 1));
  let offset = 0;
  for (const x of xs) {
    const block = x.shape[d] * inner;
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * block, (o + 1) * block), o * total * inner + offset);
    offset += block;
  }
  const starts = xs.map((_, k) => xs.slice(0, k).reduce((n, x) => n + x.shape[d], 0));
  return record(out, 'concat', [...xs], (g, needs) => xs.map((x, k) => (needs[k] ? slice(g, d, starts[k], starts[k] + x.shape[d]) : null)));
}

export const cat = concat;

/** Join tensors along a new axis. */
export function stack(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new RangeError('stack: expected at least one tensor');
  xs.forEach((x, k) => {
    if (x.ndim !== xs[0].ndim || x.shape.some((s, i) => s !== xs[0].shape[i])) {
      throw new ShapeError(`stack: tensor ${k} has shape ${fmt(x.shape)} but tensor 0 has ${fmt(xs[0].shape)}; all must match`);
    }
  });
  const d = normalizeDim('stack', dim, xs[0].ndim + 1);
  return concat(xs.map((x) => unsqueeze(x, d)), d);
}

/** Split along `dim` into chunks of `sizes` (one size: equal chunks, the last may be smaller). */
export function split(x: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const total = x.shape[d];
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1) throw new RangeError(`split: chunk size must be a positive integer, got ${sizes}`);
    parts = [];
    for (let s = 0; s < total; s += sizes) parts.push(Math.min(sizes, total - s));
    if (parts.length === 0) parts.push(0);
  } else {
    parts = [...sizes];
    if (parts.some((s) => !Number.isInteger(s) || s < 0) || parts.reduce((a, b) => a + b, 0) !== total) {
      throw new RangeError(`split: sizes ${fmt(parts)} must be non-negative integers summing to dim ${dim} of size ${total}`);
    }
  }
  let start = 0;
  return parts.map((n) => {
    const piece = slice(x, d, start, start + n);
    start += n;
    return piece;
  });
}

// ---- pad: constant padding as torch.nn.functional.pad; the VJP slices the interior back out ---

/**
 * Pad with a constant. `pads` lists (before, after) pairs starting from the last axis, as
 * F.pad: [left, right] pads the last axis, [left, right, top, bottom] the last two.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new RangeError(`pad: expected an even number of pads covering at most ${x.ndim} axes, got ${fmt(pads)}`);
  }
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) throw new RangeError(`pad: pads must be non-negative integers, got ${fmt(pads)}`);
  const before = x.shape.map(() => 0);
  const after = x.shape.map(() => 0);
  for (let k = 0; k < pads.length / 2; k++) {
    before[x.ndim - 1 - k] = pads[2 * k];
    after[x.ndim - 1 - k] = pads[2 * k + 1];
  }
  const shape = x.shape.map((s, i) => before[i] + s + after[i]);
  const strides = stridesOf(shape);
  const offset = before.reduce((o, b, i) => o + b * strides[i], 0);
  const out = writeStrided(x, shape, strides, offset, value);
  return record(out, 'pad', [x], (g) => {
    let inner = g;
    x.shape.forEach((s, i) => { if (before[i] !== 0 || after[i] !== 0) inner = slice(inner, i, before[i], before[i] + s); });
    return [inner];
  });
}
