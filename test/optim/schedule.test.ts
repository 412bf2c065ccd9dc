// Learning-rate schedules: factors at known steps, LRScheduler applying base lr × factor to
// every group (hinted groups keep their own base), and its state dict.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { zeros } from '../../src/index.js';
import { Parameter } from '../../src/nn/index.js';
import { AdamW, LRScheduler, SGD, constantSchedule, cosineWithWarmup, linearWarmup } from '../../src/optim/index.js';
import { tensor } from '../../src/index.js';

const sc = suite('optim schedules');
const close = (a: number[], b: number[]): void => {
  assert.is(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-15, `entry ${i}: ${v} vs ${b[i]}`));
};

sc('constant and linear warmup: step/w, then 1 (the first update at factor 0, as the reference)', () => {
  assert.equal([0, 1, 100].map(constantSchedule()), [1, 1, 1]);
  assert.equal([0, 1, 2, 3, 4, 50].map(linearWarmup(4)), [0, 0.25, 0.5, 0.75, 1, 1]);
  assert.equal([0, 1].map(linearWarmup(0)), [1, 1]);
  assert.throws(() => linearWarmup(-1), /linearWarmup: warmupSteps must be a non-negative integer, got -1/);
});

sc('cosine with warmup: 1 at the end of warmup, ½(1 + r) halfway, r at totalSteps and after', () => {
  const f = cosineWithWarmup({ warmupSteps: 2, totalSteps: 6, minLrRatio: 0.1 });
  close([0, 1, 2, 3, 4, 5, 6, 9].map(f), [
    0, 0.5, 1,
    0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)),
    0.55,
    0.1 + 0.9 * 0.5 * (1 + Math.cos((3 * Math.PI) / 4)),
    0.1, 0.1,
  ]);
  close([0, 5, 10].map(cosineWithWarmup({ warmupSteps: 0, totalSteps: 10 })), [1, 0.5, 0]);
  assert.throws(() => cosineWithWarmup({ warmupSteps: 5, totalSteps: 4 }), /totalSteps 4 is less than warmupSteps 5/);
  assert.throws(() => cosineWithWarmup({ warmupSteps: 0, totalSteps: 4, minLrRatio: 2 }), /minLrRatio must be in \[0, 1\], got 2/);
});

sc('cosineWithWarmup (r = 0) is transformers get_cosine_schedule_with_warmup up to totalSteps', () => {
  // The reference's lambda, written out: step/max(1, w) in warmup, then ½(1 + cos(π·progress)).
  const reference = (step: number, w: number, T: number): number =>
    step < w ? step / Math.max(1, w) : Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 2 * 0.5 * ((step - w) / Math.max(1, T - w)))));
  for (const [w, T] of [[3, 10], [1, 4], [0, 5], [4, 4]]) {
    const f = cosineWithWarmup({ warmupSteps: w, totalSteps: T });
    const steps = Array.from({ length: T + 1 }, (_, k) => k);
    close(steps.map(f), steps.map((k) => reference(k, w, T)));
  }
});

sc('LRScheduler: every group gets its base lr × factor, from construction on', () => {
  const opt = new AdamW([new Parameter(zeros([2])), new Parameter(zeros([2]), { lr: 1e-3 })], { lr: 0.1 });
  const sched = new LRScheduler(opt, linearWarmup(4));
  assert.equal(sched.baseLrs, [0.1, 1e-3]);
  close(sched.getLastLr(), [0, 0]);
  sched.step();
  sched.step();
  close(opt.paramGroups.map((g) => g.lr), [0.05, 0.0005]);
  sched.step();
  sched.step();
  close(sched.getLastLr(), [0.1, 1e-3]);
  assert.is(sched.lastStep, 4);
});

sc('with warmup, the first update runs at lr 0 and the (w + 1)-th at the full lr', () => {
  const p = new Parameter(tensor([1]));
  const opt = new SGD([p], { lr: 0.5 });
  const sched = new LRScheduler(opt, linearWarmup(2));
  const values: number[] = [];
  for (let k = 0; k < 3; k++) {
    p.grad = tensor([1]);
    opt.step();
    sched.step();
    values.push(p.data[0]);
  }
  assert.equal(values, [1, 1 - 0.25, 1 - 0.25 - 0.5]);
});

sc('LRScheduler state dict round trip, and a bad schedule value is reported with its step', () => {
  const make = (): { opt: AdamW; sched: LRScheduler } => {
    const opt = new AdamW([new Parameter(zeros([1]))], { lr: 0.2 });
    return { opt, sched: new LRScheduler(opt, cosineWithWarmup({ warmupSteps: 1, totalSteps: 5 })) };
  };
  const a = make();
  for (let i = 0; i < 3; i++) a.sched.step();
  const b = make();
  b.sched.loadStateDict(a.sched.stateDict());
  assert.equal(b.sched.getLastLr(), a.sched.getLastLr());
  a.sched.step();
  b.sched.step();
  assert.equal(b.sched.getLastLr(), a.sched.getLastLr());
  assert.throws(() => b.sched.loadStateDict({ lastStep: 1, baseLrs: [1, 2] }), /1 group|2 base lrs for 1 groups/);
  const opt = new AdamW([new Parameter(zeros([1]))]);
  assert.throws(() => new LRScheduler(opt, (step) => (step === 0 ? Number.NaN : 1)), /LRScheduler: the schedule gave NaN at step 0/);
});

sc.run();
