// The matmul, FFT and fftConv op suites again, each call also checked on gpu.js, then float32
// op-level checks with the gpu backend itself selected: forward values and gradients of matmul,
// fft/ifft/rfft/irfft and fftConv against the js backend.
//
// The op suites are mostly float64, which the gpu backend hands to js by design (measured: the
// matmul suite made 4 gpu.js calls of 6101, fft 0 of 10717, fftConv 30 of 10695), so they re-run
// under a checking backend (gpu-check.ts): every call runs js on the real arguments, whose result
// the op uses, and, for up to MAX_SHAPES shapes per kernel family in each suite (each admitted on
// its ADMIT_AFTER-th call), also the gpu.js kernels on float32 copies, compared within float32
// tolerance; a disagreement throws.
// After each suite a test asserts how many calls gpu.js checked.
//
// The op suites are re-imported, not copied: a query string makes a new module instance of each
// test file, and uvu's runner queues the suites it registers in this file's group, in order:
// the suite that selects the checking backend, then per op file its suites and the count check,
// then the float32 suite, whose last test restores js. (All run in order inside this group, so
// no other test file ever sees these backends.)

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fft, fftConv, matmul, mm, mul, sum, getBackend, setBackend, type Tensor } from '../../src/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { createGpuBackend } from '../../src/backend/gpu/index.js';
import { allClose } from '../helpers/close.js';
import { rnd } from '../helpers/check.js';
import { type CheckCounts, checkingBackend } from './gpu-check.js';

const gpu = createGpuBackend({ thresholds: { matmul: 0, fft: 0 } });

/**
 * Shapes checked per kernel family and suite. Each costs a gpu.js compile (one kernel for matmul,
 * a plan of up to six for an FFT) of 10-80 ms per kernel on webasm; at most the gpu backend's
 * cache size (16), so no checked kernel is evicted and recompiled.
 */
const MAX_SHAPES = 16;
/**
 * A shape is admitted on its third call: the suites use most shapes once or twice (those would
 * cost a compile for a single check) and a few small gradcheck shapes hundreds of times. Measured
 * on the three suites, this checks 40-90 % of the calls that gpu.js can take.
 */
const ADMIT_AFTER = 3;
const checking = checkingBackend(gpu, MAX_SHAPES, ADMIT_AFTER);

const select = suite('op suites: checking backend (js, and gpu.js on float32 copies) selected');
select('setBackend(checking backend)', () => {
  setBackend(checking);
  assert.is(getBackend(), checking);
});
select.run();

/** Fewest gpu.js-checked calls each re-run suite must make, per Backend method it uses. */
const expected: Record<string, Partial<Record<keyof CheckCounts['checked'], number>>> = {
  matmul: { matmul: 1000 },
  fft: { fft: 1000, rfft: 500, irfft: 500 },
  // The conv backward reuses the forward's spectra and transforms ȳ once, so it makes about
  // half as many irfft calls as rfft calls (measured: 1368 rfft, 644 irfft).
  conv: { rfft: 1000, irfft: 500 },
};

for (const file of ['matmul', 'fft', 'conv']) {
  await import(`${new URL(`../ops/${file}.test.js`, import.meta.url).href}?backend=gpu-check`);
  const count = suite(`op suite ${file}: calls checked on gpu.js`);
  count(`many calls ran on gpu.js kernels too, and agreed with js`, () => {
    const { checked, skipped, shapes } = checking.counts;
    const summary = JSON.stringify({ checked, skipped, shapes });
    checking.reset();
    for (const [call, least] of Object.entries(expected[file])) {
      assert.ok(checked[call as keyof typeof checked] >= least!, `${call}: want at least ${least} checked calls: ${summary}`);
    }
    assert.equal(gpu.info.kernelFallbacks, { matmul: null, fft: null }, summary);
  });
  count.run();
}

/** A float32 leaf tensor with uniform values in (−1, 1). */
function rnd32(shape: number[], seed: number): Tensor {
  const x = rnd(shape, seed).to('float32').detach();
  x.requiresGrad = true;
  return x;
}

/** Forward value and input gradients of sum(f(xs) ⊙ w) for a fixed random w. */
function valueAndGrads(f: (...xs: Tensor[]) => Tensor, xs: Tensor[]): Float32Array[] {
  for (const x of xs) x.grad = null;
  const y = f(...xs);
  const w = rnd(y.shape, 99).to('float32').detach();
  sum(mul(y, w)).backward();
  return [y.data as Float32Array, ...xs.map((x) => x.grad!.data as Float32Array)];
}

