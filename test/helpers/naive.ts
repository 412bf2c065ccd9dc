// Slow, obviously-correct references for tests: elementwise broadcasting by explicit index
// arithmetic, reductions by brute force, matrix products by the textbook triple loop.

import { Tensor } from '../../src/tensor/tensor.js';

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    return da === 1 ? db : da;
  });
}

/** Flat index of `idx` (in an output of rank ≥ shape's rank) into a broadcast operand. */
export function broadcastIndex(idx: number[], shape: readonly number[]): number {
  let flat = 0;
  const lead = idx.length - shape.length;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i] + (shape[i] === 1 ? 0 : idx[lead + i]);
  return flat;
}

export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  return idx;
}

export function naiveBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): { shape: number[]; data: number[] } {
  const shape = broadcastShape(a.shape, b.shape);
  const n = shape.reduce((p, q) => p * q, 1);
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data.push(f(a.data[broadcastIndex(idx, a.shape)], b.data[broadcastIndex(idx, b.shape)]));
  }
  return { shape, data };
}

/** Reduce over `axes` (kept as size 1) by brute force. */
export function naiveReduce(x: Tensor, axes: number[], init: number, f: (acc: number, v: number) => number): number[] {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const n = kept.reduce((p, q) => p * q, 1);
  const out = new Array<number>(n).fill(init);
  for (let i = 0; i < x.numel; i++) {
    const idx = unravel(i, x.shape);
    const o = broadcastIndex(idx, kept);
    out[o] = f(out[o], x.data[i]);
  }
  return out;
}

/** C = A·B for row-major 2-D arrays. */
export function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    c[i * n + j] = s;
  }
  return c;
}
