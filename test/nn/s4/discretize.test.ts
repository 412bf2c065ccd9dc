// Dense discretisations and the dense-matrix helpers of the slow-truth side (SPEC 4.1).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { discretizeBilinear, discretizeZOH } from '../../../src/nn/s4/discretize.js';
import { cExpm, cMatmul, cSolve } from '../../../src/nn/s4/dense.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { ShapeError } from '../../../src/tensor/errors.js';
import { allClose } from '../../helpers/close.js';

const dz = suite('s4: discretisation');
const f64 = (values: number[], shape: number[]): Tensor => new Tensor(Float64Array.from(values), shape);

dz('scalar systems: bilinear (1 + Δa/2)/(1 − Δa/2), ZOH e^{Δa} and (e^{Δa} − 1)b/a', () => {
  const [a, b, dt] = [-0.7, 1.5, 0.3];
  const bil = discretizeBilinear(f64([a], [1, 1]), f64([b], [1]), dt);
  allClose(bil.Ab, [(1 + (dt * a) / 2) / (1 - (dt * a) / 2)], { atol: 1e-15, rtol: 0 });
  allClose(bil.Bb, [(dt * b) / (1 - (dt * a) / 2)], { atol: 1e-15, rtol: 0 });
  const z = discretizeZOH(f64([a], [1, 1]), f64([b], [1]), dt);
  allClose(z.Ab, [Math.exp(dt * a)], { atol: 1e-15, rtol: 0 });
  allClose(z.Bb, [(Math.expm1(dt * a) * b) / a], { atol: 1e-15, rtol: 1e-15 });
});

dz('complex diagonal systems, and a real 2×2 rotation: e^{Δ[[0, −1], [1, 0]]} = [[cos, −sin], [sin, cos]]', () => {
  const lam = [-0.5, 3, -0.1, -2];
  const A = f64([lam[0], lam[1], 0, 0, 0, 0, lam[2], lam[3]], [2, 2, 2]);
  const B = f64([1, 0, 0.5, 0.5], [2, 2]);
  const dt = 0.2;
  const { Ab } = discretizeZOH(A, B, dt);
  const e = (re: number, im: number): number[] => [Math.exp(dt * re) * Math.cos(dt * im), Math.exp(dt * re) * Math.sin(dt * im)];
  allClose(Ab, [...e(lam[0], lam[1]), 0, 0, 0, 0, ...e(lam[2], lam[3])], { atol: 1e-15, rtol: 0 });
  const rot = discretizeZOH(f64([0, -1, 1, 0], [2, 2]), f64([0, 0], [2]), 1.1);
  allClose(rot.Ab, [Math.cos(1.1), -Math.sin(1.1), Math.sin(1.1), Math.cos(1.1)], { atol: 1e-15, rtol: 0 });
  assert.equal(rot.Ab.shape, [2, 2]); // a real system stays real
});

dz('ZOH through the augmented exponential equals A⁻¹(e^{ΔA} − I)B for invertible A', () => {
  const A = [-1, 0.5, 0.2, -0.3, -2, 0.7, 0.1, -0.4, -1.5];
  const Bv = [1, -1, 0.5];
  const dt = 0.4;
  const { Ab, Bb } = discretizeZOH(f64(A, [3, 3]), f64(Bv, [3]), dt);
  const cx = (x: number[]): Float64Array => Float64Array.from(x.flatMap((v) => [v, 0]));
  const E = cExpm(cx(A.map((v) => v * dt)), 3);
  const EminusI = E.map((v, i) => v - (i % 8 === 0 ? 1 : 0)); // the identity sits at entries 0, 4, 8 (×2)
  const expected = cSolve(cx(A), cMatmul(EminusI, cx(Bv), 3, 3, 1), 3, 1);
  allClose(Bb, Array.from({ length: 3 }, (_, i) => expected[2 * i]), { atol: 1e-15, rtol: 1e-14 });
  allClose(Ab, Array.from({ length: 9 }, (_, i) => E[2 * i]), { atol: 1e-15, rtol: 0 });
});

dz('bad input: shapes of A and B', () => {
  assert.throws(() => discretizeBilinear(f64([1, 2], [2]), f64([1, 2], [2]), 0.1), (e: Error) => e instanceof ShapeError && /discretizeBilinear: expected A \[n, n\]/.test(e.message));
  assert.throws(() => discretizeZOH(f64([1, 0, 0, 1], [2, 2]), f64([1, 2, 3], [3]), 0.1), /discretizeZOH/);
});

dz.run();
