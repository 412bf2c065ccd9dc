// Reused float64 scratch buffers, and the only loops besides the radix-4 gather that touch a
// caller's array (widening float32 into float64 scratch, storing float64 results back).
//
// Why reuse: filling a freshly allocated 32 MiB buffer costs 13-18 ms on the target machine
// against ~1 ms for one already touched, so every kernel takes its scratch from here instead of
// allocating per call. Buffers only grow; `releaseScratch()` hands them back to the GC.
//
// Why one function per dtype (widen32, store32, store64): a loop that sees both Float32Array
// and Float64Array is compiled for a polymorphic element load and can run 2x slower, so each
// copy loop is written for exactly one array type and the dispatch (`store`) happens once per
// call, outside the loop.

/**
 * Scratch roles. Each buffer has exactly one user at a time, which is what lets the real
 * transforms call the complex ones, and those call Bluestein, without clobbering each other:
 *   input    a float32 row widened to float64 (complex/real drivers)
 *   output   a float64 result before it is narrowed to float32 (complex/real drivers)
 *   pack     the real transforms' half-length complex sequence, or a complexified row (real.ts)
 *   spectrum the real transforms' full-length complex spectrum for odd n (real.ts)
 *   chirpA, chirpB  Bluestein's two length-M work buffers (bluestein.ts)
 */
export const Slot = { input: 0, output: 1, pack: 2, spectrum: 3, chirpA: 4, chirpB: 5 } as const;
export type Slot = (typeof Slot)[keyof typeof Slot];

const buffers: (Float64Array | undefined)[] = [];

/** A float64 buffer of at least `length` elements for `slot`; contents are left over from earlier use. */
export function scratch(slot: Slot, length: number): Float64Array {
  let buf = buffers[slot];
  if (buf === undefined || buf.length < length) {
    buf = new Float64Array(length);
    buffers[slot] = buf;
  }
  return buf;
}

/** Drop every scratch buffer (they are re-created, at the size needed, on the next call). */
export function releaseScratch(): void {
  buffers.length = 0;
}

/** dst[0..len) = src[srcOffset..srcOffset+len), float32 → float64 (exact). */
export function widen32(src: Float32Array, srcOffset: number, dst: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) dst[i] = src[srcOffset + i];
}

/** dst[dstOffset..+len) = scale · src[0..len), rounded to float32. */
export function store32(src: Float64Array, dst: Float32Array, dstOffset: number, len: number, scale: number): void {
  if (scale === 1) {
    for (let i = 0; i < len; i++) dst[dstOffset + i] = src[i];
  } else {
    for (let i = 0; i < len; i++) dst[dstOffset + i] = scale * src[i];
  }
}

/** dst[dstOffset..+len) = scale · src[0..len), float64. */
export function store64(src: Float64Array, dst: Float64Array, dstOffset: number, len: number, scale: number): void {
  if (scale === 1) {
    dst.set(src.subarray(0, len), dstOffset);
  } else {
    for (let i = 0; i < len; i++) dst[dstOffset + i] = scale * src[i];
  }
}

/** Store a float64 scratch result into a caller's array of either dtype. */
export function store(src: Float64Array, dst: Float32Array | Float64Array, dstOffset: number, len: number, scale: number): void {
  if (dst instanceof Float32Array) store32(src, dst, dstOffset, len, scale);
  else store64(src, dst, dstOffset, len, scale);
}

/** x[offset..offset+len) *= scale, in place (float64). */
export function scaleInPlace(x: Float64Array, offset: number, len: number, scale: number): void {
  if (scale === 1) return;
  for (let i = offset; i < offset + len; i++) x[i] *= scale;
}
