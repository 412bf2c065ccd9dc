// Checkpoint and resume: a model trained 5 steps (AdamW with hinted groups, a cosine schedule,
// gradient clipping, batch norm buffers) is saved, loaded into a fresh model, optimizer and
// scheduler, and trained 5 more steps; it must end bit-identical to an uninterrupted 10-step run.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, type Tensor, mseLoss, mul, randn } from '../../src/index.js';
import { BatchNorm1d, GELU, Linear, Module, Parameter } from '../../src/nn/index.js';
import { AdamW, LRScheduler, clipGradNorm, cosineWithWarmup } from '../../src/optim/index.js';

const rs = suite('optim resume');

class Model extends Module {
  readonly proj: Linear;
  readonly kernel: Parameter; // [8], with the hints an SSM kernel carries
  readonly norm = new BatchNorm1d(8);
  readonly act = new GELU();
  readonly head: Linear;
  constructor(seed: number) {
    super();
    const generator = new Generator(seed);
    this.proj = new Linear(4, 8, { generator });
    this.kernel = new Parameter(randn([8], { generator }), { lr: 1e-3, weightDecay: 0 });
    this.head = new Linear(8, 1, { generator });
  }
  forward(x: Tensor): Tensor {
    const h = mul(this.proj.forward(x), this.kernel); // [B, 8]
    return this.head.forward(this.act.forward(this.norm.forward(h))); // [B, 1]
  }
}

const data = (() => {
  const g = new Generator(100);
  return Array.from({ length: 10 }, () => ({ x: randn([6, 4], { generator: g }), y: randn([6, 1], { generator: g }) }));
})();

function setup(seed: number): { model: Model; opt: AdamW; sched: LRScheduler } {
  const model = new Model(seed);
  const opt = new AdamW(model.parameters(), { lr: 0.01, weightDecay: 0.05 });
  const sched = new LRScheduler(opt, cosineWithWarmup({ warmupSteps: 3, totalSteps: 10, minLrRatio: 0.1 }));
  return { model, opt, sched };
}

function train(run: { model: Model; opt: AdamW; sched: LRScheduler }, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    run.opt.zeroGrad();
    mseLoss(run.model.forward(data[t].x), data[t].y).backward();
    clipGradNorm(run.model.parameters(), 1);
    run.opt.step();
    run.sched.step();
  }
}

const snapshot = (m: Module): Record<string, number[]> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));

rs('a resumed run continues bit-identically with an uninterrupted one', () => {
  const whole = setup(1);
  train(whole, 0, 10);

  const first = setup(1);
  train(first, 0, 5);
  const checkpoint = { model: first.model.stateDict(), opt: first.opt.stateDict(), sched: first.sched.stateDict() };
  assert.is(first.opt.paramGroups.length, 2, 'the hinted kernel has its own group');

  const resumed = setup(7); // other initial values, to be overwritten
  assert.not.equal(snapshot(resumed.model), snapshot(first.model));
  resumed.model.loadStateDict(checkpoint.model);
  resumed.opt.loadStateDict(checkpoint.opt);
  resumed.sched.loadStateDict(checkpoint.sched);
  assert.equal(resumed.sched.getLastLr(), first.sched.getLastLr());
  train(resumed, 5, 10);

  assert.equal(snapshot(resumed.model), snapshot(whole.model));
  const [a, b] = [resumed.opt.stateDict(), whole.opt.stateDict()];
  for (const i of Object.keys(b.state)) {
    assert.is(a.state[+i].step, 10);
    assert.equal(Array.from((a.state[+i].expAvgSq as Tensor).data), Array.from((b.state[+i].expAvgSq as Tensor).data));
  }
  assert.equal(resumed.model.norm.numBatchesTracked!.item(), 10);
});

rs('without the optimizer state the continuation differs (the test can fail)', () => {
  const whole = setup(1);
  train(whole, 0, 10);
  const first = setup(1);
  train(first, 0, 5);
  const resumed = setup(7);
  resumed.model.loadStateDict(first.model.stateDict());
  resumed.sched.loadStateDict(first.sched.stateDict());
  train(resumed, 5, 10);
  assert.not.equal(snapshot(resumed.model), snapshot(whole.model));
});

rs.run();
