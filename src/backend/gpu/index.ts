// The gpu backend: the Backend interface over gpu.js kernels (matmul.ts, fft.ts), with js as the
// answer to everything the kernels do not cover. What runs where:
//   - float64 work: js (gpu.js computes in float32 on every backend);
//   - small work, below the measured threshold of the mode (thresholds.ts): js;
//   - FFT lengths that are not powers of two, and single matrices or rows too large for one
//     float32-exact launch (kernels.ts): js;
//   - anything the js kernels would reject (bad sizes, short or overlapping arrays): js, which
//     throws the same errors as ever;
//   - the rest: gpu.js.
// When gpu.js cannot be loaded or started, every call runs on js, with the reason in
// `info.fallbackReason`. When a kernel fails to build or run, or gpu.js quietly degrades it to
// its cpu backend, that kernel family (matmul, or the FFTs) switches to js for good, the call is
// recomputed on js, and the reason lands in `info.kernelFallbacks`. Each reason is printed once
// per process with console.warn. Results are never wrong and never silently different.
// destroy() frees the kernels and the gpu.js instance (gpu.js keeps every kernel it built, and
// on GL a context, until its instance is destroyed); the backend then runs everything on js.

import type { Backend, FftArgs, MatmulArgs } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { resolveMatmulArgs } from '../js/matmul-args.js';
import { GpuFft, type FftKind } from './fft.js';
import { type GpuJsConstructor, type GpuJsMode, loadGpuJs, modeOfKernelClass } from './gpujs.js';
import { DEFAULT_LAUNCH_LIMIT, type KernelHost, KernelDegradedError } from './kernels.js';
import { GpuMatmul } from './matmul.js';
import { type GpuThresholds, checkThresholds, thresholdsFor } from './thresholds.js';

export type { GpuJsConstructor, GpuJsMode } from './gpujs.js';
export type { GpuThresholds } from './thresholds.js';

export interface GpuBackendOptions {
  /** The gpu.js mode to ask for; default 'gpu', gpu.js's own choice (headlessgl → webgl2 → webgl → webasm → cpu). */
  mode?: 'gpu' | GpuJsMode;
  /** Override the measured thresholds (0: always gpu.js, Infinity: never), e.g. with numbers from bench/gpu.bench.ts. */
  thresholds?: { matmul?: number; fft?: number };
  /** gpu.js's GPU class, where it cannot be loaded here (a browser) or to inject a fake one (tests). */
  GPU?: GpuJsConstructor;
  /** Most cells one launch writes (default and maximum 2^22, see kernels.ts); smaller values force batch splitting. */
  launchLimit?: number;
}

export type GpuKernelFamily = 'matmul' | 'fft';
type Call = 'matmul' | 'fft' | 'rfft' | 'irfft';

/** What the backend got, live: read it after calls to see where they ran. */
export interface GpuInfo {
  /** The mode gpu.js runs kernels in, or 'none' when gpu.js is unusable (or destroyed) and everything runs on js. */
  readonly mode: GpuJsMode | 'none';
  /** Why everything runs on js (gpu.js missing, the mode refused, the backend destroyed, …), or null. */
  readonly fallbackReason: string | null;
  /** Per kernel family, why it switched to js after a failure, or null while it works. */
  readonly kernelFallbacks: Readonly<Record<GpuKernelFamily, string | null>>;
  /** Per kernel family, the gpu.js kernel class that last ran it (e.g. 'WebAssemblyKernel'), or null. */
  readonly kernelClass: Readonly<Record<GpuKernelFamily, string | null>>;
  /** The thresholds in effect, with their source. */
  readonly thresholds: Readonly<GpuThresholds>;
  /** How many calls ran on gpu.js and how many on js, per Backend method. */
  readonly runs: Readonly<Record<Call, { readonly gpu: number; readonly js: number }>>;
}

