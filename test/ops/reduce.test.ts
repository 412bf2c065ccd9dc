import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sum, mean, max, min, variance, logsumexp, argmax, sumTo, tensor } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGradGrad, rnd } from '../helpers/check.js';
import { naiveReduce } from '../helpers/naive.js';

const reduce = suite('reductions');

const axesCases: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 2], [1, 2], [0, 1, 2]];

reduce('sum, mean, max, min match brute force over one or several axes, keepdim or not', () => {
  const x = rnd([3, 4, 5], 21);
  for (const dim of axesCases) {
    const axes = dim === undefined ? [0, 1, 2] : (typeof dim === 'number' ? [dim] : dim).map((d) => (d < 0 ? d + 3 : d));
    const kept = [3, 4, 5].map((s, i) => (axes.includes(i) ? 1 : s));
    const dropped = [3, 4, 5].filter((_, i) => !axes.includes(i));
    const count = axes.reduce((n, a) => n * [3, 4, 5][a], 1);
    const s = naiveReduce(x, axes, 0, (a, v) => a + v);
    allClose(sum(x, dim, true), s, { atol: 1e-14 }, `sum ${JSON.stringify(dim)}`);
    assert.equal(sum(x, dim, true).shape, kept);
    assert.equal(sum(x, dim).shape, dropped);
    allClose(mean(x, dim), s.map((v) => v / count), { atol: 1e-14 }, `mean ${JSON.stringify(dim)}`);
    allClose(max(x, dim), naiveReduce(x, axes, -Infinity, Math.max), { atol: 0 }, `max ${JSON.stringify(dim)}`);
    allClose(min(x, dim), naiveReduce(x, axes, Infinity, Math.min), { atol: 0 }, `min ${JSON.stringify(dim)}`);
  }
});

reduce('float32 sums accumulate in float64', () => {
  const n = 1 << 20;
  const x = tensor(new Float32Array(n).fill(0.1));
  const s = sum(x).item();
  assert.ok(Math.abs(s - n * Math.fround(0.1)) / (n * 0.1) < 1e-7, `sum ${s}`);
});

reduce('gradcheck and gradgradcheck of sum, mean, max, min over several axes', () => {
  for (const dim of axesCases) {
    for (const keepdim of [false, true]) {
      const x = rnd([2, 3, 4], 22);
      checkGradGrad((t) => sum(t, dim, keepdim), [x], {}, `sum ${JSON.stringify(dim)}`);
      checkGradGrad((t) => mean(t, dim, keepdim), [x], {}, `mean ${JSON.stringify(dim)}`);
      checkGradGrad((t) => max(t, dim, keepdim), [x], {}, `max ${JSON.stringify(dim)}`);
      checkGradGrad((t) => min(t, dim, keepdim), [x], {}, `min ${JSON.stringify(dim)}`);
    }
  }
  // a size-1 axis, reduced or kept
  for (const dim of [1, [0, 1], 2]) {
    const x = rnd([2, 1, 3], 31);
    for (const [name, op] of [['sum', sum], ['mean', mean], ['max', max], ['min', min]] as const) {
      checkGradGrad((t) => op(t, dim), [x], {}, `${name} of [2,1,3] over ${JSON.stringify(dim)}`);
    }
    checkGradGrad((t) => logsumexp(t, dim), [x], {}, `logsumexp of [2,1,3] over ${JSON.stringify(dim)}`);
  }
  assert.equal(sum(rnd([2, 0, 3], 23), 1).shape, [2, 3]);
  assert.equal(Array.from(sum(rnd([2, 0, 3], 23), 1).data), [0, 0, 0, 0, 0, 0], 'an empty sum is 0');
  checkGradGrad((t) => sum(t, 1), [rnd([2, 0, 3], 23)], {}, 'size-0 axis');
});

reduce('max shares the gradient equally among ties (amax semantics)', () => {
  const x = tensor([[1, 3, 3], [2, 0, 1]], { dtype: 'float64', requiresGrad: true });
  max(x, 1).sum().backward();
  assert.equal(x.grad!.toArray(), [[0, 0.5, 0.5], [1, 0, 0]]);
  assert.throws(() => max(tensor([[]]), 1), /empty axis/);
});

