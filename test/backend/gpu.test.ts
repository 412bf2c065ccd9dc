// Parity of every gpu.js kernel with js on random float32 inputs, with the thresholds forced to
// 0 so the gpu path really runs: matmul (square, non-square, odd, 1×1, transposes, batches,
// broadcast and padded strides, batches split over launches), complex FFT (n = 2..2^14, both
// directions, batched, in place; 2^16 and 2^18), rfft and irfft (n = 4..2^14; rfft 2^16, irfft
// 2^18). The mode gpu.js picked is asserted, and so is the kernel class that ran, so a silent
// degradation to gpu.js's cpu backend fails here. A few cases also run under gpu.js's own `cpu`
// mode (its JS transpiler). Dispatch: float64 and non-power-of-two lengths stay on js, and bad
// arguments get js's errors.
//
// This file never imports src/gpu.ts (the entry): importing it registers setBackend('gpu'),
// and test/backend/backend.test.ts checks the unregistered state in this same process.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jsBackend } from '../../src/backend/js/index.js';
import { createGpuBackend, type GpuBackend } from '../../src/backend/gpu/index.js';
import { modeOfKernelClass } from '../../src/backend/gpu/gpujs.js';
import { fftAgrees, filled, matmulAgrees, type MatmulCase } from './gpu-helpers.js';

const gpu = createGpuBackend({ thresholds: { matmul: 0, fft: 0 } });
const transposes = [[false, false], [true, false], [false, true], [true, true]] as const;

/** The kernel class that ran must be the mode's own, never a quiet CPUKernel. */
function ranInMode(b: GpuBackend, family: 'matmul' | 'fft'): void {
  const cls = b.info.kernelClass[family];
  assert.ok(cls !== null, `${family}: no gpu.js kernel ran`);
  assert.is(modeOfKernelClass({ name: cls }), b.info.mode, `${family} ran as ${cls} in mode ${b.info.mode}`);
  assert.is(b.info.kernelFallbacks[family], null);
}

const mode = suite('gpu backend: mode');

mode('gpu.js starts in a kernel mode (webasm on a GPU-less Node), with no fallback', () => {
  assert.is(gpu.name, 'gpu');
  assert.is(gpu.info.fallbackReason, null);
  assert.ok(['headlessgl', 'webgl2', 'webgl', 'webasm'].includes(gpu.info.mode), `mode ${gpu.info.mode}`);
  assert.equal([gpu.info.thresholds.matmul, gpu.info.thresholds.fft], [0, 0]);
});

mode.run();

const mm = suite('gpu backend: matmul parity with js');

// m × k × n: 1×1, squares, odd and skinny sizes, k below / at / above the unrolled 4.
const shapes: [number, number, number][] = [
  [1, 1, 1], [2, 3, 4], [7, 13, 5], [3, 1, 9], [16, 16, 16], [1, 20, 30], [30, 20, 1],
  [31, 33, 63], [65, 40, 9], [5, 3, 130], [64, 64, 64],
];

mm('single matrices, every transpose', () => {
  for (const [m, k, n] of shapes) {
    for (const [transA, transB] of transposes) matmulAgrees(gpu, { m, k, n, transA, transB }, `${m}x${k}x${n} tA=${transA} tB=${transB}`);
  }
  matmulAgrees(gpu, { m: 128, k: 128, n: 128 }, '128 square');
  matmulAgrees(gpu, { m: 96, k: 257, n: 33 }, '96x257x33');
  ranInMode(gpu, 'matmul');
});

mm('batches: plain, broadcast (stride 0) on either side or both, padded strides', () => {
  const cases: MatmulCase[] = [
    { batch: 3, m: 9, k: 10, n: 11 },
    { batch: 3, m: 9, k: 10, n: 11, bStride: 0 },
    { batch: 3, m: 9, k: 10, n: 11, aStride: 0 },
    { batch: 3, m: 9, k: 10, n: 11, aStride: 0, bStride: 0 },
    { batch: 4, m: 5, k: 7, n: 6, aStride: 40, bStride: 50 },
    { batch: 5, m: 1, k: 4, n: 1, bStride: 0 },
    { batch: 8, m: 32, k: 32, n: 32 },
  ];
  for (const c of cases) {
    for (const [transA, transB] of transposes) matmulAgrees(gpu, { ...c, transA, transB }, `${JSON.stringify(c)} tA=${transA} tB=${transB}`);
  }
  ranInMode(gpu, 'matmul');
});

mm('batches split over launches; a matrix too large for one launch goes to js', () => {
  const small = createGpuBackend({ thresholds: { matmul: 0, fft: 0 }, launchLimit: 100 });
  matmulAgrees(small, { batch: 7, m: 5, k: 6, n: 5 }, '7 × 25 cells in launches of 4 + 3'); // 25 cells each
  matmulAgrees(small, { batch: 9, m: 3, k: 40, n: 3, bStride: 0 }, 'inputs limit the launch too'); // a: 120 per matrix
  assert.equal(small.info.runs.matmul, { gpu: 2, js: 0 });
  matmulAgrees(small, { m: 11, k: 3, n: 10 }, '110 cells > 100');
  assert.equal(small.info.runs.matmul, { gpu: 2, js: 1 });
  ranInMode(small, 'matmul');
});

