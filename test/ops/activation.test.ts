import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { relu, gelu, silu, softplus, clamp, softmax, logSoftmax, glu, dropout, tensor, Generator, sum, ones, type Tensor } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, checkGradGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../helpers/fixtures.js';
import { erf as erfScalar } from '../../src/ops/special.js';

const act = suite('activations');
const layers = loadFixture('layers');

act('gelu (exact and tanh), softmax and logSoftmax match the PyTorch fixtures, values and gradients', () => {
  let seen = 0;
  for (const c of layers.cases) {
    if (c.op === 'gelu') {
      const approximate = c.options.approximate as 'none' | 'tanh';
      checkFixtureCase(c, ({ x }) => ({ y: gelu(x, approximate) }), { atol: 1e-14, rtol: 1e-12 });
      seen++;
    } else if (c.op === 'softmax' || c.op === 'log_softmax') {
      const dim = c.options.dim as number;
      checkFixtureCase(c, ({ x }) => ({ y: c.op === 'softmax' ? softmax(x, dim) : logSoftmax(x, dim) }), { atol: 1e-14, rtol: 1e-12 });
      seen++;
    }
  }
  assert.is(seen, 6);
});

act('reference values from SPEC 5.4/5.5', () => {
  const x = tensor([-1, 0.5, 1, 2], { dtype: 'float64' });
  allClose(gelu(x), [-0.158655, 0.345731, 0.841345, 1.9545], { atol: 1e-6 });
  allClose(gelu(x, 'tanh'), [-0.158808, 0.345714, 0.841192, 1.954598], { atol: 1e-6 });
  const one = tensor([1], { dtype: 'float64', requiresGrad: true });
  gelu(one).sum().backward();
  allClose(one.grad!, [1.083315], { atol: 1e-6 });
  const s = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const p = softmax(s, 0);
  allClose(p, [0.090031, 0.244728, 0.665241], { atol: 1e-6 });
  p.backward(tensor([1, 0, -1], { dtype: 'float64' }));
  allClose(s.grad!, [0.141817, 0.14077, -0.282587], { atol: 1e-6 });
});

act('softmax is stable for ±1e4 inputs, rows sum to 1, and shifting a row changes nothing', () => {
  const x = tensor([[1e4, -1e4, 0], [1e4, 1e4 - 1, 1e4 - 2]]);
  const p = softmax(x, 1);
  assert.ok(Array.from(p.data).every(Number.isFinite));
  allClose(sum(p, 1), [1, 1], { atol: 1e-6 });
  allClose(softmax(tensor([[0, -1, -2]]), 1), p.data.subarray(3), { atol: 1e-6 });
  assert.ok(Array.from(logSoftmax(x, 1).data).every(Number.isFinite));
});

act('gradcheck and gradgradcheck of every activation', () => {
  const x = rnd([3, 5], 71, { scale: 3, awayFromZero: 0.05 });
  const cases: [string, (t: Tensor) => Tensor][] = [
    ['relu', relu], ['gelu', (t) => gelu(t)], ['gelu tanh', (t) => gelu(t, 'tanh')], ['silu', silu],
    ['softplus', (t) => softplus(t)], ['softplus beta 2', (t) => softplus(t, 2, 4)], ['clamp', (t) => clamp(t, -0.8, 1.3)],
    ['softmax', (t) => softmax(t, 1)], ['softmax dim 0', (t) => softmax(t, 0)], ['logSoftmax', (t) => logSoftmax(t, -1)], ['glu', (t) => glu(t, 0)],
  ];
  for (const [name, fn] of cases) checkGradGrad(fn, [name === 'glu' ? rnd([4, 5], 72) : x], {}, name);
  // a size-1 softmax axis gives 1 (gradient 0); a size-1 batch axis is an ordinary row
  for (const [shape, dim] of [[[3, 1], 1], [[1, 4], 1], [[1, 4], 0]] as [number[], number][]) {
    checkGradGrad((t) => softmax(t, dim), [rnd(shape, 77)], {}, `softmax ${JSON.stringify(shape)} dim ${dim}`);
    checkGradGrad((t) => logSoftmax(t, dim), [rnd(shape, 77)], {}, `logSoftmax ${JSON.stringify(shape)} dim ${dim}`);
  }
  assert.equal(softmax(rnd([2, 0], 73), 1).shape, [2, 0]);
  checkGrad((t) => softmax(t, 1), [rnd([2, 0], 73)], {}, 'softmax with a size-0 dim');
});

