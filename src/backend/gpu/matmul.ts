// Batched float32 matmul as a gpu.js kernel: C[q] = op(A[q]) · op(B[q]), one thread per element
// of C, the same contract and the same stride form as the js kernel (see js/matmul-args.ts:
// element (i, p) of op(A)[q] is a[q·aStride + i·aRow + p·aCol], transposes are only strides).
//
// The output is 1-D, batch·m·n cells, and each thread splits its index into (q, i, j) itself:
// a 1-D output comes back as exactly one Float32Array on every backend, while a 2-D one comes
// back as an array of rows. A whole batch is one launch; a broadcast operand (stride 0) is
// uploaded once, as one matrix, never expanded.
//
// Tiling. gpu.js exposes no workgroup shared memory, so the classic GPU tile (stage a block of
// A and B in shared memory, reuse it across a workgroup) cannot be written; each thread reads
// its row of A and column of B through the texture (GL) or memory (wasm) cache. What can be
// tiled is the launch: batches are split so each launch stays inside the float32-exact index
// range (kernels.ts), and sizes are constants so loops have fixed bounds (GL needs them) and the
// compiler folds the index arithmetic. The inner loop walks two pointers with one accumulator:
// on webasm that measured 15-35 % faster than four partial sums (a GPU hides the latency of one
// chain behind its other threads anyway). Sums are float32 (the js kernel sums in float64).

import type { ResolvedMatmul } from '../js/matmul-args.js';
import type { GpuJsKernel, KernelThis } from './gpujs.js';
import { type KernelHost, KernelCache, checkRanIn, destroyKernels, makeKernel, readResult } from './kernels.js';

interface MatmulConstants {
  /** m·n, n: to split a thread index into (q, i, j). */
  mn: number;
  n: number;
  k: number;
  aStride: number;
  aRow: number;
  aCol: number;
  bStride: number;
  bRow: number;
  bCol: number;
}

/**
 * One element of C. Written in the subset gpu.js translates (it re-parses this source): no
 * closures, only `this.thread`, `this.constants`, Math and arithmetic. The + 0.5 keeps
 * floor(x / d) exact even where a GPU's division is a few ulps off (x / d is then at least
 * 0.5 / d from an integer).
 */
function matmulKernel(this: KernelThis<MatmulConstants>, a: Float32Array, b: Float32Array): number {
  const q = Math.floor((this.thread.x + 0.5) / this.constants.mn);
  const r = this.thread.x - q * this.constants.mn;
  const i = Math.floor((r + 0.5) / this.constants.n);
  const j = r - i * this.constants.n;
  let ap = q * this.constants.aStride + i * this.constants.aRow;
  let bp = q * this.constants.bStride + j * this.constants.bCol;
  const aCol = this.constants.aCol;
  const bRow = this.constants.bRow;
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a[ap] * b[bp];
    ap += aCol;
    bp += bRow;
  }
  return sum;
}

/** The shortest array holding `count` matrices of `size` elements, `stride` apart. */
function span(count: number, size: number, stride: number): number {
  return (count - 1) * stride + size;
}

/** Runs matmuls on the host's gpu.js instance, one cached kernel per shape and batch chunk. */
export class GpuMatmul {
  private readonly cache: KernelCache<GpuJsKernel>;

  constructor(private readonly host: KernelHost) {
    this.cache = new KernelCache<GpuJsKernel>(16, (k) => destroyKernels([k]));
  }

  /** Matrices per launch, or 0 when even one matrix exceeds the launch limits (then: js). */
  chunk(r: ResolvedMatmul): number {
    const { m, k, n, aStride, bStride } = r;
    const limit = this.host.launchLimit;
    const fits = (c: number): boolean => c * m * n <= limit
      && span(c, m * k, aStride) <= 4 * limit && span(c, k * n, bStride) <= 4 * limit;
    if (!fits(1)) return 0;
    let lo = 1;
    let hi = r.batch;
    while (lo < hi) { // the largest count that fits (fits is monotone in c)
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    // Equal launches (7 = 4 + 3, not 6 + 1), so at most two kernel shapes get built.
    return Math.ceil(r.batch / Math.ceil(r.batch / lo));
  }

  /**
   * Write C into r.out. Needs float32 arrays, k ≥ 1 and chunk(r) ≥ 1; returns the gpu.js
   * kernel class that ran. Throws if a kernel fails or gpu.js degraded it.
   */
  run(r: ResolvedMatmul): string {
    const { batch, m, k, n, aStride, bStride } = r;
    const a = r.a as Float32Array;
    const b = r.b as Float32Array;
    const per = this.chunk(r);
    let ran = '';
    for (let q0 = 0; q0 < batch; q0 += per) {
      const count = Math.min(per, batch - q0);
      const kernel = this.kernel(r, count);
      const aPart = a.subarray(q0 * aStride, q0 * aStride + span(count, m * k, aStride));
      const bPart = b.subarray(q0 * bStride, q0 * bStride + span(count, k * n, bStride));
      const c = readResult(kernel(aPart, bPart), count * m * n, 'matmul');
      ran = checkRanIn(this.host, kernel, 'matmul');
      r.out.set(c.subarray(0, count * m * n), q0 * m * n);
    }
    return ran;
  }

  /** Release every built kernel. */
  clear(): void {
    this.cache.clear();
  }

  private kernel(r: ResolvedMatmul, count: number): GpuJsKernel {
    const { m, k, n, aStride, bStride, aRow, aCol, bRow, bCol } = r;
    const constants: MatmulConstants = {
      mn: m * n, n, k, aStride, aRow, aCol, bStride, bRow, bCol,
    };
    const key = `${count}:${m}x${k}x${n}:${aStride},${aRow},${aCol}:${bStride},${bRow},${bCol}`;
    return this.cache.get(key, () => makeKernel(
      this.host, matmulKernel as (...args: never[]) => number, count * m * n, { ...constants }, false, k,
    ));
  }
}
