// The FFT kernel layer's public surface: batched transforms over raw typed arrays, for the ops
// layer (src/ops/fft.ts) and the backends. Nothing here knows tensors or autograd.
//
// Conventions shared by every function:
//   - Complex data is interleaved: re, im, re, im, … (a torch.view_as_real layout).
//   - `batch` rows of the stated length lie one after another; row b starts at b·(row length).
//   - Forward exponent −2πi·kt/n, inverse +2πi·kt/n, and NO 1/n anywhere: every transform is
//     unscaled, then multiplied by `scale` (default 1) for free in its last pass. The ops layer
//     passes scale = 1/n, 1/√n or 1 for norm 'backward', 'ortho' and 'forward'.
//   - Float32Array and Float64Array are both accepted, also mixed; all arithmetic is float64
//     (twiddles included) and float32 results are rounded once at the end.
//   - Any n ≥ 1: radix-4 for powers of two, Bluestein otherwise; real transforms of even n go
//     through a half-length complex FFT.
// Every function checks its arguments first and throws a RangeError (TypeError for a wrong
// array type) naming itself, n, batch and the lengths expected, before touching any output.

import { complexTransform, type FloatArray } from './complex.js';
import { realForward, realInverse } from './real.js';
import { naiveDftRows } from './naive.js';

export type { FloatArray } from './complex.js';

/** The longest transform supported, 2^28: a complex row of it is already 4 GiB of float64. */
export const MAX_FFT_LENGTH = 2 ** 28;
export { getPlan, type Pow2Plan } from './plan.js';
export { releaseScratch } from './staging.js';
export { releasePlans } from './cache.js';

/**
 * `batch` complex DFTs of length n:
 *   output_b[k] = scale · Σ_{t=0}^{n−1} input_b[t] · e^{∓2πi·kt/n}   (− forward, + inverse).
 * `input` and `output` hold batch·2n numbers each (interleaved). They may be the same array
 * (an in-place transform) but must not otherwise overlap. For numpy's ifft pass
 * inverse = true, scale = 1/n.
 */
export function fftInterleaved(input: FloatArray, output: FloatArray, n: number, batch: number, inverse: boolean, scale = 1): void {
  const fn = 'fftInterleaved';
  checkSizes(fn, n, batch, scale);
  checkArray(fn, 'input', input, batch * 2 * n, `batch ${batch} × n ${n} complex values, interleaved`);
  checkArray(fn, 'output', output, batch * 2 * n, `batch ${batch} × n ${n} complex values, interleaved`);
  checkOverlap(fn, input, output, batch * 2 * n, batch * 2 * n, true);
  complexTransform(input, output, n, batch, inverse, scale);
}

/**
 * `batch` real FFTs of length n: row b of `realInput` (n reals) → row b of `output`, the
 * n//2+1 bins X_0..X_{n//2} of its forward DFT (interleaved, Im X_0 = 0 and, for even n,
 * Im X_{n/2} = 0 exactly), times `scale`. The arrays must not overlap.
 */
export function rfftInterleaved(realInput: FloatArray, output: FloatArray, n: number, batch: number, scale = 1): void {
  const fn = 'rfftInterleaved';
  checkSizes(fn, n, batch, scale);
  const bins = Math.floor(n / 2) + 1;
  checkArray(fn, 'realInput', realInput, batch * n, `batch ${batch} × n ${n} reals`);
  checkArray(fn, 'output', output, batch * 2 * bins, `batch ${batch} × ${bins} complex bins (n//2+1 for n ${n}), interleaved`);
  checkOverlap(fn, realInput, output, batch * n, batch * 2 * bins, false);
  realForward(realInput, output, n, batch, scale);
}

