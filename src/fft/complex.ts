// The complex DFT of any length, batched, for either dtype: picks the algorithm (radix-4 for
// powers of two, Bluestein otherwise) and moves rows between the caller's arrays and float64
// scratch. Arguments are assumed valid here; index.ts checks them.
//
// Data flow per row (2n numbers, interleaved re/im):
//   float64 → float64   FFT straight into the output row (staged in scratch only when input
//                        and output share an ArrayBuffer, since the radix-4 gather is out of
//                        place and an in-place call must read the row before writing it);
//   float32 → float32   the radix-4 gather reads the float32 row directly; butterflies run in
//                        float64 scratch; one pass rounds the result back to float32.
//   mixed dtypes        the same two pieces combined.
// So every butterfly runs in float64 whatever the dtype, and float32 results are the float64
// results rounded once.

import { isPowerOfTwo } from './plan.js';
import { fftPow2, fftPow2F32 } from './radix4.js';
import { fftBluestein } from './bluestein.js';
import { scaleInPlace, scratch, Slot, store, widen32 } from './staging.js';

export type FloatArray = Float32Array | Float64Array;

/** Unscaled DFT of any length n ≥ 1 between float64 rows; `src` and `dst` must not overlap. */
export function fft64(src: Float64Array, srcOffset: number, dst: Float64Array, dstOffset: number, n: number, inverse: boolean): void {
  if (isPowerOfTwo(n)) fftPow2(src, srcOffset, dst, dstOffset, n, inverse);
  else fftBluestein(src, srcOffset, dst, dstOffset, n, inverse);
}

/**
 * As `fft64`, reading a row of either dtype. Float32 rows of power-of-two length go straight to
 * the float32 gather; other float32 rows are widened into the `input` scratch slot first.
 */
export function fftFromRow(src: FloatArray, srcOffset: number, dst: Float64Array, dstOffset: number, n: number, inverse: boolean): void {
  if (src instanceof Float64Array) {
    fft64(src, srcOffset, dst, dstOffset, n, inverse);
  } else if (isPowerOfTwo(n)) {
    fftPow2F32(src, srcOffset, dst, dstOffset, n, inverse);
  } else {
    const widened = scratch(Slot.input, 2 * n);
    widen32(src, srcOffset, widened, 2 * n);
    fftBluestein(widened, 0, dst, dstOffset, n, inverse);
  }
}

/**
 * `batch` complex DFTs of length n, row after row: output row = scale · DFT(input row), with
 * the exponent's sign −1 (forward) or +1 (inverse) and no other factor. `input` and `output`
 * are either disjoint or the very same range (in place).
 */
export function complexTransform(input: FloatArray, output: FloatArray, n: number, batch: number, inverse: boolean, scale: number): void {
  const len = 2 * n;
  const inPlace = input.buffer === output.buffer;
  if (output instanceof Float64Array && !inPlace) {
    for (let b = 0; b < batch; b++) {
      fftFromRow(input, b * len, output, b * len, n, inverse);
      scaleInPlace(output, b * len, len, scale);
    }
    return;
  }
  const staged = scratch(Slot.output, len);
  for (let b = 0; b < batch; b++) {
    fftFromRow(input, b * len, staged, 0, n, inverse);
    store(staged, output, b * len, len, scale);
  }
}
