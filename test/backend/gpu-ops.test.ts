// The matmul, FFT and fftConv op suites again, with the gpu backend selected (thresholds 0, so
// every float32 kernel call it can take runs on gpu.js), then float32 op-level checks against
// the js backend: forward values and gradients of matmul, fft/ifft/rfft/irfft and fftConv.
//
// The op suites are re-imported, not copied: a query string makes a new module instance of each
// test file, and uvu's runner queues the suites it registers in this file's group, between the
// suite that selects the gpu backend and the one that checks it ran and restores js. (Both run
// in order inside this group, so no other test file ever sees the gpu backend.) The op suites
// are mostly float64, which the gpu backend hands to js by design; their float32 cases (matmul,
// fftConv) and the checks below are what reach the gpu.js kernels, and the last test says how
// many calls did.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fft, fftConv, matmul, mm, mul, sum, getBackend, setBackend, type Tensor } from '../../src/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { createGpuBackend } from '../../src/backend/gpu/index.js';
import { allClose } from '../helpers/close.js';
import { rnd } from '../helpers/check.js';

const gpu = createGpuBackend({ thresholds: { matmul: 0, fft: 0 } });

const select = suite('gpu backend selected for the op suites');
select('setBackend(gpu backend)', () => {
  setBackend(gpu);
  assert.is(getBackend(), gpu);
});
select.run();

for (const file of ['matmul', 'fft', 'conv']) {
  await import(`${new URL(`../ops/${file}.test.js`, import.meta.url).href}?backend=gpu`);
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

f32('the gpu.js kernels really ran (and nothing fell back); js restored', () => {
  try {
    const { runs, kernelFallbacks, kernelClass, mode } = gpu.info;
    assert.equal(kernelFallbacks, { matmul: null, fft: null });
    for (const call of ['matmul', 'fft', 'rfft', 'irfft'] as const) assert.ok(runs[call].gpu > 0, `${call}: ${JSON.stringify(runs[call])}`);
    assert.ok(runs.matmul.js > 0, 'the float64 op tests went to js');
    assert.ok(kernelClass.matmul !== 'CPUKernel' || mode === 'cpu', `${mode}: ${kernelClass.matmul}`);
  } finally {
    setBackend('js');
  }
  assert.is(getBackend(), jsBackend);
});

f32.run();
