// Dispatch thresholds of the gpu backend, per gpu.js mode: below them a call stays on js,
// where a launch, an upload and a readback would cost more than the arithmetic they save.
//
// Every number here is measured by bench/gpu.bench.ts (`npm run bench -- gpu`, or with
// GPU_MODE=cpu for gpu.js's plain-JS mode), which times the gpu backend with its thresholds
// at 0 against js on the same arrays, and prints the smallest size from which gpu.js wins at
// every larger measured size. Measured on this project's machine only: 2 shared x86 cores,
// Node 20.20.2, no GPU, so gpu.js runs its WebAssembly (`webasm`) or JS (`cpu`) kernels.
// Neither beat the js kernels at any size (see docs/gpu.md for the table), hence Infinity.
//
// No machine with headless-gl, WebGL or a GPU has run the benchmark yet, so those modes have
// no entry: rather than guess, the backend then routes everything to js, warns once, and says
// how to measure. Pass the measured numbers as createGpuBackend({ thresholds }).

import type { GpuJsMode } from './gpujs.js';

export interface GpuThresholds {
  /** Smallest batch·m·n·k (multiply-adds) that runs on gpu.js; Infinity: never. */
  matmul: number;
  /** Smallest batch·n (points per call, n the transform length) that runs on gpu.js; Infinity: never. */
  fft: number;
  /** Where the numbers come from. */
  source: string;
}

const BENCH = 'bench/gpu.bench.ts';

/** Measured per mode; a mode not listed here has not been measured. */
export const MEASURED: Partial<Record<GpuJsMode, GpuThresholds>> = {
  // 2026-11-22, matmul 64..1024, FFT 2^8..2^18, three runs: js 1.7-7x faster at matmul, 7-25x at FFT.
  // 2026-12-05, the same plus 16 batched 128² matmuls and rfft 2^14 × 8, one run at load 8-10:
  // js 1.9-3.7x faster at matmul, 7.8-37x at FFT.
  webasm: { matmul: Infinity, fft: Infinity, source: `${BENCH}, 2026-11-22, 2-core x86, Node 20.20.2: js faster at every size` },
  // 2026-11-22, same sizes, two runs: js 2.4-14x faster at matmul, 17-33x at FFT.
  cpu: { matmul: Infinity, fft: Infinity, source: `${BENCH}, 2026-11-22, 2-core x86, Node 20.20.2: js faster at every size` },
};

/**
 * The thresholds in effect for `mode`: the measured ones, overridden by `given`. `warning` is
 * set when the mode was never measured and `given` does not cover both kernels.
 */
export function thresholdsFor(
  mode: GpuJsMode, given: { matmul?: number; fft?: number } = {},
): { thresholds: GpuThresholds; warning: string | null } {
  const measured = MEASURED[mode];
  const some = given.matmul !== undefined || given.fft !== undefined;
  const all = given.matmul !== undefined && given.fft !== undefined;
  const fallback = measured?.source ?? `not measured for ${mode}`;
  const thresholds = {
    matmul: given.matmul ?? measured?.matmul ?? Infinity,
    fft: given.fft ?? measured?.fft ?? Infinity,
    source: all ? 'given' : some ? `given, else ${fallback}` : fallback,
  };
  const warning = measured !== undefined || all ? null
    : `no measured dispatch thresholds for gpu.js mode ${mode}, so kernels without a given threshold run on js; `
      + 'run `npm run bench -- gpu` on this machine and pass its thresholds to createGpuBackend({ thresholds })';
  return { thresholds, warning };
}

/** Throw a RangeError unless every given threshold is a number ≥ 0 (Infinity allowed). */
export function checkThresholds(given: { matmul?: number; fft?: number } = {}): void {
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      throw new RangeError(`createGpuBackend: thresholds.${name} must be a number ≥ 0 (Infinity: never), got ${String(value)}`);
    }
  }
}