mm('k = 0 and empty products take js; out past batch·m·n is untouched', () => {
  const before = gpu.info.runs.matmul.js;
  const out = new Float32Array(8).fill(7);
  gpu.matmul({ a: new Float32Array(0), b: new Float32Array(0), out, batch: 2, m: 2, k: 0, n: 2 });
  assert.equal(Array.from(out), [0, 0, 0, 0, 0, 0, 0, 0]);
  gpu.matmul({ a: new Float32Array(6), b: new Float32Array(6), out, batch: 1, m: 0, k: 3, n: 2 });
  assert.is(gpu.info.runs.matmul.js, before + 2);
  const longer = new Float32Array(6).fill(7);
  gpu.matmul({ a: new Float32Array([1, 2]), b: new Float32Array([3, 4]), out: longer, batch: 1, m: 1, k: 2, n: 1 });
  assert.equal(Array.from(longer), [11, 7, 7, 7, 7, 7]);
});

mm.run();

const ft = suite('gpu backend: FFT parity with js');

ft('complex fft and ifft, n = 2..2^14, batched, scaled', () => {
  for (const n of [2, 4, 8, 16, 64, 256, 1024, 2 ** 14]) {
    for (const batch of n <= 256 ? [1, 3] : [1]) {
      fftAgrees(gpu, 'fft', n, batch, `fft n=${n} batch=${batch}`);
      fftAgrees(gpu, 'fft', n, batch, `ifft n=${n} batch=${batch}`, { inverse: true, scale: 1 / n });
    }
  }
  ranInMode(gpu, 'fft');
});

ft('rfft and irfft, n = 4..2^14, batched; rfft bins at DC and Nyquist are exactly real', () => {
  for (const n of [4, 8, 16, 32, 512, 2 ** 14]) {
    for (const batch of n <= 512 ? [1, 3] : [1]) {
      const X = fftAgrees(gpu, 'rfft', n, batch, `rfft n=${n} batch=${batch}`, { scale: 0.5 });
      for (let b = 0; b < batch; b++) assert.equal([X[b * (n + 2) + 1], X[b * (n + 2) + n + 1]], [0, 0], `n=${n} row ${b}`);
      fftAgrees(gpu, 'irfft', n, batch, `irfft n=${n} batch=${batch}`, { scale: 1 / n });
    }
  }
  ranInMode(gpu, 'fft');
});

ft('a long FFT: 2^16, forward and back', () => {
  const n = 2 ** 16;
  const x = filled(2 * n, 11) as Float32Array;
  const X = new Float32Array(2 * n);
  const y = new Float32Array(2 * n);
  gpu.fft({ input: x, output: X, n, batch: 1, inverse: false });
  gpu.fft({ input: X, output: y, n, batch: 1, inverse: true, scale: 1 / n });
  let worst = 0;
  for (let i = 0; i < 2 * n; i++) worst = Math.max(worst, Math.abs(y[i] - x[i]));
  assert.ok(worst < 1e-5, `round trip error ${worst}`);
  fftAgrees(gpu, 'rfft', n, 1, 'rfft 2^16');
});

ft('the longest FFTs the benchmark times: complex fft and irfft of 2^18 against js', () => {
  const n = 2 ** 18;
  const runs = [gpu.info.runs.fft.gpu, gpu.info.runs.irfft.gpu];
  fftAgrees(gpu, 'fft', n, 1, 'fft 2^18');
  fftAgrees(gpu, 'irfft', n, 1, 'irfft 2^18', { scale: 1 / n });
  assert.equal([gpu.info.runs.fft.gpu, gpu.info.runs.irfft.gpu], [runs[0] + 1, runs[1] + 1]);
  ranInMode(gpu, 'fft');
});

ft('in place, and batches split over launches', () => {
  const n = 64;
  const x = filled(2 * n * 3, 7) as Float32Array;
  const expected = new Float32Array(x.length);
  jsBackend.fft({ input: x, output: expected, n, batch: 3, inverse: false });
  gpu.fft({ input: x, output: x, n, batch: 3, inverse: false });
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - expected[i]));
  assert.ok(worst < 1e-5, `in place error ${worst}`);
  const small = createGpuBackend({ thresholds: { matmul: 0, fft: 0 }, launchLimit: 70 });
  for (const kind of ['fft', 'rfft', 'irfft'] as const) fftAgrees(small, kind, 16, 5, `${kind} 16 × 5 rows in launches`);
  assert.equal([small.info.runs.fft.gpu, small.info.runs.rfft.gpu, small.info.runs.irfft.gpu], [1, 1, 1]);
  fftAgrees(small, 'fft', 64, 1, 'a row of 128 numbers > 70: js');
  assert.is(small.info.runs.fft.js, 1);
});

ft.run();

