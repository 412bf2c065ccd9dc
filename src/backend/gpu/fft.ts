// Batched float32 FFTs of power-of-two length as chains of gpu.js kernels: one launch per
// radix-2 Stockham stage, the stages chained with gpu.js pipelining (`pipeline: true`), so on
// GL the data stays in textures from the first stage to the last and is read back once.
//
// Stockham autosort, decimation in frequency (the form in OTFFT's "Stockham" notes). With N the
// length and s = 1, 2, 4, …, N/2 the stride of stage log2 s, one stage maps x to y by
//   y[q + s·(2p)]     = x[q + s·p] + x[q + s·p + N/2]
//   y[q + s·(2p + 1)] = (x[q + s·p] − x[q + s·p + N/2]) · w^(p·s),   w = e^(∓2πi/N)
// for 0 ≤ q < s, 0 ≤ p < N/(2s). After log2 N stages y is the DFT in natural order: no bit
// reversal, which a gather kernel could not do cheaply anyway. As a kernel, each thread owns one
// output number and inverts the map: from its index e in the row, t = ⌊e/s⌋, q = e − t·s,
// p = ⌊t/2⌋, and t's parity says sum or twiddled difference. A thread computes the real or the
// imaginary part (interleaved layout, one 1-D output), so each butterfly is done twice: the
// price of a 1-D output that needs no re-packing between stages.
//
// Twiddles are a float32 table computed in float64 (exact zeros and ones at quarter turns) and
// passed as kernel constants: uploaded once when the kernel is built, not per call.
//
// Real transforms use the half-length trick. A real row x of even length n, read as complex
// z_t = x_2t + i·x_2t+1 (its interleaved layout already is that), has Z = FFT_h(z), h = n/2, and
//   X_k = E_k + e^(−2πik/n)·O_k,  E_k = (Z_k + conj Z_(h−k))/2,  O_k = (Z_k − conj Z_(h−k))/(2i)
// for k = 0..h (indices mod h): one post-processing kernel after the stages. The inverse runs it
// backwards: with Y_(k+h) = conj X_(h−k), E_k = X_k + Y_(k+h), O_k = (X_k − Y_(k+h))·e^(+2πik/n),
// the inverse FFT_h of E + i·O is z_t = x_2t + i·x_2t+1, again exactly the real output layout.

import type { GpuJsKernel, KernelThis } from './gpujs.js';
import { type KernelHost, KernelCache, checkRanIn, destroyKernels, makeKernel, readResult } from './kernels.js';

export type FftKind = 'fft' | 'rfft' | 'irfft';

interface StageConstants {
  N: number;
  /** Table entries per twiddle step: 1 for a complex FFT, 2 inside a real one (its table is for 2N). */
  twStep: number;
  cos: Float32Array;
  sin: Float32Array;
}

interface RealConstants {
  h: number;
  cos: Float32Array;
  sin: Float32Array;
}

/** One Stockham stage of stride s over rows of N complex values; dir −1 forward, +1 inverse. */
function stockhamStage(this: KernelThis<StageConstants>, x: Float32Array, s: number, dir: number, scale: number): number {
  const N = this.constants.N;
  const o = Math.floor(this.thread.x / 2);
  const part = this.thread.x - 2 * o;
  const row = Math.floor(o / N);
  const e = o - row * N;
  const t = Math.floor(e / s);
  const q = e - t * s;
  const p = Math.floor(t / 2);
  const ia = 2 * (row * N + q + s * p);
  const ib = ia + N;
  const ar = x[ia];
  const ai = x[ia + 1];
  const br = x[ib];
  const bi = x[ib + 1];
  if (t - 2 * p === 0) {
    if (part === 0) return (ar + br) * scale;
    return (ai + bi) * scale;
  }
  const w = p * s * this.constants.twStep;
  const wr = this.constants.cos[w];
  const wi = dir * this.constants.sin[w];
  const dr = ar - br;
  const di = ai - bi;
  if (part === 0) return (dr * wr - di * wi) * scale;
  return (dr * wi + di * wr) * scale;
}

