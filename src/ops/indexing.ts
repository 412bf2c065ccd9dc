// Indexing ops: gather / scatterAdd and indexSelect / indexAdd, each pair the other's adjoint,
// and embedding (a row lookup). Index arguments are Int32Array, number[] or a Tensor holding
// integral values; every index is checked against its bound before anything is computed.

import { record } from '../autograd/graph.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { checkShape, normalizeDim, sameShape, sizeOf } from '../tensor/shape.js';
import { type NestedArray, Tensor, checkSameDType } from '../tensor/tensor.js';
import { mul } from './binary.js';
import { reshape } from './shape.js';
import { empty } from './util.js';

export type IndexLike = Tensor | Int32Array | readonly number[];

export interface Index {
  values: Int32Array;
  shape: number[];
}

/**
 * The raw values and shape of integer-valued input given as a Tensor, an Int32Array or a
 * (nested) number array, unchecked; `what` names it in errors ("index", "target").
 */
export function readIndexLike(op: string, what: string, x: IndexLike | NestedArray): { values: ArrayLike<number>; shape: number[] } {
  if (x instanceof Tensor) return { values: x.data, shape: [...x.shape] };
  if (x instanceof Int32Array) return { values: x, shape: [x.length] };
  if (!Array.isArray(x)) throw new TypeError(`${op}: ${what} must be an Int32Array, a number array or a Tensor, got ${typeof x}`);
  const values = (x as NestedArray[]).flat(Infinity as 1) as number[];
  const shape: number[] = [];
  for (let level: unknown = x; Array.isArray(level); level = level[0]) shape.push(level.length);
  if (sizeOf(shape) !== values.length) throw new ShapeError(`${op}: the nested ${what} array is ragged`);
  return { values, shape };
}

/** Read and validate integer indices in [0, bound). */
export function toIndex(op: string, index: IndexLike | NestedArray, bound: number): Index {
  // normalizeDim lets dim 0 through on a 0-d tensor (for reductions); there is no size to
  // check indices against then, and every index would silently read element 0.
  if (!Number.isInteger(bound)) throw new ShapeError(`${op}: the indexed tensor is 0-d, so there is no dim to index; reshape it to [1] first`);
  const { values: raw, shape } = readIndexLike(op, 'index', index);
  const values = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (!Number.isInteger(v) || v < 0 || v >= bound) {
      throw new RangeError(`${op}: index ${v} at position ${i} is out of range for a dimension of size ${bound}`);
    }
    values[i] = v;
  }
  return { values, shape };
}

/** Split a shape around `dim` into (outer, size, inner) extents of row-major storage. */
function around(shape: readonly number[], dim: number): { outer: number; size: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, dim)), size: shape[dim], inner: sizeOf(shape.slice(dim + 1)) };
}

// ---- indexSelect / indexAdd: rows along one axis -------------------------------------------

/** The entries index[0], index[1], … along `dim` (1-D index). */
export function indexSelect(x: Tensor, dim: number, index: IndexLike): Tensor {
  const d = normalizeDim('indexSelect', dim, x.ndim);
  const idx = toIndex('indexSelect', index, x.shape[d]);
  if (idx.shape.length !== 1) throw new ShapeError(`indexSelect: index must be 1-D, got shape ${fmt(idx.shape)}`);
  const { outer, size, inner } = around(x.shape, d);
  const n = idx.values.length;
  const out = empty(x.shape.map((s, i) => (i === d ? n : s)), x.dtype);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const from = (o * size + idx.values[j]) * inner;
      out.data.set(x.data.subarray(from, from + inner), (o * n + j) * inner);
    }
  }
  return record(out, 'indexSelect', [x], (g) => [indexAddChecked(x.shape, d, idx.values, g)]);
}

/** Zeros of `shape` with src's entries added at index[j] along `dim` (repeats accumulate). */
export function indexAdd(shape: readonly number[], dim: number, index: IndexLike | NestedArray, src: Tensor): Tensor {
  checkShape('indexAdd', shape);
  if (!(src instanceof Tensor)) throw new TypeError(`indexAdd: src must be a Tensor, got ${typeof src}`);
  const d = normalizeDim('indexAdd', dim, shape.length);
  const idx = toIndex('indexAdd', index, shape[d]);
  if (idx.shape.length !== 1) throw new ShapeError(`indexAdd: index must be 1-D, got shape ${fmt(idx.shape)}`);
  const expected = shape.map((s, i) => (i === d ? idx.values.length : s));
  if (!sameShape(src.shape, expected)) {
    throw new ShapeError(`indexAdd: src has shape ${fmt(src.shape)}, expected ${fmt(expected)} (shape ${fmt(shape)} with dim ${d} of size ${idx.values.length}, the index length)`);
  }
  return indexAddChecked(shape, d, idx.values, src);
}

function indexAddChecked(shape: readonly number[], dim: number, index: Int32Array, src: Tensor): Tensor {
  const { outer, size, inner } = around(shape, dim);
  const n = index.length;
  const out = empty(shape, src.dtype);
  const O = out.data;
  const S = src.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const to = (o * size + index[j]) * inner;
      const from = (o * n + j) * inner;
      for (let q = 0; q < inner; q++) O[to + q] += S[from + q];
    }
  }
  return record(out, 'indexAdd', [src], (g) => [indexSelect(g, dim, index)]);
}

// ---- gather / scatterAdd: per-element indices along one axis ---------------------------------

/**
 * out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (and likewise for other dims): the
 * index has x's rank, and each of its sizes is at most x's (except along dim), as torch.gather.
 */
