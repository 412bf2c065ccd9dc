import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gradcheck, gradgradcheck, mul, sum, tensor, Tensor, DTypeError } from '../../src/index.js';
import { record } from '../../src/autograd/graph.js';
import { rnd } from '../helpers/check.js';

const gc = suite('gradcheck');

/** x² with a deliberately wrong VJP (3x instead of 2x): gradcheck must catch it. */
function wrongSquare(x: Tensor): Tensor {
  const out = new Tensor(Float64Array.from(x.data, (v) => v * v), x.shape);
  return record(out, 'wrongSquare', [x], (g) => [mul(g, mul(x, 3))]);
}

gc('passes on a correct function and reports the max error', () => {
  const r = gradcheck((x) => mul(x, x), [rnd([3, 2])]);
  assert.ok(r.ok, r.message);
  assert.ok(r.maxAbsError < 1e-8);
});

gc('fails on a wrong VJP and names the worst entry', () => {
  const x = tensor([[0.5, -2]], { dtype: 'float64', requiresGrad: true });
  const r = gradcheck(wrongSquare, [x]);
  assert.not.ok(r.ok);
  assert.equal(r.worst!.index, [0, 1], 'the largest |x| has the largest error');
  assert.equal(r.worst!.outputIndex, [0, 1]);
  assert.ok(Math.abs(r.worst!.analytic - -6) < 1e-12);
  assert.ok(Math.abs(r.worst!.numeric - -4) < 1e-6);
  assert.match(r.message, /input 0 index \[0,1\], output 0 index \[0,1\]: analytic -6/);
});

gc('fast mode agrees: passes and fails where slow mode does', () => {
  assert.ok(gradcheck((x) => mul(x, x), [rnd([4])], { fastMode: true }).ok);
  assert.not.ok(gradcheck(wrongSquare, [rnd([4])], { fastMode: true }).ok);
});

gc('fast mode failure re-runs the slow check and names the worst entry (SPEC 6.1)', () => {
  const x = tensor([[0.5, -2]], { dtype: 'float64', requiresGrad: true });
  const r = gradcheck(wrongSquare, [x], { fastMode: true });
  assert.not.ok(r.ok);
  assert.is(r.worst!.input, 0);
  assert.equal(r.worst!.index, [0, 1]);
  assert.equal(r.worst!.outputIndex, [0, 1]);
  assert.ok(Math.abs(r.worst!.analytic - -6) < 1e-12);
  assert.match(r.message, /fast mode\) failed on the random projection vᵀJu \(analytic .*, numeric .*\); re-run in slow mode: failed at input 0 index \[0,1\], output 0 index \[0,1\]: analytic -6/);
});

/** c·x with a VJP that is off by δ: |analytic − numeric| = δ exactly up to rounding. */
function offBy(c: number, delta: number) {
  return (x: Tensor): Tensor => record(new Tensor(Float64Array.from(x.data, (v) => c * v), x.shape), 'offBy', [x], (g) => [mul(g, c + delta)]);
}

gc('default tolerances are PyTorch\'s: eps 1e-6, atol 1e-5, rtol 1e-3', () => {
  // eps: the largest perturbation gradcheck applies to an input
  const x = tensor([0.25], { dtype: 'float64', requiresGrad: true });
  let step = 0;
  gradcheck((t) => { step = Math.max(step, Math.abs(t.data[0] - 0.25)); return mul(t, 1); }, [x]);
  assert.ok(Math.abs(step - 1e-6) < 1e-15, `eps ${step}`);
  // atol: with c = 0 the allowed error is atol alone
  assert.ok(gradcheck(offBy(0, 0.9e-5), [rnd([2])]).ok, 'an error of 0.9e-5 passes atol 1e-5');
  const tooFar = gradcheck(offBy(0, 1.1e-5), [rnd([2])]);
  assert.not.ok(tooFar.ok, 'an error of 1.1e-5 fails atol 1e-5');
  assert.match(tooFar.message, /atol 0\.00001 \+ rtol 0\.001·\|numeric\|/);
  // rtol: with c = 100 the allowed error is 1e-5 + 1e-3·100 = 0.10001
  assert.ok(gradcheck(offBy(100, 0.0999), [rnd([2])]).ok, 'rtol 1e-3 of 100 allows 0.0999');
  assert.not.ok(gradcheck(offBy(100, 0.1002), [rnd([2])]).ok, 'but not 0.1002');
});

gc('gradgradcheck passes on x³ and fails on a VJP that is not differentiable correctly', () => {
  assert.ok(gradgradcheck((x) => mul(mul(x, x), x), [rnd([3])]).ok);
  // A VJP computed from raw numbers (no graph) has a wrong second derivative.
  const detachedVjp = (x: Tensor): Tensor => {
    const out = new Tensor(Float64Array.from(x.data, (v) => v * v * v), x.shape);
    return record(out, 'cubeNoGraph', [x], (g) => [mul(g, new Tensor(Float64Array.from(x.data, (v) => 3 * v * v), x.shape))]);
  };
  assert.ok(gradcheck(detachedVjp, [rnd([3])]).ok, 'first order is right');
  assert.not.ok(gradgradcheck(detachedVjp, [rnd([3])]).ok, 'second order is not');
});

gc('rejects float32 inputs and functions without differentiable inputs', () => {
  assert.throws(() => gradcheck((x) => sum(x), [tensor([1, 2], { requiresGrad: true })]), (e: Error) => e instanceof DTypeError && /float64/.test(e.message));
  assert.throws(() => gradcheck((x) => sum(x), [tensor([1, 2], { dtype: 'float64' })]), /nothing to check/);
});

gc('inputs are restored after perturbation', () => {
  const x = rnd([5]);
  const before = Array.from(x.data);
  gradcheck((t) => mul(t, t), [x]);
  assert.equal(Array.from(x.data), before);
});

gc.run();
