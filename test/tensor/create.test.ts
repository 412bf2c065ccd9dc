import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  tensor, zeros, ones, full, arange, linspace, eye, rand, randn, randint, manualSeed, Generator,
  Tensor, ShapeError, DTypeError,
} from '../../src/index.js';

const create = suite('creation');

create('tensor from nested arrays infers shape and defaults to float32', () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(t.shape, [2, 3]);
  assert.is(t.dtype, 'float32');
  assert.ok(t.data instanceof Float32Array);
  assert.equal(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.is(tensor(3.5, { dtype: 'float64' }).item(), 3.5);
  assert.equal(tensor(3.5).shape, []);
  assert.equal(tensor([]).shape, [0]);
});

create('tensor from a typed array copies and takes opts.shape', () => {
  const src = new Float64Array([1, 2, 3, 4, 5, 6]);
  const t = tensor(src, { shape: [3, 2] });
  assert.is(t.dtype, 'float64');
  assert.equal(t.shape, [3, 2]);
  src[0] = 99;
  assert.is(t.data[0], 1, 'tensor() copies its input');
  assert.equal(tensor(new Float32Array(4)).shape, [4]);
  assert.throws(() => tensor(src, { shape: [4, 2] }), (e: Error) => e instanceof ShapeError && /6 values/.test(e.message));
});

create('ragged nested arrays are rejected with the path', () => {
  assert.throws(() => tensor([[1, 2], [3]]), (e: Error) => e instanceof ShapeError && /data\[1\]/.test(e.message));
});

create('fills, ranges and eye', () => {
  assert.equal(zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
  assert.equal(ones([3], { dtype: 'float64' }).toArray(), [1, 1, 1]);
  assert.equal(full([2], 7).toArray(), [7, 7]);
  assert.equal(arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.equal(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.equal(arange(5, 0, -2).toArray(), [5, 3, 1]);
  assert.equal(linspace(0, 1, 5, { dtype: 'float64' }).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.is(linspace(0, 0.3, 7, { dtype: 'float64' }).data[6], 0.3, 'last value is exactly end');
  assert.equal(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.equal(zeros([0, 3]).shape, [0, 3]);
});

create('storage must be Float32Array or Float64Array: an Int32Array is not silently labelled float32', () => {
  const notFloat = (e: Error): boolean => e instanceof TypeError && /Tensor: storage must be a Float32Array or a Float64Array, got Int32Array/.test(e.message);
  assert.throws(() => new Tensor(new Int32Array([1, 2]) as never, [2]), notFloat);
  assert.throws(() => new Tensor([1, 2] as never, [2]), /Tensor: storage must be .* got Array/);
  assert.throws(() => tensor(new Int32Array([1, 2]) as never), (e: Error) => e instanceof TypeError && /tensor: expected .* a Float32Array or a Float64Array, got Int32Array; convert it first/.test(e.message));
  assert.is(new Tensor(new Float64Array(2), [2]).dtype, 'float64');
});

create('bad sizes: negative or fractional dims, zero step, unknown dtype', () => {
  assert.throws(() => zeros([2, -1]), (e: Error) => e instanceof ShapeError && /zeros/.test(e.message) && /\[2,-1\]/.test(e.message));
  assert.throws(() => ones([1.5]), (e: Error) => e instanceof ShapeError && /non-negative integers/.test(e.message));
  assert.throws(() => arange(0, 1, 0), /step must be non-zero/);
  assert.throws(() => arange(0, 5, -1), /moves away/);
  assert.throws(() => linspace(0, 1, -2), /steps/);
  assert.throws(() => linspace(NaN, 1, 3), (e: Error) => e instanceof RangeError && /linspace: start and end must be finite numbers, got NaN and 1/.test(e.message));
  assert.throws(() => linspace(0, Infinity, 3), /linspace: start and end must be finite numbers, got 0 and Infinity/);
  assert.throws(() => zeros([2], { dtype: 'int32' as never }), (e: Error) => e instanceof DTypeError);
  assert.throws(() => randint(3, 3, [2]), /low < high/);
});

create('seeded random: same seed, bit-identical values; different seed, different values', () => {
  manualSeed(42);
  const a = randn([1000], { dtype: 'float64' });
  const u = rand([5]);
  manualSeed(42);
  const b = randn([1000], { dtype: 'float64' });
  const v = rand([5]);
  assert.equal(Array.from(a.data), Array.from(b.data));
  assert.equal(Array.from(u.data), Array.from(v.data));
  const c = randn([1000], { dtype: 'float64', generator: new Generator(43) });
  assert.not.equal(Array.from(a.data), Array.from(c.data));
});

create('random draws have the right distribution', () => {
  const g = new Generator(7);
  const n = randn([20000], { dtype: 'float64', generator: g }).data;
  let mean = 0;
  for (const x of n) mean += x / n.length;
  let variance = 0;
  for (const x of n) variance += (x - mean) ** 2 / n.length;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  const u = rand([20000], { generator: g }).data;
  assert.ok(u.every((x) => x >= 0 && x < 1));
  const r = randint(-2, 3, [5000], { generator: g }).data;
  assert.ok(r.every((x) => Number.isInteger(x) && x >= -2 && x < 3));
  assert.equal(new Set(r).size, 5);
});

create('generator state round-trips, from any point of the stream', () => {
  const g = new Generator(5);
  for (let i = 0; i < 100; i++) {
    const copy = new Generator().setState(g.getState()); // the xor steps make words negative internally
    assert.is(copy.nextUint32(), g.nextUint32());
  }
  g.random();
  const state = g.getState();
  const first = [g.random(), g.random()];
  g.setState(state);
  assert.equal([g.random(), g.random()], first);
  assert.throws(() => g.setState([0, 0, 0, 0]), /all-zero/);
  assert.throws(() => g.setState([1, 2]), /four 32-bit/);
});

create('tensor basics: item, size, toString, detach', () => {
  const t = tensor([[1, 2], [3, 4]]);
  assert.throws(() => t.item(), /one-element/);
  assert.is(t.size(-1), 2);
  assert.throws(() => t.size(2), /out of range/);
  assert.match(t.toString(), /tensor\(\[\[1, 2\], \[3, 4\]\], shape=\[2,2\], dtype=float32\)/);
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2);
  assert.ok(y.requiresGrad && !y.isLeaf);
  const d = y.detach();
  assert.ok(!d.requiresGrad && d.isLeaf);
  assert.throws(() => { y.requiresGrad = false; }, /leaf/);
  assert.throws(() => new Tensor(new Float32Array(3), [2, 2]), /needs 4/);
});

create.run();
