import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { add, sub, mul, div, pow, square, maximum, minimum, where, eq, ne, lt, le, gt, ge, neg, grad, tensor, ShapeError, DTypeError } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGradGrad, rnd, type RandomInput } from '../helpers/check.js';
import { naiveBinary } from '../helpers/naive.js';

const binary = suite('binary ops');

// Shapes that exercise broadcasting: equal, trailing, leading, size-1 in the middle, scalar, size 0.
const pairs: [number[], number[]][] = [
  [[3, 4], [3, 4]], [[3, 4], [4]], [[2, 1, 4], [3, 1]], [[1], [2, 3]], [[], [2, 3]], [[2, 3], []], [[0, 3], [3]], [[4, 1, 2], [1, 5, 1]],
];

const ops: { name: string; op: typeof add; f: (x: number, y: number) => number; base?: RandomInput }[] = [
  { name: 'add', op: add, f: (x, y) => x + y },
  { name: 'sub', op: sub, f: (x, y) => x - y },
  { name: 'mul', op: mul, f: (x, y) => x * y },
  { name: 'div', op: div, f: (x, y) => x / y },
  { name: 'maximum', op: maximum, f: Math.max },
  { name: 'minimum', op: minimum, f: Math.min },
  // real powers need a positive base (a^p is NaN for a < 0 and non-integer p)
  { name: 'pow', op: pow, f: Math.pow, base: { positive: true } },
];

for (const { name, op, f, base } of ops) {
  binary(`${name}: forward matches a naive broadcast loop (float32 and float64)`, () => {
    for (const [sa, sb] of pairs) {
      for (const dtype of ['float32', 'float64'] as const) {
        const a = rnd(sa, 1, { awayFromZero: 0.1, ...base }).to(dtype);
        const b = rnd(sb, 2, { awayFromZero: 0.1 }).to(dtype);
        const out = op(a, b);
        const ref = naiveBinary(a, b, f);
        assert.equal(out.shape, ref.shape, `${name} ${JSON.stringify([sa, sb])}`);
        assert.is(out.dtype, dtype);
        allClose(out, ref.data, { atol: 0, rtol: dtype === 'float32' ? 1e-6 : 0 }, `${name} ${JSON.stringify([sa, sb])}`);
      }
    }
  });

  binary(`${name}: gradcheck and gradgradcheck with broadcasting`, () => {
    for (const [sa, sb] of pairs) {
      checkGradGrad(op, [rnd(sa, 3, { awayFromZero: 0.2, ...base }), rnd(sb, 4, { awayFromZero: 0.2 })], {}, `${name} ${JSON.stringify([sa, sb])}`);
    }
  });
}

binary('numbers mix with tensors on either side', () => {
  const x = tensor([1, 2, 3]);
  assert.equal(Array.from(add(x, 1).data), [2, 3, 4]);
  assert.equal(Array.from(sub(10, x).data), [9, 8, 7]);
  assert.equal(Array.from(div(6, x).data), [6, 3, 2]);
  assert.equal(Array.from(neg(x).data), [-1, -2, -3]);
  assert.equal(Array.from(x.mul(2).add(1).data), [3, 5, 7]);
});

binary('neg: forward, gradcheck and gradgradcheck (shapes incl. scalar, size 1 and size 0)', () => {
  for (const shape of [[3, 4], [], [1], [0, 3]]) {
    const x = rnd(shape, 10);
    const y = neg(x);
    assert.equal(y.shape, shape);
    allClose(y, Array.from(x.data, (v) => -v), { atol: 0 }, `neg ${JSON.stringify(shape)}`);
    checkGradGrad(neg, [x], {}, `neg ${JSON.stringify(shape)}`);
  }
});

binary('square: x·x, gradcheck and gradgradcheck (shapes incl. scalar, size 1 and size 0)', () => {
  for (const shape of [[3, 4], [], [1], [0, 3]]) {
    const x = rnd(shape, 13);
    assert.equal(square(x).shape, shape);
    allClose(square(x), Array.from(x.data, (v) => v * v), { atol: 0 }, `square ${JSON.stringify(shape)}`);
    checkGradGrad(square, [x], {}, `square ${JSON.stringify(shape)}`);
  }
});

binary('pow: forward and gradients in base and exponent', () => {
  allClose(pow(tensor([2, 3], { dtype: 'float64' }), 2), [4, 9]);
  checkGradGrad((a) => pow(a, 3), [rnd([3, 2], 5)]);
  checkGradGrad((a, p) => pow(a, p), [rnd([2, 3], 6, { positive: true, awayFromZero: 0.3 }), rnd([3], 7)]);
  // the exponent's gradient is 0 (not NaN) at a base of 0
  const a = tensor([0, 2], { dtype: 'float64' });
  const p = tensor([2, 2], { dtype: 'float64', requiresGrad: true });
  pow(a, p).sum().backward();
  allClose(p.grad!, [0, 4 * Math.log(2)]);
});

