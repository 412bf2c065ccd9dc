import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exp, log, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, erf, reciprocal, tensor, type Tensor } from '../../src/index.js';
import { erf as erfScalar } from '../../src/ops/special.js';
import { allClose } from '../helpers/close.js';
import { checkGradGrad, rnd } from '../helpers/check.js';

const unary = suite('unary ops');

const cases: { name: string; op: (x: Tensor) => Tensor; f: (v: number) => number; input?: { positive?: boolean; awayFromZero?: number } }[] = [
  { name: 'exp', op: exp, f: Math.exp },
  { name: 'log', op: log, f: Math.log, input: { positive: true, awayFromZero: 0.2 } },
  { name: 'sqrt', op: sqrt, f: Math.sqrt, input: { positive: true, awayFromZero: 0.2 } },
  { name: 'rsqrt', op: rsqrt, f: (v) => 1 / Math.sqrt(v), input: { positive: true, awayFromZero: 0.2 } },
  { name: 'abs', op: abs, f: Math.abs, input: { awayFromZero: 0.1 } },
  { name: 'sin', op: sin, f: Math.sin },
  { name: 'cos', op: cos, f: Math.cos },
  { name: 'tanh', op: tanh, f: Math.tanh },
  { name: 'sigmoid', op: sigmoid, f: (v) => 1 / (1 + Math.exp(-v)) },
  { name: 'erf', op: erf, f: erfScalar },
  { name: 'reciprocal', op: reciprocal, f: (v) => 1 / v, input: { awayFromZero: 0.3 } },
];

for (const { name, op, f, input } of cases) {
  unary(`${name}: forward, gradcheck and gradgradcheck (shapes incl. scalar, size 1 and size 0)`, () => {
    const x = rnd([3, 4], 11, { scale: 2, ...input });
    allClose(op(x), Array.from(x.data, f), { atol: 1e-15, rtol: 1e-14 }, name);
    allClose(op(x.to('float32')), Array.from(x.data, f), { atol: 1e-6, rtol: 1e-6 }, `${name} float32`);
    for (const shape of [[3, 4], [], [3, 1], [0, 2]]) {
      const t = rnd(shape, 12, { scale: 2, ...input });
      assert.equal(op(t).shape, shape, `${name} ${JSON.stringify(shape)} shape`);
      checkGradGrad(op, [t], {}, `${name} ${JSON.stringify(shape)}`);
    }
  });
}

unary('erf matches reference values to 1e-15', () => {
  // erf at 0.5, 1, 2, 3 (the series/continued-fraction boundary), 4 and a tiny value
  const values: [number, number][] = [
    [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
    [3, 0.9999779095030014], [4, 0.9999999845827421], [1e-10, 1.1283791670955126e-10], [-1.5, -0.9661051464753108],
  ];
  for (const [x, e] of values) assert.ok(Math.abs(erfScalar(x) - e) <= 1e-15 * Math.max(1, Math.abs(e)) + 1e-17, `erf(${x}) = ${erfScalar(x)}, expected ${e}`);
  assert.is(erfScalar(10), 1);
  assert.is(erfScalar(-Infinity), -1);
  assert.ok(Number.isNaN(erfScalar(NaN)));
});

unary('sigmoid does not overflow for large |x|', () => {
  const s = sigmoid(tensor([-1000, 1000], { dtype: 'float64' }));
  assert.equal(Array.from(s.data), [0, 1]);
});

unary('sign is piecewise constant and records no graph', () => {
  const x = tensor([-2, 0, 3], { requiresGrad: true });
  const s = sign(x);
  assert.equal(Array.from(s.data), [-1, 0, 1]);
  assert.not.ok(s.requiresGrad);
  const a = tensor([0], { dtype: 'float64', requiresGrad: true });
  abs(a).sum().backward();
  assert.is(a.grad!.item(), 0, "d|x|/dx at 0 is 0, as PyTorch");
});

unary.run();
