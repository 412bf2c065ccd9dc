// The Cauchy kernel primitive against the same sum composed from complex ops (SPEC 4.6 step 3).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cauchy, cauchyNaive } from '../../../src/nn/s4/cauchy.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { ShapeError } from '../../../src/tensor/errors.js';
import { grad } from '../../../src/autograd/backward.js';
import { sum, mul } from '../../../src/ops/index.js';
import { allClose } from '../../helpers/close.js';
import { checkGrad, checkGradGrad, rnd } from '../../helpers/check.js';

const cy = suite('s4: Cauchy kernel');

/** Poles with Re w < 0 and points on the imaginary axis, as in S4 (z_k = 2i·tan(πk/L)). */
function poles(shape: number[], seed: number): Tensor {
  const w = rnd(shape, seed, { scale: 2 });
  for (let i = 0; i < w.numel; i += 2) w.data[i] = -0.2 - Math.abs(w.data[i]);
  return w;
}

function points(M: number, seed: number): Tensor {
  const z = rnd([M, 2], seed, { scale: 3 });
  for (let i = 0; i < z.numel; i += 2) z.data[i] = 0;
  return z;
}

cy('forward equals the composed sum (broadcast rows, shared poles and points, orders 1–3)', () => {
  const v = rnd([4, 3, 5, 2], 1);
  const w = poles([3, 5, 2], 2);
  const z = points(7, 3);
  for (const order of [1, 2, 3]) {
    const fast = cauchy(v, w, z, order);
    assert.equal(fast.shape, [4, 3, 7, 2]);
    allClose(fast, cauchyNaive(v, w, z, order), { atol: 1e-13, rtol: 1e-13 }, `order ${order}`);
  }
  // points per row, poles shared: the roles the backward pass uses
  const zRows = rnd([3, 6, 2], 4);
  allClose(cauchy(rnd([3, 5, 2], 5), poles([5, 2], 6), zRows), cauchyNaive(rnd([3, 5, 2], 5), poles([5, 2], 6), zRows), { atol: 1e-13, rtol: 1e-13 }, 'per-row points');
});

cy('gradients equal those of the composed sum, for v, w and z', () => {
  const v = rnd([2, 3, 4, 2], 11);
  const w = poles([3, 4, 2], 12);
  const z = points(5, 13);
  const g = rnd([2, 3, 5, 2], 14);
  g.requiresGrad = false;
  for (const order of [1, 2]) {
    const loss = (f: typeof cauchy): Tensor => sum(mul(f(v, w, z, order), g));
    const fast = grad(loss(cauchy), [v, w, z]);
    const slow = grad(loss(cauchyNaive), [v, w, z]);
    ['v', 'w', 'z'].forEach((name, i) => allClose(fast[i]!, slow[i]!, { atol: 1e-12, rtol: 1e-11 }, `order ${order}: grad ${name}`));
  }
});

cy('gradcheck and gradgradcheck of the primitive (f64)', () => {
  const v = rnd([2, 3, 2], 21);
  const w = poles([2, 3, 2], 22);
  const z = points(4, 23);
  checkGradGrad((a, b, c) => cauchy(a, b, c), [v, w, z], {}, 'cauchy order 1');
  checkGrad((a, b, c) => cauchy(a, b, c, 2), [v, w, z], {}, 'cauchy order 2');
  checkGrad((a, b, c) => cauchy(a, b, c), [rnd([3, 2], 24), poles([3, 2], 25), rnd([2, 4, 2], 26)], {}, 'per-row points');
});

cy('bad input: complex layout, mode counts, dtypes, order', () => {
  const v = rnd([3, 2], 1);
  const w = poles([3, 2], 2);
  const z = points(4, 3);
  assert.throws(() => cauchy(rnd([3, 3], 1), w, z), (e: Error) => e instanceof ShapeError && /v must be complex/.test(e.message));
  assert.throws(() => cauchy(v, poles([4, 2], 2), z), /same number of modes/);
  assert.throws(() => cauchy(v, w, z, 0), /order must be a positive integer/);
  assert.throws(() => cauchy(v.to('float32'), w, z), /dtypes differ/);
});

cy.run();