/**
 * `batch` inverse real FFTs of length n, UNSCALED: row b of `bins` (the n//2+1 complex bins
 * X_0..X_{n//2}, interleaved) → row b of `realOutput` (n reals),
 *   x_t = scale · Σ_{k=0}^{n−1} Y_k e^{+2πi·kt/n},  Y_k = X_k (k ≤ n//2), Y_k = conj X_{n−k} (k > n//2),
 * with Im X_0 and, for even n, Im X_{n/2} ignored (treated as 0, as numpy and PyTorch do).
 * Pass scale = 1/n for numpy's irfft. The arrays must not overlap.
 */
export function irfftInterleaved(bins: FloatArray, realOutput: FloatArray, n: number, batch: number, scale = 1): void {
  const fn = 'irfftInterleaved';
  checkSizes(fn, n, batch, scale);
  const binCount = Math.floor(n / 2) + 1;
  checkArray(fn, 'bins', bins, batch * 2 * binCount, `batch ${batch} × ${binCount} complex bins (n//2+1 for n ${n}), interleaved`);
  checkArray(fn, 'realOutput', realOutput, batch * n, `batch ${batch} × n ${n} reals`);
  checkOverlap(fn, bins, realOutput, batch * 2 * binCount, batch * n, false);
  realInverse(bins, realOutput, n, batch, scale);
}

/**
 * NAIVE O(n²) complex DFT, the slow truth for tests (float64 accumulation, unscaled, same
 * layout and signs as `fftInterleaved`). Do not use it on long rows.
 */
export function naiveDft(input: FloatArray, output: FloatArray, n: number, batch: number, inverse: boolean): void {
  const fn = 'naiveDft';
  checkSizes(fn, n, batch, 1);
  checkArray(fn, 'input', input, batch * 2 * n, `batch ${batch} × n ${n} complex values, interleaved`);
  checkArray(fn, 'output', output, batch * 2 * n, `batch ${batch} × n ${n} complex values, interleaved`);
  checkOverlap(fn, input, output, batch * 2 * n, batch * 2 * n, true);
  naiveDftRows(input, output, n, batch, inverse);
}

// ---- argument checks ------------------------------------------------------------------------

function checkSizes(fn: string, n: number, batch: number, scale: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${fn}: n must be a positive integer, got ${n} (batch ${batch})`);
  if (!Number.isSafeInteger(batch) || batch < 0) throw new RangeError(`${fn}: batch must be a non-negative integer, got ${batch} (n ${n})`);
  if (n > MAX_FFT_LENGTH) throw new RangeError(`${fn}: n ${n} is larger than the supported 2^28 (batch ${batch})`);
  if (!Number.isFinite(scale)) throw new RangeError(`${fn}: scale must be a finite number, got ${scale} (n ${n}, batch ${batch})`);
}

function checkArray(fn: string, name: string, a: unknown, needed: number, what: string): void {
  if (!(a instanceof Float32Array || a instanceof Float64Array)) {
    const got = a === null || typeof a !== 'object' ? String(a) : (a.constructor?.name ?? 'object');
    throw new TypeError(`${fn}: ${name} must be a Float32Array or Float64Array, got ${got}`);
  }
  if (a.length < needed) throw new RangeError(`${fn}: ${name} has ${a.length} elements, expected at least ${needed} (${what})`);
}

/** Reject arrays that share memory, except (when allowed) exactly the same range: in place. */
function checkOverlap(fn: string, a: FloatArray, b: FloatArray, aLen: number, bLen: number, allowSame: boolean): void {
  if (a.buffer !== b.buffer || aLen === 0 || bLen === 0) return;
  const aStart = a.byteOffset;
  const aEnd = aStart + aLen * a.BYTES_PER_ELEMENT;
  const bStart = b.byteOffset;
  const bEnd = bStart + bLen * b.BYTES_PER_ELEMENT;
  if (aEnd <= bStart || bEnd <= aStart) return;
  if (allowSame && aStart === bStart && aEnd === bEnd && a.BYTES_PER_ELEMENT === b.BYTES_PER_ELEMENT) return;
  const how = allowSame ? 'must be the same range (in place) or not overlap' : 'must not overlap';
  throw new RangeError(`${fn}: input and output share memory; they ${how}`);
}
