// The checking backend that gpu-ops.test.ts runs the op suites under (gpu-check.ts): the op gets
// js's result, gpu.js runs on float32 copies of admitted shapes, and a kernel that is off by more
// than float32 rounding makes the call throw, while cancellation and float64 inputs do not.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FftArgs, MatmulArgs } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { createGpuBackend, type GpuBackend } from '../../src/backend/gpu/index.js';
import { checkingBackend } from './gpu-check.js';
import { filled } from './gpu-helpers.js';

const gpu = createGpuBackend({ thresholds: { matmul: 0, fft: 0 } });

function matmulArgs(T: Float32ArrayConstructor | Float64ArrayConstructor, m = 4, k = 5, n = 3): MatmulArgs {
  return { a: filled(m * k, 1, T), b: filled(k * n, 2, T), out: new T(m * n), batch: 1, m, k, n };
}

function rfftArgs(n = 64): FftArgs {
  return { input: filled(2 * n, 3, Float64Array), output: new Float64Array(2 * (n + 2)), n, batch: 2 };
}

test('float64 calls are checked on gpu.js; the op gets exactly what js computes', () => {
  const check = checkingBackend(gpu, 16, 1);
  const args = matmulArgs(Float64Array);
  const expected = new Float64Array(12);
  jsBackend.matmul({ ...args, out: expected });
  const gpuCalls = gpu.info.runs.matmul.gpu;
  check.matmul(args);
  assert.equal(Array.from(args.out), Array.from(expected));
  assert.is(gpu.info.runs.matmul.gpu, gpuCalls + 1);
  check.rfft(rfftArgs());
  check.fft({ input: filled(24, 4, Float64Array), output: new Float64Array(24), n: 12, batch: 1, inverse: false }); // gpu backend: js
  assert.equal(check.counts.checked, { matmul: 1, fft: 0, rfft: 1, irfft: 0 });
  assert.equal(check.counts.skipped, { shapes: 0, js: 1, range: 0 });
});

test('a shape is admitted on its admitAfter-th call, up to maxShapes per family; reset starts over', () => {
  const check = checkingBackend(gpu, 1, 2);
  for (let i = 0; i < 3; i++) check.matmul(matmulArgs(Float64Array));
  check.matmul(matmulArgs(Float64Array, 2, 2, 2));
  check.matmul(matmulArgs(Float64Array, 2, 2, 2));
  assert.equal(check.counts.checked.matmul, 2);
  assert.equal(check.counts.skipped, { shapes: 3, js: 0, range: 0 });
  check.reset();
  assert.equal(check.counts.checked.matmul, 0);
  check.matmul(matmulArgs(Float64Array, 2, 2, 2));
  check.matmul(matmulArgs(Float64Array, 2, 2, 2));
  assert.equal(check.counts.checked.matmul, 1);
});

test('cancelling terms and values beyond float32 do not fail a correct kernel', () => {
  const check = checkingBackend(gpu, 16, 1);
  // js: (1 + 1e-10)·1 − 1·1 = 1e-10; float32 copies round 1 + 1e-10 to 1 and give 0.
  const out = new Float64Array(1);
  check.matmul({ a: new Float64Array([1 + 1e-10, -1]), b: new Float64Array([1, 1]), out, batch: 1, m: 1, k: 2, n: 1 });
  assert.is(out[0], (1 + 1e-10) - 1); // js's result, not the float32 zero
  assert.is(check.counts.checked.matmul, 1);
  check.matmul({ a: new Float64Array([1e200, 1]), b: new Float64Array([1, 1]), out, batch: 1, m: 1, k: 2, n: 1 });
  assert.is(check.counts.skipped.range, 1);
});

test('a kernel off by more than float32 rounding throws, naming the call and the element', () => {
  const check = (broken: Partial<GpuBackend>) => checkingBackend({ ...gpu, ...broken }, 16, 1);
  const offMatmul = check({ matmul: (args) => { gpu.matmul(args); args.out[3] += 1e-4; } });
  assert.throws(() => offMatmul.matmul(matmulArgs(Float64Array)),
    /gpu check: matmul 1:4x5x3:.*disagree at output 3: gpu\.js .*, js .*, \|diff\| .* > tolerance/);
  const f32 = matmulArgs(Float32Array);
  assert.throws(() => offMatmul.matmul(f32), /disagree at output 3/);
  const offRfft = check({ rfft: (args) => { gpu.rfft(args); args.output[70] *= 1.001; } });
  assert.throws(() => offRfft.rfft(rfftArgs()), /gpu check: rfft n=64 batch=2, row 1: .*disagree at output 70/);
  const offIfft = check({ fft: (args) => { gpu.fft(args); args.output[0] += 1e-3; } });
  assert.throws(() => offIfft.fft({ input: filled(32, 5, Float64Array), output: new Float64Array(32), n: 16, batch: 1, inverse: true }),
    /gpu check: fft \(inverse\) n=16 batch=1, row 0/);
});

test.run();
