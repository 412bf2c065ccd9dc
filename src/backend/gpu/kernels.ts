// Shared plumbing for the gpu.js kernels: one way to create a kernel, one way to read its result,
// the per-launch size limits, and a small cache of built kernels.
//
// Why limits: gpu.js kernels compute their indices in float32 on every backend (GLSL floats,
// wasm f32), and float32 holds integers exactly only up to 2^24. A launch therefore writes at
// most `launchLimit` cells (default 2^22) and reads arrays of at most 4·launchLimit elements, so
// every index, including the floor(x / d) that splits a thread index into coordinates, is exact.
// Larger batches are split into several launches; a single matrix or row too large for one
// launch goes to js, with the reason.
//
// Why a cache: a kernel is compiled for one set of sizes (gpu.js bakes constants and output
// length into the generated shader or wasm module), and compiling costs 10-80 ms. Each shape
// is built once and kept; the least recently used is destroyed when the cache is full.

import type { GpuJsInstance, GpuJsKernel, GpuJsMode, GpuJsKernelSettings } from './gpujs.js';
import { modeOfKernelClass } from './gpujs.js';

/** Default cells written per launch: 2^22, a quarter of float32's exact-integer range. */
export const DEFAULT_LAUNCH_LIMIT = 2 ** 22;

/** What every kernel family needs from the backend that owns it. */
export interface KernelHost {
  gpu: GpuJsInstance;
  /** The mode the kernels must run in; a kernel that reports another has been degraded. */
  mode: GpuJsMode;
  /** Most cells one launch may write; inputs may hold four times as many. */
  launchLimit: number;
}

/** A kernel that ran somewhere it should not have: gpu.js degraded it (usually to its cpu backend). */
export class KernelDegradedError extends Error {}

/**
 * Create a kernel with the settings every kernel here shares: a 1-D output (one Float32Array
 * back, no re-flattening), float32 storage, highest shader precision, and `immutable: false`
 * so a pipelined kernel reuses its one output texture instead of allocating per call.
 */
export function makeKernel(
  host: KernelHost, source: (...args: never[]) => number, cells: number,
  constants: Record<string, number | Float32Array>, pipeline: boolean, loopMaxIterations?: number,
): GpuJsKernel {
  const settings: GpuJsKernelSettings = {
    output: [cells], constants, pipeline, immutable: false, precision: 'single', tactic: 'precision',
  };
  if (loopMaxIterations !== undefined) settings.loopMaxIterations = loopMaxIterations;
  return host.gpu.createKernel(source, settings);
}

/**
 * Throw unless `kernel` ran in the expected mode. gpu.js degrades a kernel it cannot compile
 * for the chosen backend to its cpu backend with only a console message; the backend treats
 * that as a failure of the kernel family, so the numbers of every later call come from js.
 */
export function checkRanIn(host: KernelHost, kernel: GpuJsKernel, name: string): string {
  const ran = kernel.kernel?.constructor;
  const mode = modeOfKernelClass(ran);
  if (mode !== host.mode) {
    const why = kernel.kernel?.fallbackReason ? `: ${kernel.kernel.fallbackReason}` : '';
    throw new KernelDegradedError(`gpu.js ran the ${name} kernel as ${ran?.name ?? 'an unknown kernel'} instead of a ${host.mode} kernel${why}`);
  }
  return ran!.name;
}

/** The Float32Array a non-pipelined kernel returned, checked for type and length. */
export function readResult(result: unknown, cells: number, name: string): Float32Array {
  if (!(result instanceof Float32Array) || result.length < cells) {
    const got = result instanceof Float32Array
      ? `a Float32Array of ${result.length}`
      : (result as object | null)?.constructor?.name ?? typeof result;
    throw new Error(`the ${name} kernel returned ${got}, expected a Float32Array of ${cells} values`);
  }
  return result;
}

/** Least-recently-used store of built kernel sets; evicted sets are destroyed. */
export class KernelCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number, private readonly release: (entry: T) => void) {}

  /** The entry for `key`, built by `build` on a miss. */
  get(key: string, build: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key); // re-insert: a Map iterates in insertion order, oldest first
      this.entries.set(key, hit);
      return hit;
    }
    const made = build();
    this.entries.set(key, made);
    if (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value as [string, T];
      this.entries.delete(oldest);
      this.release(entry);
    }
    return made;
  }

  /** Destroy every entry. */
  clear(): void {
    for (const entry of this.entries.values()) this.release(entry);
    this.entries.clear();
  }
}

/** Destroy gpu.js kernels, ignoring errors: this runs on eviction and after failures. */
export function destroyKernels(kernels: Iterable<GpuJsKernel>): void {
  for (const k of kernels) {
    try {
      k.destroy?.();
    } catch {
      // A kernel that failed to build may not be destroyable; nothing is left to release.
    }
  }
}
