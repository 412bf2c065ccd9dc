// A checking backend for re-running the op suites against gpu.js. The op suites are mostly
// float64, which the gpu backend hands to js by design, so selecting the gpu backend itself
// would barely reach its kernels. This backend instead runs every call twice:
//   - js on the real arguments: its result is the one the op sees, so every suite keeps its own
//     float64 tolerances and gradchecks;
//   - the gpu backend (thresholds 0) on float32 copies of the inputs, into a scratch output,
//     compared with the js result within float32 tolerance; a disagreement throws.
// Each gpu.js webasm kernel compiles once per shape (10-80 ms; an FFT plan is several kernels),
// and the suites use dozens to hundreds of shapes, most of them once or twice, while a few small
// shapes (gradchecks) take most of the calls. So a shape is admitted for checking on its
// `admitAfter`-th call, until `maxShapes` shapes per kernel family that gpu.js takes have been
// admitted; from then on every call of an admitted shape is checked, and all other calls run on
// js alone and are counted as skipped. With maxShapes at most the gpu backend's kernel cache size
// (16 per family) and reset() between suites, no admitted kernel is evicted and rebuilt.
//
// Tolerances, derived so that a correct float32 kernel can never fail them:
//   - matmul, element by element: |gpu − js| ≤ (k + 4)·2^-24·T + k·2^-126, with T = Σ_p |a||b|
//     the magnitude of the summed terms (the same product on |a| and |b|, in float64): k float32
//     roundings of partial sums bounded by T, plus the rounding of the inputs and the product.
//     Relative to the result alone would be wrong where terms cancel; a kernel bug (a wrong index,
//     a missed term) is off by the order of a term, far above this bound.
//   - FFTs, row by row: |gpu − js| ≤ 3e-7·max(2, log2 n)·peak + 1e-37, with peak the largest
//     |value| in that row of the js result. By Parseval the row's peak is at least its root mean
//     square, so cancellation cannot shrink it below the size of the float32 stage errors (about
//     one rounding per stage); the small absolute term covers float32 underflow.
// Calls whose float32 copies are not finite, or whose values leave float32's range, are skipped.

import type { Backend, FftArgs, MatmulArgs, Storage } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { resolveMatmulArgs } from '../../src/backend/js/matmul-args.js';
import type { GpuBackend } from '../../src/backend/gpu/index.js';

type Call = 'matmul' | 'fft' | 'rfft' | 'irfft';
type Family = 'matmul' | 'fft';

const U = 2 ** -24; // float32 unit roundoff
/** Values above this are too close to float32's maximum (3.4e38) for a fair comparison. */
const F32_SAFE = 1e36;

export interface CheckCounts {
  /** Calls that ran on gpu.js as well as js and agreed. */
  checked: Record<Call, number>;
  /** Calls run on js alone: a shape not admitted (yet), one the gpu backend gives to js, or out of float32 range. */
  skipped: { shapes: number; js: number; range: number };
  /** Distinct shapes checked so far, per kernel family. */
  shapes: Record<Family, number>;
}

export interface CheckingBackend extends Backend {
  readonly counts: CheckCounts;
  /** Zero the counts and forget the checked shapes (and release their kernels): the next suite gets its own shapes. */
  reset(): void;
}

function finite(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

function peakOf(x: ArrayLike<number>, from = 0, to = x.length): number {
  let p = 0;
  for (let i = from; i < to; i++) p = Math.max(p, Math.abs(x[i]));
  return p;
}

function abs64(x: Storage): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.abs(x[i]);
  return y;
}

