// Shape arithmetic: sizes, strides, axis normalisation and NumPy broadcasting.

import { ShapeError, fmt } from './errors.js';

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar shape []). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throw unless every dimension is a non-negative integer. */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: shape must be an array of sizes, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: sizes must be non-negative integers, got ${fmt(shape)}`);
    }
  }
}

/** Map a possibly negative axis into [0, ndim), or throw naming the op. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= Math.max(ndim, 1)) {
    throw new RangeError(`${op}: dim ${dim} is out of range for a tensor of rank ${ndim} (expected ${-ndim}..${Math.max(ndim, 1) - 1})`);
  }
  return dim < 0 ? dim + ndim : dim;
}

/**
 * Normalise a reduction's axis argument: undefined means every axis. Duplicates are an error.
 * Returns the axes sorted ascending.
 */
export function normalizeDims(op: string, dim: number | readonly number[] | undefined, ndim: number): number[] {
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const axes = list.map((d) => normalizeDim(op, d, ndim));
  const sorted = [...new Set(axes)].sort((x, y) => x - y);
  if (sorted.length !== axes.length) throw new RangeError(`${op}: repeated dim in ${fmt(list)}`);
  // A scalar has no axes to reduce; dim 0 / -1 on it means "the whole thing".
  return ndim === 0 ? [] : sorted;
}

/** NumPy broadcasting: align trailing axes; sizes must match or be 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together (axis ${i - n}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides for reading a tensor of shape `from` as if it had the (broadcast) shape `to`:
 * axes that were added or have size 1 get stride 0.
 */
export function broadcastStrides(from: Shape, to: Shape): number[] {
  const own = stridesOf(from);
  const offset = to.length - from.length;
  const strides = new Array<number>(to.length).fill(0);
  for (let i = 0; i < from.length; i++) {
    strides[i + offset] = from[i] === 1 && to[i + offset] !== 1 ? 0 : own[i];
  }
  return strides;
}
