// Initialisation: seeded determinism, the documented bounds (Linear's U(±1/√in), kaiming,
// xavier), fans of weights with kernel dims, and normal_ drawing the same stream as randn.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, randn, tensor, zeros } from '../../src/index.js';
import { Embedding, Linear, init } from '../../src/nn/index.js';

const it = suite('nn init');

const maxAbs = (xs: ArrayLike<number>): number => Array.from(xs).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const meanOf = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, v) => a + v, 0) / xs.length;

it('layers are seeded: the same generator seed gives bit-identical parameters, another seed does not', () => {
  const a = new Linear(16, 8, { generator: new Generator(3) });
  const b = new Linear(16, 8, { generator: new Generator(3) });
  const c = new Linear(16, 8, { generator: new Generator(4) });
  assert.equal(Array.from(a.weight.data), Array.from(b.weight.data));
  assert.equal(Array.from(a.bias!.data), Array.from(b.bias!.data));
  assert.not.equal(Array.from(a.weight.data), Array.from(c.weight.data));
  const e1 = new Embedding(6, 4, { generator: new Generator(9), dtype: 'float64' });
  const e2 = new Embedding(6, 4, { generator: new Generator(9), dtype: 'float64' });
  assert.equal(Array.from(e1.weight.data), Array.from(e2.weight.data));
});

it('Linear: weight and bias in U(±1/√in), filling most of the interval', () => {
  const lin = new Linear(64, 32, { generator: new Generator(1), dtype: 'float64' });
  const bound = 1 / Math.sqrt(64);
  assert.ok(maxAbs(lin.weight.data) <= bound);
  assert.ok(maxAbs(lin.weight.data) > 0.98 * bound);
  assert.ok(maxAbs(lin.bias!.data) <= bound);
  assert.ok(Math.abs(meanOf(lin.weight.data)) < 0.1 * bound);
});

it('kaimingUniform_: √(6/fanIn) by default, gain·√(3/fan) in general', () => {
  const g = new Generator(2);
  const w = init.kaimingUniform_(zeros([50, 40], { dtype: 'float64' }), { generator: g });
  const bound = Math.sqrt(6 / 40);
  assert.ok(maxAbs(w.data) <= bound && maxAbs(w.data) > 0.98 * bound);
  const fanOut = init.kaimingUniform_(zeros([50, 40], { dtype: 'float64' }), { mode: 'fanOut', nonlinearity: 'linear', generator: g });
  const b2 = Math.sqrt(3 / 50);
  assert.ok(maxAbs(fanOut.data) <= b2 && maxAbs(fanOut.data) > 0.98 * b2);
  assert.is(init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.throws(() => init.kaimingUniform_(zeros([4])), /fan in and fan out need a tensor of rank ≥ 2, got shape \[4\]/);
});

it('xavierUniform_: gain·√(6/(fanIn + fanOut)); fans count kernel dims', () => {
  const w = init.xavierUniform_(zeros([30, 20, 3], { dtype: 'float64' }), { gain: 2, generator: new Generator(3) });
  assert.equal(init.fans(w), { fanIn: 60, fanOut: 90 });
  const bound = 2 * Math.sqrt(6 / 150);
  assert.ok(maxAbs(w.data) <= bound && maxAbs(w.data) > 0.98 * bound);
});

it('uniform_, normal_, zeros_, ones_: in place, seeded; normal_ draws the stream randn draws', () => {
  const t = zeros([7], { dtype: 'float64' });
  assert.is(init.normal_(t, 0, 1, new Generator(5)), t);
  assert.equal(Array.from(t.data), Array.from(randn([7], { dtype: 'float64', generator: new Generator(5) }).data));
  init.normal_(t, 3, 0, new Generator(5));
  assert.equal(Array.from(t.data), new Array(7).fill(3));
  init.uniform_(t, -2, -1, new Generator(6));
  assert.ok(Array.from(t.data).every((v) => v >= -2 && v < -1));
  assert.equal(Array.from(init.ones_(t).data), new Array(7).fill(1));
  assert.equal(Array.from(init.zeros_(t).data), new Array(7).fill(0));
  assert.throws(() => init.uniform_(t, 1, 0), /uniform_: need finite a ≤ b, got a=1, b=0/);
  const op = tensor([1, 2], { requiresGrad: true }).mul(2);
  assert.throws(() => init.zeros_(op), /zeros_|constant_: cannot initialise a tensor produced by mul/);
});

it.run();