/** Check `gpu`'s kernels against js on every call of up to `maxShapes` shapes per family, each admitted on its `admitAfter`-th call. */
export function checkingBackend(gpu: GpuBackend, maxShapes: number, admitAfter: number): CheckingBackend {
  const zero = (): CheckCounts => ({
    checked: { matmul: 0, fft: 0, rfft: 0, irfft: 0 }, skipped: { shapes: 0, js: 0, range: 0 }, shapes: { matmul: 0, fft: 0 },
  });
  let counts = zero();
  const checkedShapes: Record<Family, Set<string>> = { matmul: new Set(), fft: new Set() };
  const jsShapes = new Set<string>(); // shapes the gpu backend routed to js: not tried again
  const calls = new Map<string, number>(); // calls per shape so far

  /** Whether to run gpu.js for a call of this shape (counting the skip when not). */
  const wanted = (family: Family, key: string): boolean => {
    const seen = (calls.get(key) ?? 0) + 1;
    calls.set(key, seen);
    if (checkedShapes[family].has(key)) return true;
    if (jsShapes.has(key)) counts.skipped.js++;
    else if (seen < admitAfter || checkedShapes[family].size >= maxShapes) counts.skipped.shapes++;
    else return true;
    return false;
  };

  /** Run `onGpu` and report whether the gpu backend really took it to gpu.js. */
  const ranOnGpu = (call: Call, family: Family, key: string, onGpu: () => void): boolean => {
    const before = gpu.info.runs[call].gpu;
    onGpu();
    if (gpu.info.runs[call].gpu === before) {
      jsShapes.add(key);
      counts.skipped.js++;
      return false;
    }
    checkedShapes[family].add(key);
    counts.shapes[family] = checkedShapes[family].size;
    return true;
  };

  const disagree = (what: string, i: number, got: number, want: number, tol: number): never => {
    throw new Error(`gpu check: ${what}: gpu.js (on float32 copies) and js disagree at output ${i}: `
      + `gpu.js ${got}, js ${want}, |diff| ${Math.abs(got - want).toExponential(3)} > tolerance ${tol.toExponential(3)}`);
  };

  const matmul = (args: MatmulArgs): void => {
    const a32 = Float32Array.from(args.a);
    const b32 = Float32Array.from(args.b);
    jsBackend.matmul(args); // throws for bad arguments, before anything is checked
    const r = resolveMatmulArgs(args);
    const cells = r.batch * r.m * r.n;
    const key = `${r.batch}:${r.m}x${r.k}x${r.n}:${r.aStride},${r.aRow},${r.aCol}:${r.bStride},${r.bRow},${r.bCol}`;
    if (cells === 0 || r.k === 0 || !wanted('matmul', key)) return;
    const T = new Float64Array(cells);
    jsBackend.matmul({ ...args, a: abs64(args.a), b: abs64(args.b), out: T });
    if (!finite(a32) || !finite(b32) || peakOf(T) > F32_SAFE) {
      counts.skipped.range++;
      return;
    }
    const out32 = new Float32Array(cells);
    if (!ranOnGpu('matmul', 'matmul', key, () => gpu.matmul({ ...args, a: a32, b: b32, out: out32 }))) return;
    for (let i = 0; i < cells; i++) {
      const tol = (r.k + 4) * U * T[i] + r.k * 2 ** -126;
      if (!(Math.abs(out32[i] - args.out[i]) <= tol)) disagree(`matmul ${key}`, i, out32[i], args.out[i], tol);
    }
    counts.checked.matmul++;
  };

  const transform = (call: 'fft' | 'rfft' | 'irfft', args: FftArgs, inverse: boolean): void => {
    const in32 = Float32Array.from(args.input); // before js runs: it may transform in place
    if (call === 'fft') jsBackend.fft({ ...args, inverse });
    else jsBackend[call](args);
    const { n, batch } = args;
    const rowOut = call === 'fft' ? 2 * n : call === 'rfft' ? n + 2 : n;
    const key = `${call}:${n}:${batch}`;
    if (!wanted('fft', key)) return;
    if (!finite(in32) || peakOf(args.output, 0, batch * rowOut) > F32_SAFE || peakOf(in32) > F32_SAFE) {
      counts.skipped.range++;
      return;
    }
    const out32 = new Float32Array(batch * rowOut);
    const gpuArgs = { ...args, input: in32, output: out32 };
    const run = call === 'fft' ? () => gpu.fft({ ...gpuArgs, inverse }) : () => gpu[call](gpuArgs);
    if (!ranOnGpu(call, 'fft', key, run)) return;
    const rel = 3e-7 * Math.max(2, Math.log2(n));
    for (let row = 0; row < batch; row++) {
      const from = row * rowOut;
      const tol = rel * peakOf(args.output, from, from + rowOut) + 1e-37;
      for (let i = from; i < from + rowOut; i++) {
        if (!(Math.abs(out32[i] - args.output[i]) <= tol)) {
          disagree(`${call}${inverse && call === 'fft' ? ' (inverse)' : ''} n=${n} batch=${batch}, row ${row}`, i, out32[i], args.output[i], tol);
        }
      }
    }
    counts.checked[call]++;
  };

  return {
    name: 'gpu-check',
    get counts() { return counts; },
    matmul,
    fft: (args) => transform('fft', args, args.inverse),
    rfft: (args) => transform('rfft', args, false),
    irfft: (args) => transform('irfft', args, true),
    reset: () => {
      counts = zero();
      checkedShapes.matmul.clear();
      checkedShapes.fft.clear();
      calls.clear();
      gpu.release();
    },
  };
}
