// Parameter groups and optimizer hints (SPEC 2.8, 3.1, 4.4), skipping parameters without a
// gradient, validation errors, state dict checks, and gradient clipping.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, zeros } from '../../src/index.js';
import { Linear, Module, Parameter } from '../../src/nn/index.js';
import { AdamW, SGD, clipGradNorm } from '../../src/optim/index.js';

const op = suite('optim groups and clipping');
const f64 = { dtype: 'float64' as const };

/** A layer shaped like the reference: an SSM-style kernel with `_optim` hints next to plain weights. */
class Layer extends Module {
  readonly kernel = new Parameter(zeros([2, 4], f64), { lr: 1e-3, weightDecay: 0 }); // S4 / long-conv style
  readonly decay = new Parameter(zeros([2], f64), { lr: 1e-3 }); //                     SGConv style: inherits wd
  readonly D = new Parameter(zeros([2], f64));
  readonly kernel2 = new Parameter(zeros([2, 4], f64), { lr: 1e-3, weightDecay: 0 });
  readonly output = new Linear(2, 2, f64);
  forward(x: Tensor): Tensor { return x; }
}

op('hints split parameters into groups { global settings, overridden by the hints }', () => {
  const layer = new Layer();
  const opt = new AdamW(layer.parameters(), { lr: 0.01, weightDecay: 0.05, betas: [0.9, 0.98] });
  const summary = opt.paramGroups.map((g) => ({ n: g.params.length, lr: g.lr, wd: g.weightDecay, betas: g.betas }));
  assert.equal(summary, [
    { n: 3, lr: 0.01, wd: 0.05, betas: [0.9, 0.98] }, //  D, output.weight, output.bias
    { n: 2, lr: 1e-3, wd: 0, betas: [0.9, 0.98] }, //     kernel, kernel2 (the same hints share a group)
    { n: 1, lr: 1e-3, wd: 0.05, betas: [0.9, 0.98] }, //  decay: lr only, so the global weight decay stays
  ]);
  assert.equal(opt.paramGroups[0].params, [layer.D, layer.output.weight, layer.output.bias]);
  assert.equal(opt.paramGroups[1].params, [layer.kernel, layer.kernel2]);
});

op('explicit groups: settings override the defaults, and hints override the group', () => {
  const a = new Parameter(zeros([2], f64));
  const b = new Parameter(zeros([2], f64), { weightDecay: 0 });
  const c = new Parameter(zeros([2], f64));
  const opt = new SGD([{ params: [a, b], lr: 0.5, momentum: 0.9 }, { params: [c] }], { lr: 0.1, weightDecay: 0.01 });
  assert.equal(opt.paramGroups.map((g) => [g.params.length, g.lr, g.momentum, g.weightDecay]), [[1, 0.5, 0.9, 0.01], [1, 0.5, 0.9, 0], [1, 0.1, 0, 0.01]]);
});

op('each group steps with its own lr and weight decay; parameters without a gradient are skipped', () => {
  const plain = new Parameter(tensor([1, 1], f64));
  const hinted = new Parameter(tensor([1, 1], f64), { lr: 0.01, weightDecay: 0 });
  const idle = new Parameter(tensor([1, 1], f64));
  const opt = new SGD([plain, hinted, idle], { lr: 0.1, weightDecay: 0.5 });
  plain.grad = tensor([1, 2], f64);
  hinted.grad = tensor([1, 2], f64);
  opt.step();
  assert.equal(Array.from(plain.data), [1 - 0.1 * (1 + 0.5), 1 - 0.1 * (2 + 0.5)]);
  assert.equal(Array.from(hinted.data), [1 - 0.01 * 1, 1 - 0.01 * 2]);
  assert.equal(Array.from(idle.data), [1, 1]);
  assert.not.ok(opt.state.has(idle));
  opt.zeroGrad();
  assert.ok([plain, hinted, idle].every((p) => p.grad === null));
});