export interface GpuBackend extends Backend {
  readonly name: 'gpu';
  readonly info: GpuInfo;
  /** Destroy the built kernels (GL textures included); later calls build them again. */
  release(): void;
  /**
   * Destroy the built kernels and the gpu.js instance (its own destroy(), which finishes
   * asynchronously; a failure there is warned once). Every later call runs on js, with mode
   * 'none' and the reason in `info.fallbackReason`. Calling it again does nothing.
   */
  destroy(): void;
}

const MODES: readonly string[] = ['gpu', 'headlessgl', 'webgl2', 'webgl', 'webgpu', 'webasm', 'cpu'];
const warned = new Set<string>();

/** console.warn once per process for each distinct message. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`longconv/gpu: ${message}`);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

/** A started gpu.js, or the reason there is none. */
function connect(opts: GpuBackendOptions, launchLimit: number): KernelHost | string {
  const requested = opts.mode ?? 'gpu';
  if (requested === 'webgpu') {
    return 'gpu.js runs webgpu kernels asynchronously (every call returns a Promise) and the Backend interface is synchronous';
  }
  const loaded = opts.GPU !== undefined ? { GPU: opts.GPU } : loadGpuJs();
  if ('reason' in loaded) return loaded.reason;
  let gpu;
  try {
    gpu = new loaded.GPU(requested === 'gpu' ? undefined : { mode: requested });
  } catch (e) {
    return `gpu.js could not start in mode ${requested}: ${describe(e)}`;
  }
  const mode = modeOfKernelClass(gpu.Kernel);
  if (mode === null) return `gpu.js chose a kernel class this backend does not know: ${gpu.Kernel?.name ?? 'none'}`;
  if (mode === 'webgpu') return 'gpu.js chose webgpu, whose kernels are asynchronous; the Backend interface is synchronous';
  return { gpu, mode, launchLimit };
}

/**
 * A Backend that runs float32 matmul and power-of-two FFTs as gpu.js kernels above the measured
 * size thresholds, and everything else on js. Never throws for an unusable gpu.js: it reports
 * it in `info` and warns once. Throws only for invalid options.
 */