/** Bins X_0..X_h of each real row from Z = FFT_h of the row read as complex, times scale. */
function rfftPost(this: KernelThis<RealConstants>, z: Float32Array, scale: number): number {
  const h = this.constants.h;
  const o = Math.floor(this.thread.x / 2);
  const part = this.thread.x - 2 * o;
  const row = Math.floor((o + 0.5) / (h + 1)); // h + 1 is no power of two: see matmul.ts
  const k = o - row * (h + 1);
  let ka = k;
  if (k === h) ka = 0;
  let kb = h - k;
  if (k === 0) kb = 0;
  const base = 2 * h * row;
  const ar = z[base + 2 * ka];
  const ai = z[base + 2 * ka + 1];
  const br = z[base + 2 * kb];
  const bi = -z[base + 2 * kb + 1];
  const er = (ar + br) / 2;
  const ei = (ai + bi) / 2;
  const or = (ai - bi) / 2; // O = (A − B)/(2i): re = Im(A − B)/2, im = −Re(A − B)/2
  const oi = (br - ar) / 2;
  const wr = this.constants.cos[k];
  const wi = -this.constants.sin[k];
  if (part === 0) return (er + wr * or - wi * oi) * scale;
  return (ei + wr * oi + wi * or) * scale;
}

/** E + i·O from the bins X_0..X_h of each row (Im of X_0 and X_h ignored), for an inverse FFT_h. */
function irfftPre(this: KernelThis<RealConstants>, X: Float32Array): number {
  const h = this.constants.h;
  const o = Math.floor(this.thread.x / 2);
  const part = this.thread.x - 2 * o;
  const row = Math.floor(o / h);
  const k = o - row * h;
  const base = 2 * (h + 1) * row;
  const ar = X[base + 2 * k];
  let ai = X[base + 2 * k + 1];
  const br = X[base + 2 * (h - k)];
  let bi = -X[base + 2 * (h - k) + 1];
  if (k === 0) {
    ai = 0;
    bi = 0;
  }
  const dr = ar - br;
  const di = ai - bi;
  const wr = this.constants.cos[k];
  const wi = this.constants.sin[k];
  if (part === 0) return ar + br - (dr * wi + di * wr);
  return ai + bi + (dr * wr - di * wi);
}

/** cos and sin of 2πk/T for k < count, in float64 then rounded; exact at quarter turns. */
function twiddles(T: number, count: number): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(count);
  const sin = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    if ((4 * k) % T === 0) {
      const quarter = (4 * k) / T; // 0, 1 or 2 (k ≤ T/2)
      cos[k] = quarter === 0 ? 1 : quarter === 2 ? -1 : 0;
      sin[k] = quarter === 1 ? 1 : 0;
    } else {
      cos[k] = Math.cos((2 * Math.PI * k) / T);
      sin[k] = Math.sin((2 * Math.PI * k) / T);
    }
  }
  return { cos, sin };
}

/** One launch of a chain; `args` turns the previous result into this kernel's arguments. */
interface Step {
  name: string;
  source: (...args: never[]) => number;
  constants: Record<string, number | Float32Array>;
  cells: number;
  args: (prev: unknown, dir: number, scale: number) => unknown[];
}

interface Plan {
  steps: Step[];
  kernels: GpuJsKernel[];
}

/** The chain of launches for `rows` rows of one transform of length n. */
function planSteps(kind: FftKind, n: number, rows: number): Step[] {
  const N = kind === 'fft' ? n : n / 2; // the complex length the stages run at
  const table = kind === 'fft' ? twiddles(n, n / 2) : twiddles(n, N + 1);
  const stageConstants = { N, twStep: kind === 'fft' ? 1 : 2, ...table };
  const realConstants = { h: N, ...table };
  const stages: Step[] = [];
  for (let s = 1; s < N; s *= 2) {
    const last = 2 * s === N;
    stages.push({
      name: 'stockham', source: stockhamStage as Step['source'], constants: stageConstants, cells: 2 * N * rows,
      // The scale rides on the last stage of fft and irfft; rfft applies it in its post kernel.
      args: (x, dir, scale) => [x, s, kind === 'rfft' ? -1 : kind === 'irfft' ? 1 : dir, last && kind !== 'rfft' ? scale : 1],
    });
  }
  if (kind === 'fft') return stages;
  if (kind === 'rfft') {
    return [...stages, {
      name: 'rfft post', source: rfftPost as Step['source'], constants: realConstants, cells: 2 * (N + 1) * rows,
      args: (z, _dir, scale) => [z, scale],
    }];
  }
  return [{ name: 'irfft pre', source: irfftPre as Step['source'], constants: realConstants, cells: 2 * N * rows, args: (X) => [X] }, ...stages];
}