op('AdamW amsgrad keeps the running maximum of v', () => {
  const p = new Parameter(tensor([0], f64));
  const opt = new AdamW([p], { lr: 0.1, amsgrad: true, weightDecay: 0 });
  for (const g of [4, 0]) {
    p.grad = tensor([g], f64);
    opt.step();
  }
  const s = opt.state.get(p)!;
  const v1 = (1 - 0.999) * 4 * 4;
  assert.is(s.expAvgSq.data[0], 0.999 * v1, 'v decays with a zero gradient');
  assert.is(s.maxExpAvgSq!.data[0], v1, 'the maximum is still the first step v');
  // The update itself must divide by √max v, not √v: p after step 2, both ways, by hand.
  const m1 = (1 - 0.9) * 4;
  const p1 = -(0.1 / (1 - 0.9)) * m1 / (Math.sqrt(v1) / Math.sqrt(1 - 0.999) + 1e-8);
  const m2 = 0.9 * m1;
  const p2With = (v: number): number => p1 - (0.1 / (1 - 0.9 ** 2)) * m2 / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
  const expected = p2With(v1);
  assert.ok(Math.abs(p2With(0.999 * v1) - expected) > 1e-5, 'the two rules give different parameters here');
  assert.ok(Math.abs(p.data[0] - expected) <= 1e-15, `p after step 2: ${p.data[0]}, expected ${expected} (with v instead of max v: ${p2With(0.999 * v1)})`);
});