act('elementwise activations and glu over shapes [], [1], [3,1,4], [0,3]: shape, naive forward, gradgradcheck', () => {
  const phi = (v: number): number => 0.5 * (1 + erfScalar(v / Math.SQRT2));
  const cases: [string, (t: Tensor) => Tensor, (v: number) => number][] = [
    ['relu', relu, (v) => Math.max(v, 0)],
    ['gelu', (t) => gelu(t), (v) => v * phi(v)],
    ['gelu tanh', (t) => gelu(t, 'tanh'), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
    ['silu', silu, (v) => v / (1 + Math.exp(-v))],
    ['softplus', (t) => softplus(t), (v) => Math.log1p(Math.exp(v))],
    ['clamp', (t) => clamp(t, -0.8, 1.3), (v) => Math.min(Math.max(v, -0.8), 1.3)],
  ];
  for (const shape of [[], [1], [3, 1, 4], [0, 3]]) {
    for (const [name, fn, f] of cases) {
      const label = `${name} ${JSON.stringify(shape)}`;
      // 0.05 from zero keeps relu off its kink; the seed keeps clamp's inputs off ±0.8/1.3 too
      const x = rnd(shape, 75, { scale: 3, awayFromZero: 0.05 });
      const y = fn(x);
      assert.equal(y.shape, shape, label);
      allClose(y, Array.from(x.data, f), { atol: 1e-14, rtol: 1e-12 }, label);
      checkGradGrad(fn, [x], {}, label);
    }
  }
  // glu halves an even axis ([] has none, so it is not meaningful there)
  for (const [shape, dim, out] of [[[2], 0, [1]], [[3, 1, 4], -1, [3, 1, 2]], [[0, 4], 1, [0, 2]], [[4, 1], 0, [2, 1]]] as [number[], number, number[]][]) {
    const label = `glu ${JSON.stringify(shape)} dim ${dim}`;
    const x = rnd(shape, 76);
    const y = glu(x, dim);
    assert.equal(y.shape, out, label);
    checkGradGrad((t) => glu(t, dim), [x], {}, label);
  }
});

act('relu, clamp, softplus forward values', () => {
  const x = tensor([-2, -0.5, 0, 0.5, 30], { dtype: 'float64' });
  assert.equal(Array.from(relu(x).data), [0, 0, 0, 0.5, 30]);
  assert.equal(Array.from(clamp(x, -1, 1).data), [-1, -0.5, 0, 0.5, 1]);
  allClose(softplus(x), [Math.log1p(Math.exp(-2)), Math.log1p(Math.exp(-0.5)), Math.log(2), Math.log1p(Math.exp(0.5)), 30], { atol: 1e-15 });
  allClose(silu(x), Array.from(x.data, (v) => v / (1 + Math.exp(-v))), { atol: 1e-15 });
  assert.throws(() => clamp(x, 2, 1), /min 2 is greater than max 1/);
  assert.throws(() => glu(tensor([[1, 2, 3]])), /glu: dim -1 of shape \[1,3\] must have an even size/);
  assert.throws(() => gelu(x, 'fast' as never), /approximate/);
});

act('dropout: inverted scaling, determinism with a generator, identity in eval, expectation preserved', () => {
  const x = ones([20000]);
  const y = dropout(x, 0.3, true, new Generator(3));
  const kept = Array.from(y.data).filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
  assert.ok(Math.abs(kept.length / 20000 - 0.7) < 0.02, `kept ${kept.length}`);
  assert.equal(Array.from(dropout(x, 0.3, true, new Generator(3)).data), Array.from(y.data));
  assert.is(dropout(x, 0.3, false), x);
  assert.equal(Array.from(dropout(tensor([1, 2]), 1).data), [0, 0]);
  assert.throws(() => dropout(x, 1.5), /dropout: p must be in \[0, 1\], got 1.5/);
  const w = rnd([6], 74);
  checkGrad((t) => dropout(t, 0.5, true, new Generator(9)), [w]);
});

act.run();