/** Numbers per row in the largest array a launch of the transform reads or writes. */
function cellsPerRow(kind: FftKind, n: number): number {
  return kind === 'fft' ? 2 * n : n + 2;
}

/** Runs FFTs on the host's gpu.js instance, one cached plan per kind, length and rows per launch. */
export class GpuFft {
  private readonly cache: KernelCache<Plan>;

  constructor(private readonly host: KernelHost) {
    this.cache = new KernelCache<Plan>(16, (plan) => destroyKernels(new Set(plan.kernels)));
  }

  /** Rows per launch for `batch` rows of length n, or 0 when one row exceeds the launch limit. */
  chunk(kind: FftKind, n: number, batch: number): number {
    const most = Math.floor(this.host.launchLimit / cellsPerRow(kind, n));
    if (most < 1) return 0;
    return Math.ceil(batch / Math.ceil(batch / most)); // equal launches: at most two plans
  }

  /**
   * `batch` transforms of length n (a power of two; ≥ 2 for fft, ≥ 4 for rfft and irfft) from
   * `input` into `output`, both Float32Array, laid out as Backend.fft/rfft/irfft say. Needs
   * chunk(...) ≥ 1; returns the kernel class that ran; throws if a kernel fails or degrades.
   */
  run(kind: FftKind, input: Float32Array, output: Float32Array, n: number, batch: number, inverse: boolean, scale: number): string {
    const rowIn = kind === 'fft' ? 2 * n : kind === 'rfft' ? n : n + 2;
    const rowOut = kind === 'fft' ? 2 * n : kind === 'rfft' ? n + 2 : n;
    const per = this.chunk(kind, n, batch);
    // In place over several launches, a launch that fails would leave the rows of the earlier
    // ones transformed, and the js fallback would transform them again: stage, write at the end.
    const staged = per < batch && input.buffer === output.buffer;
    const target = staged ? new Float32Array(batch * rowOut) : output;
    let ran = '';
    for (let r0 = 0; r0 < batch; r0 += per) {
      const rows = Math.min(per, batch - r0);
      const plan = this.plan(kind, n, rows);
      let x: unknown = input.subarray(r0 * rowIn, (r0 + rows) * rowIn);
      plan.steps.forEach((step, i) => {
        x = plan.kernels[i](...step.args(x, inverse ? 1 : -1, scale));
      });
      const y = readResult(x, rows * rowOut, kind);
      for (const k of new Set(plan.kernels)) ran = checkRanIn(this.host, k, kind);
      target.set(y.subarray(0, rows * rowOut), r0 * rowOut);
    }
    if (staged) output.set(target);
    return ran;
  }

  /** Release every built kernel. */
  clear(): void {
    this.cache.clear();
  }

  /**
   * Steps share kernel instances by role: the first takes a Float32Array, the last returns one,
   * and the pipelined middle alternates between two instances, so no kernel ever reads the
   * texture it is writing (gpu.js would have to clone it) and no kernel sees its argument
   * change type between calls (which fails on GL, gpujs/gpu.js#857).
   */
  private plan(kind: FftKind, n: number, rows: number): Plan {
    return this.cache.get(`${kind}:${n}:${rows}`, () => {
      const steps = planSteps(kind, n, rows);
      const byRole = new Map<string, GpuJsKernel>();
      const kernels = steps.map((step, i) => {
        const last = i === steps.length - 1;
        const role = `${step.name}:${i === 0 ? 'in' : 'texture'}:${last ? 'out' : `pipe${i % 2}`}`;
        let kernel = byRole.get(role);
        if (kernel === undefined) {
          kernel = makeKernel(this.host, step.source, step.cells, step.constants, !last);
          byRole.set(role, kernel);
        }
        return kernel;
      });
      return { steps, kernels };
    });
  }
}