op('constructor errors name the optimizer and the offending setting', () => {
  const p = new Parameter(zeros([2]));
  assert.throws(() => new AdamW([]), /AdamW: got an empty parameter list/);
  assert.throws(() => new AdamW([p, p]), /AdamW: a parameter of shape \[2\] appears twice/);
  assert.throws(() => new AdamW([{ params: [p] }, { params: [p] }]), /appears twice/);
  assert.throws(() => new AdamW([p], { betas: [0.9, 1] }), /AdamW: defaults: betas must be two numbers in \[0, 1\), got \[0.9,1\]/);
  assert.throws(() => new AdamW([{ params: [p], lr: -1 }]), /AdamW: group 0: lr must be a finite number ≥ 0, got -1/);
  assert.throws(() => new SGD([p], {} as never), /SGD: the learning rate lr is required/);
  assert.throws(() => new AdamW([{ params: [p], weight_decay: 0 } as never]), /AdamW: group 0: unknown setting 'weight_decay' \(expected lr, betas, eps, weightDecay, amsgrad\)/);
  assert.throws(() => new SGD([p], { lr: 0.1, nesterov: false, beta: 1 } as never), /SGD: options: unknown setting 'beta'/);
  assert.throws(() => new SGD([p], { lr: 0.1, nesterov: true }), /nesterov momentum requires momentum > 0 and dampening 0/);
  assert.throws(() => new SGD([zeros([2], { requiresGrad: true }).mul(2)], { lr: 0.1 }), /can't optimize a tensor produced by mul/);
  assert.throws(() => new SGD([p, { params: [] }] as never, { lr: 0.1 }), /item 0 is neither a Tensor nor a group/);
});

op('step refuses a gradient that does not match its parameter', () => {
  const p = new Parameter(zeros([2]));
  const opt = new SGD([p], { lr: 0.1 });
  p.grad = zeros([3]);
  assert.throws(() => opt.step(), /SGD.step: a gradient of shape \[3\] for a parameter of shape \[2\]/);
  const model = new Linear(2, 1);
  const adam = new AdamW(model.parameters());
  for (const q of model.parameters()) q.grad = zeros(q.shape);
  adam.step();
  model.to('float64');
  for (const q of model.parameters()) q.grad = zeros(q.shape, f64);
  assert.throws(() => adam.step(), /AdamW.step: state 'expAvg' is float32 but its parameter of shape \[1,2\] is now float64/);
});

op('state dict: snapshot of state and groups; a mismatched layout or shape is refused before any change', () => {
  const p = new Parameter(tensor([1, 2], f64));
  const q = new Parameter(tensor([3], f64), { lr: 0.5 });
  const opt = new AdamW([p, q], { lr: 0.1 });
  p.grad = tensor([1, 1], f64);
  opt.step();
  const sd = opt.stateDict();
  assert.equal(sd.paramGroups.map((g) => [g.params, g.lr]), [[[0], 0.1], [[1], 0.5]]);
  assert.equal(Object.keys(sd.state), ['0'], 'q had no gradient, so no state');
  assert.is(sd.state[0].step, 1);
  const saved = sd.state[0].expAvg as Tensor;
  assert.is.not(saved.data, opt.state.get(p)!.expAvg.data, 'a copy');

  const same = new AdamW([new Parameter(zeros([2], f64)), new Parameter(zeros([3], f64), { lr: 0.5 })], { lr: 0.7 });
  same.loadStateDict(sd);
  assert.is(same.paramGroups[0].lr, 0.1, 'group settings are restored');
  assert.equal(Array.from(same.state.get(same.paramGroups[0].params[0])!.expAvg.data), Array.from(saved.data));
  const flat = new AdamW([new Parameter(zeros([2], f64)), new Parameter(zeros([1], f64))]);
  assert.throws(() => flat.loadStateDict(sd), /the state dict has groups of sizes \[1,1\], this optimizer has \[2\]/);
  const swapped = new AdamW([new Parameter(zeros([3], f64)), new Parameter(zeros([2], f64), { lr: 0.5 })]);
  const lrBefore = swapped.paramGroups[0].lr;
  assert.throws(() => swapped.loadStateDict(sd), /AdamW.loadStateDict: state 'expAvg' of parameter 0 has shape \[2\], the parameter has \[3\]/);
  assert.is(swapped.paramGroups[0].lr, lrBefore, 'nothing changed');
});

op('loadStateDict checks each state against the optimizer state keys, the step counts, and the parameter ids', () => {
  const p = new Parameter(tensor([1, 2], f64));
  const q = new Parameter(tensor([3], f64));
  const opt = new AdamW([p, q], { lr: 0.1 });
  p.grad = tensor([1, 1], f64);
  q.grad = tensor([1], f64);
  opt.step();
  const sd = opt.stateDict();
  const fresh = (): AdamW => new AdamW([new Parameter(zeros([2], f64)), new Parameter(zeros([1], f64))], { lr: 0.7 });
  const refused = (edit: (d: typeof sd) => void, pattern: RegExp): void => {
    const d = opt.stateDict();
    edit(d);
    const target = fresh();
    assert.throws(() => target.loadStateDict(d), pattern);
    assert.is(target.paramGroups[0].lr, 0.7, 'nothing changed');
    assert.is(target.state.size, 0, 'nothing changed');
  };
  // A state without expAvg used to load, and the next step() failed with a TypeError inside update().
  refused((d) => delete d.state[0].expAvg, /AdamW.loadStateDict: state of parameter 0 lacks 'expAvg' \(AdamW keeps step, expAvg, expAvgSq, maxExpAvgSq\)/);
  refused((d) => (d.state[1].step = -2.5), /AdamW.loadStateDict: state of parameter 1: 'step' must be an integer ≥ 0, got -2\.5/);
  refused((d) => (d.state[1].step = 1.5), /'step' must be an integer ≥ 0, got 1\.5/);
  refused((d) => (d.state[0].step = tensor([1]) as never), /'step' must be an integer ≥ 0, got a Tensor/);
  refused((d) => (d.state[0].expAvgSq = 3), /state of parameter 0: 'expAvgSq' must be a Tensor, got number/);
  refused((d) => (d.state[0].momentumBuffer = tensor([0, 0], f64)), /state of parameter 0 has an unknown key 'momentumBuffer' \(AdamW keeps step, expAvg, expAvgSq, maxExpAvgSq\)/);
  refused((d) => (d.state[0] = null as never), /state of parameter 0 must be an object, got null/);
  // Parameter ids: integers 0..n−1, each listed once.
  refused((d) => (d.paramGroups[0].params = [0, 0]), /AdamW.loadStateDict: parameter id 0 is listed twice \(saved groups 0 and 0\); each of 0\.\.1 must appear once/);
  refused((d) => (d.paramGroups[0].params = [0, 2]), /saved group 0 lists parameter id 2; ids must be integers 0\.\.1/);
  refused((d) => (d.paramGroups[0].params = [0.5, 1]), /lists parameter id 0\.5/);
  // The untouched dict loads, and an optional key (maxExpAvgSq) may be absent or present.
  const ok = fresh();
  ok.loadStateDict(sd);
  assert.is(ok.state.get(ok.paramGroups[0].params[0])!.step, 1);
  const ams = new AdamW([new Parameter(zeros([2], f64))], { amsgrad: true });
  ams.loadStateDict({ state: { 0: { step: 3, expAvg: zeros([2], f64), expAvgSq: zeros([2], f64), maxExpAvgSq: zeros([2], f64) } }, paramGroups: [{ ...ams.stateDict().paramGroups[0] }] });
  assert.is(ams.state.get(ams.paramGroups[0].params[0])!.step, 3);
  // SGD's state has no required key; a step count is not one of its keys.
  const sgd = new SGD([new Parameter(zeros([2], f64))], { lr: 0.1, momentum: 0.9 });
  const sgdDict = sgd.stateDict();
  sgd.loadStateDict({ ...sgdDict, state: { 0: {} } });
  assert.throws(() => sgd.loadStateDict({ ...sgdDict, state: { 0: { step: 1 } } }), /SGD.loadStateDict: state of parameter 0 has an unknown key 'step' \(SGD keeps momentumBuffer\)/);
});

op('clipGradNorm: returns the total norm and scales by maxNorm/(total + 1e-6) only above maxNorm', () => {
  const a = new Parameter(zeros([2], f64));
  const b = new Parameter(zeros([1], f64));
  const idle = new Parameter(zeros([1], f64));
  a.grad = tensor([3, 4], f64);
  b.grad = tensor([12], f64);
  assert.is(clipGradNorm([a, b, idle], 20), 13);
  assert.equal(Array.from(b.grad.data), [12], 'under the limit: unchanged');
  assert.is(clipGradNorm([a, b, idle], 6.5), 13);
  const coef = 6.5 / (13 + 1e-6);
  assert.equal([...a.grad.data, ...b.grad!.data], [3 * coef, 4 * coef, 12 * coef]);
  a.grad = tensor([3, -4], f64);
  b.grad = tensor([1], f64);
  assert.is(clipGradNorm([a, b], 100, Infinity), 4);
  assert.ok(Math.abs(clipGradNorm([a, b], 100, 1) - 8) < 1e-15);
  assert.is(clipGradNorm([idle], 1), 0);
  assert.throws(() => clipGradNorm([a], -1), /clipGradNorm: maxNorm must be a number ≥ 0, got -1/);
});

op('clipGradNorm with a non-finite total: NaN gradients as PyTorch, or an error with errorIfNonfinite', () => {
  const a = new Parameter(zeros([2], f64));
  const b = new Parameter(zeros([1], f64));
  // A NaN anywhere: the coefficient is NaN and every gradient becomes NaN (PyTorch's default),
  // instead of the whole step going ahead unclipped.
  a.grad = tensor([NaN, 1], f64);
  b.grad = tensor([100], f64);
  assert.ok(Number.isNaN(clipGradNorm([a, b], 1)));
  assert.ok([...a.grad.data, ...b.grad.data].every(Number.isNaN), 'every gradient is NaN');
  b.grad = tensor([100], f64);
  a.grad = tensor([NaN, 1], f64);
  assert.ok(Number.isNaN(clipGradNorm([a, b], 1, Infinity)), 'the ∞-norm propagates NaN too');
  assert.ok(Number.isNaN(b.grad.data[0]));
  // An infinite total: the coefficient is 0; finite entries become 0 and infinite ones NaN.
  a.grad = tensor([Infinity, 3], f64);
  b.grad = tensor([-4], f64);
  assert.is(clipGradNorm([a, b], 1), Infinity);
  assert.ok(Number.isNaN(a.grad.data[0]));
  assert.equal([a.grad.data[1], b.grad.data[0]], [0, -0]);
  // errorIfNonfinite: a clear error, gradients untouched.
  a.grad = tensor([NaN, 1], f64);
  b.grad = tensor([5], f64);
  assert.throws(() => clipGradNorm([a, b], 1, 2, true), /clipGradNorm: the total norm of order 2 of the gradients is NaN, so they cannot be clipped \(errorIfNonfinite is set; the gradients are unchanged\)/);
  assert.equal(Array.from(b.grad.data), [5]);
  assert.throws(() => clipGradNorm([a], 1, 2, 'yes' as never), /errorIfNonfinite must be a boolean, got yes/);
  // Finite totals are unaffected by the flag.
  b.grad = tensor([3], f64);
  a.grad = tensor([0, 4], f64);
  assert.is(clipGradNorm([a, b], 10, 2, true), 5);
  assert.equal(Array.from(b.grad.data), [3]);
});

op.run();