/**
 * The same computation under the gpu backend and under js, compared with an absolute tolerance
 * of `rel` times the largest js value (float32 sums and FFT stages round relative to the
 * largest terms, not to each output).
 */
function sameOnBothBackends(label: string, f: (...xs: Tensor[]) => Tensor, xs: Tensor[], rel: number): void {
  const onGpu = valueAndGrads(f, xs);
  setBackend('js');
  try {
    const onJs = valueAndGrads(f, xs);
    onJs.forEach((expected, i) => {
      const peak = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      allClose(onGpu[i], expected, { atol: rel * peak, rtol: 0 }, `${label} ${i === 0 ? 'value' : `grad ${i - 1}`}`);
    });
  } finally {
    setBackend(gpu);
  }
}

/** Float32 FFT error: about log2(n) roundings relative to the largest value. */
const fftRel = (n: number): number => 3e-7 * Math.max(2, Math.log2(n));

const f32 = suite('float32 ops: gpu backend vs js, values and gradients');

/** gpu.info.runs when this suite starts: the checks above ran gpu.js too, so count from here. */
let runsBefore = structuredClone(gpu.info.runs);

f32('select the gpu backend itself', () => {
  runsBefore = structuredClone(gpu.info.runs);
  setBackend(gpu);
  assert.is(getBackend(), gpu);
});

f32('matmul: batched, broadcast, transposed', () => {
  sameOnBothBackends('matmul [2,3,8,16]·[16,5]', matmul, [rnd32([2, 3, 8, 16], 1), rnd32([16, 5], 2)], 2e-6);
  sameOnBothBackends('mm transposed', (a, b) => mm(a, b, true, true), [rnd32([4, 33, 17], 3), rnd32([9, 33], 4)], 2e-6);
});

f32('fft, ifft, rfft, irfft with norms, padding and truncation', () => {
  for (const n of [8, 64, 1024]) {
    sameOnBothBackends(`fft ${n}`, (x) => fft.fft(x), [rnd32([3, n, 2], n)], fftRel(n));
    sameOnBothBackends(`ifft ${n} ortho`, (x) => fft.ifft(x, undefined, 'ortho'), [rnd32([2, n, 2], n + 1)], fftRel(n));
    sameOnBothBackends(`rfft ${n} padded`, (x) => fft.rfft(x, 2 * n), [rnd32([2, n], n + 2)], fftRel(2 * n));
    sameOnBothBackends(`irfft ${n} truncated`, (X) => fft.irfft(X, n), [rnd32([2, n / 2 + 5, 2], n + 3)], fftRel(n));
  }
});

f32('fftConv: channels, long sequences, bidirectional', () => {
  sameOnBothBackends('fftConv [2,4,1000]*[4,1000]', (u, k) => fftConv(u, k), [rnd32([2, 4, 1000], 5), rnd32([4, 1000], 6)], fftRel(2048));
  sameOnBothBackends('fftConv C=2 L=4096', (u, k) => fftConv(u, k), [rnd32([1, 2, 4096], 7), rnd32([2, 2, 256], 8)], fftRel(8192));
  sameOnBothBackends('fftConv bidirectional', (u, k) => fftConv(u, k, { bidirectional: true }), [rnd32([2, 3, 100], 9), rnd32([2, 3, 100], 10)], fftRel(256));
});

f32('the gpu.js kernels really ran (and nothing fell back), float64 went to js; js restored', () => {
  try {
    const { runs, kernelFallbacks, kernelClass, mode } = gpu.info;
    assert.equal(kernelFallbacks, { matmul: null, fft: null });
    for (const call of ['matmul', 'fft', 'rfft', 'irfft'] as const) {
      assert.ok(runs[call].gpu > runsBefore[call].gpu, `${call}: ${JSON.stringify(runs[call])}, before this suite ${JSON.stringify(runsBefore[call])}`);
    }
    const jsBefore = runs.matmul.js;
    matmul(rnd([3, 4], 1), rnd([4, 5], 2)); // float64
    assert.is(runs.matmul.js, jsBefore + 1, 'a float64 matmul goes to js');
    assert.ok(kernelClass.matmul !== 'CPUKernel' || mode === 'cpu', `${mode}: ${kernelClass.matmul}`);
  } finally {
    setBackend('js');
  }
  assert.is(getBackend(), jsBackend);
});

f32.run();