export function createGpuBackend(opts: GpuBackendOptions = {}): GpuBackend {
  if (opts.mode !== undefined && !MODES.includes(opts.mode)) {
    throw new TypeError(`createGpuBackend: mode must be one of ${MODES.join(', ')}, got ${String(opts.mode)}`);
  }
  const launchLimit = opts.launchLimit ?? DEFAULT_LAUNCH_LIMIT;
  if (!Number.isSafeInteger(launchLimit) || launchLimit < 1 || launchLimit > DEFAULT_LAUNCH_LIMIT) {
    throw new RangeError(`createGpuBackend: launchLimit must be an integer in 1..2^22, got ${launchLimit}`);
  }
  checkThresholds(opts.thresholds);
  const host = connect(opts, launchLimit);
  const ready = typeof host === 'string' ? null : host;
  const chosen = ready === null ? null : thresholdsFor(ready.mode, opts.thresholds);
  const runs = { matmul: { gpu: 0, js: 0 }, fft: { gpu: 0, js: 0 }, rfft: { gpu: 0, js: 0 }, irfft: { gpu: 0, js: 0 } };
  const info = {
    mode: ready?.mode ?? ('none' as GpuJsMode | 'none'),
    fallbackReason: typeof host === 'string' ? host : null as string | null,
    kernelFallbacks: { matmul: null as string | null, fft: null as string | null },
    kernelClass: { matmul: null as string | null, fft: null as string | null },
    thresholds: chosen?.thresholds ?? { matmul: Infinity, fft: Infinity, source: 'gpu.js unavailable' },
    runs,
  };
  if (info.fallbackReason !== null) warnOnce(`${info.fallbackReason}; every kernel runs on js`);
  if (chosen?.warning) warnOnce(chosen.warning);
  // Set to null by destroy(): every path below already sends calls to js when these are null.
  let matmulKernels = ready === null ? null : new GpuMatmul(ready);
  let fftKernels = ready === null ? null : new GpuFft(ready);

  /** Switch a family to js for good after `e`, and say so once. */
  const fail = (family: GpuKernelFamily, e: unknown): void => {
    const reason = e instanceof KernelDegradedError ? e.message : `the ${family} kernel failed: ${describe(e)}`;
    info.kernelFallbacks[family] = reason;
    warnOnce(`${reason}; ${family} now runs on js`);
    (family === 'matmul' ? matmulKernels : fftKernels)?.clear();
  };

  const matmul = (args: MatmulArgs): void => {
    const r = resolveMatmulArgs(args); // throws exactly what the js kernel throws
    const work = r.batch * r.m * r.n * r.k;
    if (matmulKernels !== null && info.kernelFallbacks.matmul === null && r.a instanceof Float32Array
      && work > 0 && work >= info.thresholds.matmul && matmulKernels.chunk(r) > 0) {
      try {
        info.kernelClass.matmul = matmulKernels.run(r);
        runs.matmul.gpu++;
        return;
      } catch (e) {
        fail('matmul', e);
      }
    }
    runs.matmul.js++;
    jsBackend.matmul(args);
  };

  /** True when gpu.js should take this transform; anything unusual is left to js to judge. */
  const fftOnGpu = (kind: FftKind, args: FftArgs): boolean => {
    const { input, output, n, batch } = args;
    const scale = args.scale ?? 1;
    if (fftKernels === null || info.kernelFallbacks.fft !== null) return false;
    if (!(input instanceof Float32Array && output instanceof Float32Array)) return false;
    if (!isPowerOfTwo(n) || n < (kind === 'fft' ? 2 : 4) || !Number.isSafeInteger(batch) || batch < 1) return false;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || batch * n < info.thresholds.fft) return false;
    const inLength = batch * (kind === 'fft' ? 2 * n : kind === 'rfft' ? n : n + 2);
    const outLength = batch * (kind === 'fft' ? 2 * n : kind === 'rfft' ? n + 2 : n);
    if (input.length < inLength || output.length < outLength) return false;
    // Shared memory: only an exact in-place complex transform is ours; js judges the rest.
    if (input.buffer === output.buffer && !(kind === 'fft' && input.byteOffset === output.byteOffset)) return false;
    return fftKernels.chunk(kind, n, batch) > 0;
  };

  const fft = (kind: FftKind, args: FftArgs, inverse: boolean, js: () => void): void => {
    if (fftOnGpu(kind, args)) {
      try {
        const { input, output, n, batch, scale } = args;
        info.kernelClass.fft = fftKernels!.run(kind, input as Float32Array, output as Float32Array, n, batch, inverse, scale ?? 1);
        runs[kind].gpu++;
        return;
      } catch (e) {
        fail('fft', e);
      }
    }
    runs[kind].js++;
    js();
  };

  return {
    name: 'gpu',
    info,
    matmul,
    fft: (args) => fft('fft', args, args.inverse, () => jsBackend.fft(args)),
    rfft: (args) => fft('rfft', args, false, () => jsBackend.rfft(args)),
    irfft: (args) => fft('irfft', args, true, () => jsBackend.irfft(args)),
    release: () => {
      matmulKernels?.clear();
      fftKernels?.clear();
    },
    destroy: () => {
      if (ready === null || matmulKernels === null) return; // no gpu.js, or destroyed already
      matmulKernels.clear();
      fftKernels?.clear();
      matmulKernels = null;
      fftKernels = null;
      info.mode = 'none';
      info.fallbackReason = 'the backend was destroyed (destroy() was called)';
      const failed = (e: unknown): void => warnOnce(`gpu.js could not be destroyed: ${describe(e)}`);
      try {
        const done = ready.gpu.destroy?.(); // gpu.js 2.x: a Promise (it tears down on a later tick)
        if (typeof (done as PromiseLike<unknown> | undefined)?.then === 'function') (done as PromiseLike<unknown>).then(undefined, failed);
      } catch (e) {
        failed(e);
      }
    },
  };
}
