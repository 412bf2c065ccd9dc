// torch.optim.AdamW and torch.optim.SGD trajectories (test/fixtures/adamw.json): two float64
// parameters in one group, five steps with fixed gradients; after every step the parameters and
// the optimizer state must match PyTorch's to ~1e-12.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/index.js';
import { AdamW, SGD, type Optimizer } from '../../src/optim/index.js';
import { Parameter } from '../../src/nn/index.js';
import { allClose } from '../helpers/close.js';
import { type FixtureArray, type FixtureCase, fromFixture, loadFixture } from '../helpers/fixtures.js';

const fx = suite('optim fixtures');
const cases = loadFixture('adamw').cases;
const tol = { atol: 1e-12, rtol: 1e-12 };

/** Entry t of a [steps, ...] sequence, as a flat array. */
function at(seq: FixtureArray, t: number): number[] {
  const size = seq.data.length / seq.shape[0];
  return seq.data.slice(t * size, (t + 1) * size);
}

function build(c: FixtureCase, params: Parameter[]): Optimizer<any, any> {
  const o = c.options;
  if (c.op === 'adamw') {
    return new AdamW(params, { lr: o.lr as number, betas: o.betas as [number, number], eps: o.eps as number, weightDecay: o.weight_decay as number, amsgrad: o.amsgrad as boolean });
  }
  return new SGD(params, { lr: o.lr as number, momentum: o.momentum as number, dampening: o.dampening as number, weightDecay: o.weight_decay as number, nesterov: o.nesterov as boolean });
}

/** The fixture's state names (PyTorch's) and ours. */
const stateNames: Record<string, [string, string][]> = {
  adamw: [['exp_avg', 'expAvg'], ['exp_avg_sq', 'expAvgSq']],
  sgd: [['momentum_buffer', 'momentumBuffer']],
};

for (const c of cases) {
  fx(`${c.name}: every step, parameters and state`, () => {
    const params = [0, 1].map((i) => new Parameter(fromFixture(c.inputs[`param${i}`])));
    const opt = build(c, params);
    const steps = c.options.steps as number;
    for (let t = 0; t < steps; t++) {
      params.forEach((p, i) => (p.grad = new Tensor(Float64Array.from(at(c.inputs[`grad_seq${i}`], t)), p.shape)));
      opt.step();
      params.forEach((p, i) => {
        allClose(p, at(c.outputs[`param_seq${i}`], t), tol, `${c.name} step ${t + 1} param${i}`);
        const state = opt.state.get(p)!;
        for (const [torchName, ours] of stateNames[c.op]) {
          allClose(state[ours] as Tensor, at(c.outputs[`${torchName}_seq${i}`], t), tol, `${c.name} step ${t + 1} ${ours}${i}`);
        }
        if (c.op === 'adamw') assert.is(state.step, t + 1);
      });
    }
  });
}

fx('the fixture file holds the cases this suite is meant to cover', () => {
  assert.is(cases.filter((c) => c.op === 'adamw').length, 2);
  const sgd = cases.filter((c) => c.op === 'sgd');
  assert.is(sgd.length, 4);
  assert.ok(sgd.some((c) => c.options.nesterov === true && c.options.weight_decay !== 0), 'nesterov with weight decay');
  assert.ok(sgd.some((c) => c.options.dampening !== 0), 'dampening');
});

fx.run();
