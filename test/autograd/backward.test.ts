import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  tensor, ones, noGrad, enableGrad, grad, AutogradError, add, mul, sum, exp, sin, pow, Tensor,
} from '../../src/index.js';
import { record } from '../../src/autograd/graph.js';

const engine = suite('autograd engine');

engine('chain rule, fan-out accumulation and leaves', () => {
  const x = tensor([2, 3], { dtype: 'float64', requiresGrad: true });
  // y = Σ (x·x + x) → dy/dx = 2x + 1; x is used three times
  const y = sum(add(mul(x, x), x));
  y.backward();
  assert.equal(Array.from(x.grad!.data), [5, 7]);
  // a second graph accumulates into .grad
  sum(mul(x, 3)).backward();
  assert.equal(Array.from(x.grad!.data), [8, 10]);
});

engine('backward of a non-scalar needs a gradient of its shape', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = mul(x, 2);
  assert.throws(() => y.backward(), (e: Error) => e instanceof AutogradError && /scalar/.test(e.message) && /\[2\]/.test(e.message));
  assert.throws(() => y.backward(ones([3])), /does not match/);
  y.backward(tensor([1, 10]));
  assert.equal(Array.from(x.grad!.data), [2, 20]);
});

engine('the graph is freed after backward; a second pass is a clear error', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = sum(exp(x));
  y.backward();
  assert.throws(() => y.backward(), (e: Error) => e instanceof AutogradError && /freed/.test(e.message) && /retainGraph/.test(e.message));
  assert.is(y.gradFn!.vjp, null);
  assert.equal(y.gradFn!.inputs, []);
});

engine('retainGraph allows a second pass', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const y = sum(mul(x, x));
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.equal(Array.from(x.grad!.data), [4, 8]);
});

engine('backward({ retainGraph }) and backward({ createGraph }): the documented options-only form', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const y = sum(mul(x, x));
  y.backward({ retainGraph: true });
  y.backward();
  assert.equal(Array.from(x.grad!.data), [4, 8]);

  const z = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
  sum(pow(z, 3)).backward({ createGraph: true }); // 3z²
  const gz = z.grad!;
  assert.ok(gz.requiresGrad, 'createGraph records the backward pass');
  z.grad = null;
  sum(gz).backward(); // d/dz Σ 3z² = 6z
  assert.equal(Array.from(z.grad!.data), [3, -6]);
});

engine('an upstream gradient that is not a Tensor is a clear AutogradError, before any state changes', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = mul(x, 2);
  const notTensor = (e: Error): boolean => e instanceof AutogradError && /backward: the upstream gradient for output 0 \(shape \[2\]\) must be a Tensor, got a number/.test(e.message);
  assert.throws(() => y.backward(3 as never), notTensor);
  assert.throws(() => y.backward([1, 1] as never), /must be a Tensor, got an array/);
  assert.throws(() => grad(y, [x], [1] as never), /grad: the upstream gradient for output 0 .* must be a Tensor, got a number/);
  assert.throws(() => sum(y).backward({ createGraph: true }, { retainGraph: true }), (e: Error) => e instanceof AutogradError && /options were given twice/.test(e.message));
  assert.is(x.grad, null);
  assert.ok(y.gradFn!.vjp !== null, 'the graph was not freed by the failed calls');
});

engine('noGrad and detach stop recording', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = noGrad(() => mul(x, 2));
  assert.ok(!y.requiresGrad && y.gradFn === null);
  const z = noGrad(() => enableGrad(() => mul(x, 2)));
  assert.ok(z.requiresGrad);
  const w = mul(x.detach(), x);
  sum(w).backward();
  assert.equal(Array.from(x.grad!.data), [1, 2], 'the detached factor is a constant');
});

engine('backward on a tensor that does not require grad is an error', () => {
  assert.throws(() => sum(tensor([1, 2])).backward(), /does not require grad/);
});

engine('createGraph: second and third derivatives of x³', () => {
  const x = tensor([2], { dtype: 'float64', requiresGrad: true });
  const y = sum(pow(x, 3));
  const [dy] = grad(y, [x], undefined, { createGraph: true }); // 3x² = 12
  assert.is(dy!.item(), 12);
  const [d2y] = grad(sum(dy!), [x], undefined, { createGraph: true }); // 6x = 12
  assert.is(d2y!.item(), 12);
  const [d3y] = grad(sum(d2y!), [x]); // 6
  assert.is(d3y!.item(), 6);
});

engine('createGraph through backward(): gradient of a gradient norm', () => {
  const x = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
  sum(sin(x)).backward(undefined, { createGraph: true });
  const gx = x.grad!; // cos x, with a graph
  assert.ok(gx.requiresGrad);
  x.grad = null;
  sum(mul(gx, gx)).backward(); // d/dx cos²x = −2 sin x cos x
  const expected = [0.5, -1].map((v) => -2 * Math.sin(v) * Math.cos(v));
  Array.from(x.grad!.data).forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-15));
});

engine('grad() returns gradients without touching .grad; unused inputs give null', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const unused = tensor([5], { dtype: 'float64', requiresGrad: true });
  const [gx, gu] = grad(sum(mul(x, x)), [x, unused]);
  assert.equal(Array.from(gx!.data), [2, 4]);
  assert.is(gu, null);
  assert.is(x.grad, null);
});

engine('retainGrad keeps the gradient of an intermediate', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const h = mul(x, 3).retainGrad();
  sum(mul(h, h)).backward();
  assert.equal(Array.from(h.grad!.data), [6, 12]);
});

engine('a VJP returning the wrong shape is reported with the op name', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const out = record(new Tensor(new Float32Array(2), [2]), 'brokenOp', [x], () => [ones([3])]);
  assert.throws(() => sum(out).backward(), /brokenOp returned a gradient float32 \[3\] for its input 0, which is float32 \[2\]/);
});

engine('deep graphs do not overflow the stack', () => {
  const x = tensor([1], { dtype: 'float64', requiresGrad: true });
  let y: Tensor = x;
  for (let i = 0; i < 20000; i++) y = add(y, 1e-4);
  sum(y).backward();
  assert.is(x.grad!.item(), 1);
});

engine('leaf gradients own their storage', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const g = tensor([1, 1]);
  mul(x, 1).backward(g);
  x.grad!.data[0] = 100;
  assert.is(g.data[0], 1, 'mutating .grad must not write into the upstream tensor');
});

engine.run();