const cpu = suite("gpu backend: the same kernels under gpu.js's cpu mode");

cpu('matmul and every FFT agree with js when gpu.js transpiles to JS', () => {
  const plain = createGpuBackend({ mode: 'cpu', thresholds: { matmul: 0, fft: 0 } });
  assert.is(plain.info.mode, 'cpu');
  matmulAgrees(plain, { batch: 2, m: 7, k: 9, n: 5, transB: true }, 'cpu matmul');
  for (const kind of ['fft', 'rfft', 'irfft'] as const) fftAgrees(plain, kind, 32, 2, `cpu ${kind}`);
  assert.equal([plain.info.kernelClass.matmul, plain.info.kernelClass.fft], ['CPUKernel', 'CPUKernel']);
});

cpu.run();

const route = suite('gpu backend: what stays on js');

route('float64, mixed dtypes, lengths that are not powers of two, n below the kernels', () => {
  const b = createGpuBackend({ thresholds: { matmul: 0, fft: 0 } });
  const a64 = filled(12, 1, Float64Array);
  const out = new Float64Array(9);
  const ref = new Float64Array(9);
  b.matmul({ a: a64, b: a64, out, batch: 1, m: 3, k: 4, n: 3, transB: true });
  jsBackend.matmul({ a: a64, b: a64, out: ref, batch: 1, m: 3, k: 4, n: 3, transB: true });
  assert.equal(Array.from(out), Array.from(ref));
  const x64 = filled(32, 2, Float64Array);
  b.fft({ input: x64, output: new Float64Array(32), n: 16, batch: 1, inverse: false });
  b.fft({ input: x64, output: new Float32Array(32), n: 16, batch: 1, inverse: false });
  b.fft({ input: filled(24, 3), output: new Float32Array(24), n: 12, batch: 1, inverse: false });
  b.fft({ input: filled(2, 3), output: new Float32Array(2), n: 1, batch: 1, inverse: false });
  b.rfft({ input: filled(2, 3), output: new Float32Array(4), n: 2, batch: 1 });
  b.irfft({ input: filled(8, 3), output: new Float32Array(6), n: 6, batch: 1 });
  assert.equal(b.info.runs, { matmul: { gpu: 0, js: 1 }, fft: { gpu: 0, js: 4 }, rfft: { gpu: 0, js: 1 }, irfft: { gpu: 0, js: 1 } });
});

route('below the thresholds: js; on webasm and cpu the measured thresholds send everything to js', () => {
  const b = createGpuBackend({ thresholds: { matmul: 1000, fft: 64 } });
  matmulAgrees(b, { m: 9, k: 10, n: 11 }, 'below'); // 990 multiply-adds
  matmulAgrees(b, { m: 10, k: 10, n: 10 }, 'at');
  fftAgrees(b, 'fft', 32, 1, 'below');
  fftAgrees(b, 'fft', 32, 2, 'at');
  assert.equal([b.info.runs.matmul, b.info.runs.fft], [{ gpu: 1, js: 1 }, { gpu: 1, js: 1 }]);
  const measured = createGpuBackend();
  if (measured.info.mode === 'webasm' || measured.info.mode === 'cpu') {
    assert.equal([measured.info.thresholds.matmul, measured.info.thresholds.fft], [Infinity, Infinity]);
    assert.match(measured.info.thresholds.source, /bench\/gpu\.bench\.ts/);
    matmulAgrees(measured, { m: 256, k: 256, n: 256 }, 'webasm default');
    assert.equal(measured.info.runs.matmul, { gpu: 0, js: 1 });
  }
});

route('bad arguments throw what js throws, before writing anything', () => {
  const f = (n: number) => new Float32Array(n);
  const calls: [string, (be: typeof jsBackend) => void][] = [
    ['short a', (be) => be.matmul({ a: f(5), b: f(12), out: f(8).fill(7), batch: 1, m: 2, k: 3, n: 4 })],
    ['mixed dtypes', (be) => be.matmul({ a: f(4), b: new Float64Array(4), out: f(4), batch: 1, m: 2, k: 2, n: 2 })],
    ['fft n = 0', (be) => be.fft({ input: f(4), output: f(4), n: 0, batch: 1, inverse: false })],
    ['short output', (be) => be.fft({ input: f(32), output: f(30), n: 16, batch: 1, inverse: false })],
    ['overlap', (be) => { const buf = f(64); be.rfft({ input: buf.subarray(0, 16), output: buf.subarray(8, 26), n: 16, batch: 1 }); }],
    ['bad scale', (be) => be.irfft({ input: f(18), output: f(16), n: 16, batch: 1, scale: NaN })],
  ];
  for (const [label, call] of calls) {
    let expected: unknown = null;
    try { call(jsBackend); } catch (e) { expected = e; }
    assert.ok(expected instanceof Error, `${label}: js throws`);
    assert.throws(() => call(gpu), (e: unknown) => e instanceof (expected as Error).constructor && (e as Error).message === (expected as Error).message, label);
  }
});

route.run();