export function gather(x: Tensor, dim: number, index: IndexLike | NestedArray): Tensor {
  const d = normalizeDim('gather', dim, x.ndim);
  const idx = toIndex('gather', index, x.shape[d]);
  checkGatherShape('gather', idx.shape, x.shape, d);
  const out = empty(idx.shape, x.dtype);
  forEachGatherPair(x.shape, idx, d, (o, i) => (out.data[o] = x.data[i]));
  return record(out, 'gather', [x], (g) => [scatterAddChecked(x.shape, d, idx, g)]);
}

/** torch.gather's rule: the index has the input's rank and, except along dim, no larger sizes. */
function checkGatherShape(op: string, indexShape: readonly number[], shape: readonly number[], dim: number): void {
  if (indexShape.length !== shape.length || indexShape.some((s, i) => i !== dim && s > shape[i])) {
    const what = op === 'gather' ? 'input' : 'target shape';
    throw new ShapeError(`${op}: index shape ${fmt(indexShape)} does not fit ${what} ${fmt(shape)} along dim ${dim} (same rank, sizes at most the ${what}'s)`);
  }
}

function isIndex(x: unknown): x is Index {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && !(x instanceof Int32Array) && 'values' in x && 'shape' in x;
}

/** Validate an already-built Index: its shape holds its values, each in [0, bound). */
function checkIndex(op: string, idx: Index, bound: number): Index {
  if (!(idx.values instanceof Int32Array) || !Array.isArray(idx.shape)) {
    throw new TypeError(`${op}: an index object needs values: Int32Array and shape: number[]`);
  }
  checkShape(op, idx.shape);
  if (sizeOf(idx.shape) !== idx.values.length) {
    throw new ShapeError(`${op}: index shape ${fmt(idx.shape)} holds ${sizeOf(idx.shape)} values, but ${idx.values.length} were given`);
  }
  return toIndex(op, new Tensor(Float64Array.from(idx.values), idx.shape), bound);
}

/**
 * Zeros of `shape` with src[...] added at the gathered positions: gather's adjoint. The index
 * follows gather's rules (same rank as `shape`, sizes at most its sizes except along dim) and
 * src has the index's shape.
 */
export function scatterAdd(shape: readonly number[], dim: number, index: IndexLike | NestedArray | Index, src: Tensor): Tensor {
  checkShape('scatterAdd', shape);
  if (!(src instanceof Tensor)) throw new TypeError(`scatterAdd: src must be a Tensor, got ${typeof src}`);
  const d = normalizeDim('scatterAdd', dim, shape.length);
  const idx = isIndex(index) ? checkIndex('scatterAdd', index, shape[d]) : toIndex('scatterAdd', index, shape[d]);
  checkGatherShape('scatterAdd', idx.shape, shape, d);
  if (!sameShape(src.shape, idx.shape)) {
    throw new ShapeError(`scatterAdd: src has shape ${fmt(src.shape)} but the index has shape ${fmt(idx.shape)}; they must match`);
  }
  return scatterAddChecked(shape, d, idx, src);
}

function scatterAddChecked(shape: readonly number[], dim: number, idx: Index, src: Tensor): Tensor {
  const out = empty(shape, src.dtype);
  forEachGatherPair(shape, idx, dim, (o, i) => (out.data[i] += src.data[o]));
  return record(out, 'scatterAdd', [src], (g) => [gather(g, dim, idx.values.length === 0 ? new Tensor(new Float64Array(0), idx.shape) : indexTensor(idx))]);
}

function indexTensor(idx: Index): Tensor {
  return new Tensor(Float64Array.from(idx.values), idx.shape);
}

/** Visit (position in index/output, position in the indexed tensor) for every index entry. */
function forEachGatherPair(shape: readonly number[], idx: Index, dim: number, visit: (o: number, i: number) => void): void {
  const rank = idx.shape.length;
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
  const pos = new Array<number>(rank).fill(0);
  for (let o = 0; o < idx.values.length; o++) {
    let target = 0;
    for (let a = 0; a < rank; a++) target += (a === dim ? idx.values[o] : pos[a]) * strides[a];
    visit(o, target);
    for (let a = rank - 1; a >= 0; a--) {
      if (++pos[a] < idx.shape[a]) break;
      pos[a] = 0;
    }
  }
}

// ---- embedding: rows of a [num, dim] table, shaped like the ids plus a trailing dim ----------

/**
 * weight[ids]: output shape ids.shape + [embeddingDim]. With `paddingIdx`, that row gets no
 * gradient (as torch.nn.functional.embedding), so it stays at its initial value.
 */
export function embedding(ids: IndexLike | NestedArray, weight: Tensor, paddingIdx?: number): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be [numEmbeddings, embeddingDim], got ${fmt(weight.shape)}`);
  const idx = toIndex('embedding', ids, weight.shape[0]);
  const flat = indexSelect(weight, 0, idx.values);
  const out = reshape(flat, [...idx.shape, weight.shape[1]]);
  if (paddingIdx === undefined || !out.requiresGrad) return out;
  const keep = new Tensor(weight.dtype === 'float64' ? new Float64Array(idx.values.length) : new Float32Array(idx.values.length), [...idx.shape, 1]);
  idx.values.forEach((v, i) => (keep.data[i] = v === paddingIdx ? 0 : 1));
  // Route the gradient through a mask that is 1 except at padding positions; the value is unchanged.
  return maskGradient(out, keep);
}

/** Identity in the forward pass; multiplies the gradient by `mask` in the backward pass. */
function maskGradient(x: Tensor, mask: Tensor): Tensor {
  checkSameDType('embedding', x, mask);
  return record(new Tensor(x.data, x.shape), 'maskGradient', [x], (g) => [mul(g, mask)]);
}