reduce('variance with Bessel correction (and without), and its gradient', () => {
  const x = tensor([[1, 2, 3, 4], [2, 2, 2, 2]], { dtype: 'float64' });
  allClose(variance(x, 1), [5 / 3, 0]);
  allClose(variance(x, 1, { correction: 0 }), [1.25, 0]);
  allClose(variance(x), [(46 / 8 - (18 / 8) ** 2) * 8 / 7], { atol: 1e-14 });
  checkGradGrad((t) => variance(t, [0, 2], { keepdim: true }), [rnd([3, 2, 4], 24)]);
  // size 0 in a kept axis: an empty result of the right shape, and an empty gradient
  const empty = rnd([0, 3], 26);
  assert.equal(variance(empty, 1).shape, [0]);
  assert.equal(variance(empty, 1, { keepdim: true }).shape, [0, 1]);
  checkGradGrad((t) => variance(t, 1), [empty], {}, 'var over [0,3] dim 1');
});

reduce('logsumexp is stable and its gradient is softmax', () => {
  const x = tensor([[1000, 1000], [-1000, 0]], { dtype: 'float64' });
  allClose(logsumexp(x, 1), [1000 + Math.log(2), Math.log(1 + Math.exp(-1000))], { atol: 1e-12 });
  allClose(logsumexp(tensor([[-Infinity, -Infinity]], { dtype: 'float64' }), 1), [-Infinity]);
  checkGradGrad((t) => logsumexp(t, [1, 2]), [rnd([2, 3, 4], 25, { scale: 5 })]);
  // size 0: the sum of no exponentials is 0, so logsumexp over an empty axis is −∞ (as PyTorch)
  const empty = rnd([2, 0], 27);
  const l = logsumexp(empty, 1);
  assert.equal(l.shape, [2]);
  assert.equal(Array.from(l.data), [-Infinity, -Infinity]);
  assert.equal(logsumexp(rnd([0, 3], 28), 1).shape, [0]);
  checkGradGrad((t) => logsumexp(t, 1), [rnd([0, 3], 28)], {}, 'logsumexp over [0,3] dim 1');
});

reduce('argmax: first maximum, along a dim or flattened', () => {
  const x = tensor([[1, 5, 5], [7, 0, 7]]);
  assert.equal(Array.from(argmax(x, 1).data), [1, 0]);
  assert.equal(Array.from(argmax(x, 0).data), [1, 0, 1]);
  assert.is(argmax(x).item(), 3);
  assert.equal(argmax(x, 1, true).shape, [2, 1]);
  assert.throws(() => argmax(x, 2), /dim 2 is out of range for a tensor of rank 2/);
});

reduce('sumTo undoes broadcasting', () => {
  const g = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(sumTo(g, [3]).toArray(), [5, 7, 9]);
  assert.equal(sumTo(g, [2, 1]).toArray(), [[6], [15]]);
  assert.equal(sumTo(g, []).toArray(), 21);
  assert.throws(() => sumTo(g, [4]), /was not broadcast from \[4\]/);
  for (const shape of [[3], [2, 1], [], [1, 3]]) checkGradGrad((t) => sumTo(t, shape), [rnd([2, 3], 29)], {}, `sumTo ${JSON.stringify(shape)}`);
  assert.equal(sumTo(rnd([2, 0, 3], 30), [1, 3]).shape, [1, 3]);
  checkGradGrad((t) => sumTo(t, [1, 3]), [rnd([2, 0, 3], 30)], {}, 'sumTo from a size-0 dim');
});

reduce('bad axes: out of range and repeated', () => {
  const x = tensor([[1, 2]]);
  assert.throws(() => sum(x, 2), (e: Error) => e instanceof RangeError && /sum: dim 2 is out of range for a tensor of rank 2/.test(e.message));
  assert.throws(() => mean(x, [1, -1]), /repeated dim/);
});

reduce.run();
