// Shared by the gpu backend tests: seeded operands, the js reference run on the same operands,
// float32 tolerances, a console.warn recorder, and fake gpu.js GPU classes that fail on cue.

import type { FftArgs, MatmulArgs } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import type { GpuBackend, GpuJsConstructor } from '../../src/backend/gpu/index.js';
import type { GpuJsInstance, GpuJsKernel } from '../../src/backend/gpu/gpujs.js';
import { allClose } from '../helpers/close.js';

/** Deterministic values in [-1, 1) from a linear congruential generator. */
export function filled(length: number, seed: number, T: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array): Float32Array | Float64Array {
  const x = new T(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

export interface MatmulCase {
  batch?: number;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
  aStride?: number;
  bStride?: number;
}

/** Run `backend.matmul` and js on the same random float32 operands; compare within float32 sums. */
export function matmulAgrees(backend: GpuBackend, c: MatmulCase, label: string): void {
  const batch = c.batch ?? 1;
  const aStride = c.aStride ?? c.m * c.k;
  const bStride = c.bStride ?? c.k * c.n;
  const a = filled((batch - 1) * aStride + c.m * c.k, 3 + c.m);
  const b = filled((batch - 1) * bStride + c.k * c.n, 5 + c.n);
  const expected = new Float32Array(batch * c.m * c.n);
  const actual = new Float32Array(batch * c.m * c.n).fill(NaN); // NaN proves every element is written
  const args: Omit<MatmulArgs, 'out'> = { ...c, batch, a, b, aStride, bStride };
  jsBackend.matmul({ ...args, out: expected });
  backend.matmul({ ...args, out: actual });
  // gpu.js sums in float32 (js in float64): k roundings of terms of size up to 1.
  allClose(actual, expected, { atol: 1e-6 * c.k, rtol: 1e-5 }, label);
}

type FftKind = 'fft' | 'rfft' | 'irfft';

/** Lengths of the input and output arrays of one call. */
export function fftLengths(kind: FftKind, n: number, batch: number): [number, number] {
  if (kind === 'fft') return [2 * n * batch, 2 * n * batch];
  return kind === 'rfft' ? [n * batch, (n + 2) * batch] : [(n + 2) * batch, n * batch];
}

/** One transform through `backend` and through js; returns the gpu output for further checks. */
export function fftAgrees(backend: GpuBackend, kind: FftKind, n: number, batch: number, label: string, opts: { inverse?: boolean; scale?: number } = {}): Float32Array {
  const [inLength, outLength] = fftLengths(kind, n, batch);
  const input = filled(inLength, n + batch) as Float32Array;
  const expected = new Float32Array(outLength);
  const actual = new Float32Array(outLength).fill(NaN);
  const args = (output: Float32Array): FftArgs & { inverse: boolean } => ({ input, output, n, batch, inverse: opts.inverse ?? false, scale: opts.scale });
  jsBackend[kind](args(expected));
  backend[kind](args(actual));
  // Float32 FFT error grows like log2(n) roundings of the largest values; js rounds once.
  let peak = 0;
  for (const v of expected) peak = Math.max(peak, Math.abs(v));
  allClose(actual, expected, { atol: 3e-7 * Math.max(1, Math.log2(n)) * peak, rtol: 0 }, label);
  return actual;
}

/** Record console.warn calls while `fn` runs. */
export function warnings<T>(fn: () => T): { result: T; messages: string[] } {
  const messages: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => { messages.push(args.map(String).join(' ')); };
  try {
    return { result: fn(), messages };
  } finally {
    console.warn = original;
  }
}

/**
 * A GPU class that claims to be gpu.js in `kernelClass` mode and whose kernels run `behave`
 * (throwing to simulate a build or run failure, or delegating to a real kernel).
 */
export function fakeGpu(kernelClass: string, behave: (real: () => GpuJsKernel, call: number, args: unknown[]) => unknown,
  real?: GpuJsInstance): GpuJsConstructor {
  return class FakeGpu implements GpuJsInstance {
    Kernel = { name: kernelClass };
    createKernel(source: (...args: never[]) => number, settings: Parameters<GpuJsInstance['createKernel']>[1]): GpuJsKernel {
      let built: GpuJsKernel | null = null;
      const make = (): GpuJsKernel => (built ??= real!.createKernel(source, settings));
      let calls = 0;
      const kernel = ((...args: unknown[]) => behave(make, calls++, args)) as GpuJsKernel;
      Object.defineProperty(kernel, 'kernel', { get: () => (built ? built.kernel : { constructor: { name: kernelClass } }) });
      kernel.destroy = () => built?.destroy?.();
      return kernel;
    }
  };
}
