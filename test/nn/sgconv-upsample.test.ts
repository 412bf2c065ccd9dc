// upsampleLinear / upsampleNearest (SPEC 2.3): the worked examples, an independent per-sample
// reference of PyTorch's index rule, the scatter-add VJP, gradcheck and gradgradcheck.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ShapeError, tensor, type Tensor } from '../../src/index.js';
import { upsample, upsampleLinear, upsampleNearest, upsampleTaps } from '../../src/nn/sgconv/upsample.js';
import { allClose } from '../helpers/close.js';
import { checkGradGrad, rnd } from '../helpers/check.js';

const up = suite('sgconv upsample');

const f64 = (v: number[]): Tensor => tensor(v, { dtype: 'float64' });

/** F.interpolate(mode='linear', align_corners=False) of one row, written from SPEC 2.3 with division. */
function referenceLinear(w: ArrayLike<number>, r: number): number[] {
  const d = w.length;
  return Array.from({ length: d * r }, (_, j) => {
    const src = Math.max((j + 0.5) / r - 0.5, 0);
    const i0 = Math.floor(src);
    const lambda = src - i0;
    const i1 = i0 < d - 1 ? i0 + 1 : i0;
    return (1 - lambda) * w[i0] + lambda * w[i1];
  });
}

up('SPEC 2.3 examples: [5, 6] by 2 and [1, 2, 3] by 4', () => {
  allClose(upsampleLinear(f64([5, 6]), 2), [5, 5.25, 5.75, 6], { atol: 0, rtol: 0 });
  allClose(upsampleLinear(f64([1, 2, 3]), 4), [1, 1, 1.125, 1.375, 1.625, 1.875, 2.125, 2.375, 2.625, 2.875, 3, 3], { atol: 0, rtol: 0 });
});

up('equals the per-sample rule for the verified (d, r) = (2,2), (3,4), (5,8), (4,1) and more, batched', () => {
  for (const [d, r] of [[2, 2], [3, 4], [5, 8], [4, 1], [1, 4], [7, 3], [32, 16], [6, 5]]) {
    const x = rnd([2, 3, d], d * 10 + r);
    const y = upsampleLinear(x, r);
    assert.equal(y.shape, [2, 3, d * r]);
    const expected: number[] = [];
    for (let row = 0; row < 6; row++) expected.push(...referenceLinear(x.data.subarray(row * d, (row + 1) * d), r));
    // PyTorch multiplies by 1/r where SPEC 2.3 divides by r: one rounding apart when r is not a power of two.
    allClose(y, expected, { atol: (r & (r - 1)) === 0 ? 1e-15 : 1e-14, rtol: 0 }, `d=${d} r=${r}`);
  }
});

up('r = 1 is the identity, for both modes', () => {
  const x = rnd([3, 5], 2);
  allClose(upsampleLinear(x, 1), x.data, { atol: 0, rtol: 0 });
  allClose(upsampleNearest(x, 1), x.data, { atol: 0, rtol: 0 });
});

up('factor 2 closed form: out[2q] = ¼x[q−1] + ¾x[q], out[2q+1] = ¾x[q] + ¼x[q+1], ends copied', () => {
  const x = rnd([9], 3);
  const y = upsampleLinear(x, 2).data;
  const X = x.data;
  assert.is(y[0], X[0]);
  assert.is(y[17], X[8]);
  for (let q = 1; q < 9; q++) assert.ok(Math.abs(y[2 * q] - (0.25 * X[q - 1] + 0.75 * X[q])) < 1e-15, `even ${q}`);
  for (let q = 0; q < 8; q++) assert.ok(Math.abs(y[2 * q + 1] - (0.75 * X[q] + 0.25 * X[q + 1])) < 1e-15, `odd ${q}`);
});

up('nearest: out[j] = x[⌊j/r⌋]', () => {
  allClose(upsampleNearest(f64([1, 2, 3]), 2), [1, 1, 2, 2, 3, 3], { atol: 0, rtol: 0 });
  allClose(upsampleNearest(f64([1, 2, 3]), 3), [1, 1, 1, 2, 2, 2, 3, 3, 3], { atol: 0, rtol: 0 });
  allClose(upsample(f64([4, -1]), 4, 'nearest'), [4, 4, 4, 4, -1, -1, -1, -1], { atol: 0, rtol: 0 });
});

up('VJP is the scatter-add of SPEC 2.3 (clamped ends add onto one entry)', () => {
  const w = tensor([5, 6], { dtype: 'float64', requiresGrad: true });
  upsampleLinear(w, 2).backward(f64([1, 2, 3, 4]));
  // out = [w0, ¾w0 + ¼w1, ¼w0 + ¾w1, w1]
  allClose(w.grad!, [1 + 2 * 0.75 + 3 * 0.25, 2 * 0.25 + 3 * 0.75 + 4], { atol: 1e-15 });
  const v = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  upsampleNearest(v, 2).backward(f64([1, 2, 3, 4, 5, 6]));
  allClose(v.grad!, [3, 7, 11], { atol: 0 });
});

up('gradcheck and gradgradcheck, linear and nearest, several factors', () => {
  for (const r of [1, 2, 3, 4]) {
    checkGradGrad((x) => upsampleLinear(x, r), [rnd([2, 5], r)], {}, `linear r=${r}`);
    checkGradGrad((x) => upsampleNearest(x, r), [rnd([2, 3], r + 10)], {}, `nearest r=${r}`);
  }
  checkGradGrad((x) => upsampleLinear(x, 8), [rnd([1, 2, 1], 7)], {}, 'd = 1');
});

up('float32 in, float32 out, close to the float64 values', () => {
  const x = rnd([4, 6], 5);
  const y32 = upsampleLinear(x.to('float32'), 4);
  assert.is(y32.dtype, 'float32');
  allClose(y32, upsampleLinear(x, 4), { atol: 1e-6, rtol: 1e-6 });
});

up('the tap table is built once per (mode, d, r)', () => {
  assert.ok(upsampleTaps('linear', 6, 4) === upsampleTaps('linear', 6, 4));
  assert.ok(upsampleTaps('linear', 6, 4) !== upsampleTaps('nearest', 6, 4));
});

up('bad arguments: factor not a positive integer, 0-d input, empty axis, unknown mode', () => {
  assert.throws(() => upsampleLinear(f64([1, 2]), 0), /scale factor must be a positive integer, got 0/);
  assert.throws(() => upsampleLinear(f64([1, 2]), 1.5), /got 1.5/);
  assert.throws(() => upsampleLinear(tensor(3, { dtype: 'float64' }), 2), (e: Error) => e instanceof ShapeError);
  assert.throws(() => upsampleNearest(tensor(new Float64Array(0), { shape: [2, 0] }), 2), /empty/);
  assert.throws(() => upsample(f64([1]), 2, 'cubic' as 'linear'), /mode must be 'linear' or 'nearest'/);
});

up.run();