binary('pow at 0^0: the base gradient is 0 where the exponent is 0 (PyTorch), also to second order', () => {
  const a = tensor([0, 0, 2], { dtype: 'float64', requiresGrad: true });
  const p = tensor([0, 2, 0], { dtype: 'float64', requiresGrad: true });
  pow(a, p).sum().backward();
  assert.equal(Array.from(a.grad!.data), [0, 0, 0]);
  allClose(p.grad!, [0, 0, Math.log(2)], { atol: 1e-15 });
  const z = tensor([0, 3], { dtype: 'float64', requiresGrad: true });
  pow(z, 0).sum().backward();
  assert.equal(Array.from(z.grad!.data), [0, 0], 'a number exponent of 0 too');
  // createGraph: differentiate s = Σ ∂a + Σ ∂p with ∂a = p·a^(p−1), ∂p = a^p·ln a (0 at the masked entries).
  // ∂s/∂a = p(p−1)a^(p−2) + a^(p−1)(1 + p·ln a) → [masked 0, 2 + masked 0, 0 + 1/2];
  // ∂s/∂p = a^(p−1)(1 + p·ln a) + a^p·ln²a → [masked 0, 0^1 + masked 0, 1/2 + ln²2]. Finite, no NaN.
  const [ga, gp] = grad(pow(a, p).sum(), [a, p], undefined, { createGraph: true });
  const [gaa, gap] = grad(add(ga!.sum(), gp!.sum()), [a, p]);
  allClose(gaa!, [0, 2, 0.5], { atol: 1e-15 }, 'second derivative in the base');
  allClose(gap!, [0, 0, 0.5 + Math.log(2) ** 2], { atol: 1e-15 }, 'mixed and second derivative in the exponent');
});

binary('maximum/minimum split the gradient equally on ties', () => {
  const a = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const b = tensor([3, 2, 1], { dtype: 'float64', requiresGrad: true });
  maximum(a, b).sum().backward();
  assert.equal(Array.from(a.grad!.data), [0, 0.5, 1]);
  assert.equal(Array.from(b.grad!.data), [1, 0.5, 0]);
  assert.ok(Number.isNaN(maximum(tensor([NaN]), tensor([1])).item()), 'NaN propagates');
});

binary('comparisons give 0/1 in the operand dtype and record no graph', () => {
  const a = tensor([1, 2, 3], { requiresGrad: true });
  const cases: [typeof eq, number[]][] = [[eq, [0, 1, 0]], [ne, [1, 0, 1]], [lt, [1, 0, 0]], [le, [1, 1, 0]], [gt, [0, 0, 1]], [ge, [0, 1, 1]]];
  for (const [cmp, expected] of cases) {
    const r = cmp(a, 2);
    assert.equal(Array.from(r.data), expected);
    assert.not.ok(r.requiresGrad);
  }
});

binary('where routes values and gradients', () => {
  const cond = tensor([[1], [0]], { dtype: 'float64' });
  const x = rnd([2, 3], 8);
  const y = rnd([3], 9);
  const out = where(cond, x, y);
  allClose(out, [...Array.from(x.data.subarray(0, 3)), ...Array.from(y.data)], { atol: 0 });
  checkGradGrad((a, b) => where(cond, a, b), [x, y]);
  // size 0: a [0, 3] condition broadcast against [3]
  const empty = tensor(new Float64Array(0), { shape: [0, 1] });
  const z = rnd([0, 3], 10);
  assert.equal(where(empty, z, y).shape, [0, 3]);
  checkGradGrad((a, b) => where(empty, a, b), [z, y], {}, 'where with a size-0 dim');
});

binary('bad input: shape mismatch and mixed dtypes, before any work', () => {
  assert.throws(() => add(tensor([[1, 2, 3]]), tensor([[1, 2]])), (e: Error) => e instanceof ShapeError && /add: shapes \[1,3\] and \[1,2\] cannot be broadcast/.test(e.message));
  assert.throws(() => mul(tensor([1]), tensor([1], { dtype: 'float64' })), (e: Error) => e instanceof DTypeError && /mul: dtypes differ: float32 \[1\] and float64 \[1\]/.test(e.message));
  assert.throws(() => where(tensor([1, 0, 1]), tensor([1, 2]), 0), /where: shapes/);
  // a non-number operand is named with the op
  assert.throws(() => add(tensor([1]), '2' as never), (e: Error) => e instanceof TypeError && /^add: each operand must be a Tensor or a number, got string$/.test(e.message));
  assert.throws(() => mul([1, 2] as never, tensor([1])), /mul: each operand must be a Tensor or a number, got Array/);
  assert.throws(() => sub('1' as never, 2), /sub: at least one operand must be a Tensor, got string and number/);
});

binary.run();
