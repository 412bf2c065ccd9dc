import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { layerNorm, crossEntropy, mseLoss, tensor, ShapeError, DTypeError } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, checkGradGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../helpers/fixtures.js';

const nl = suite('layer norm and losses');
const layers = loadFixture('layers');

nl('layerNorm and crossEntropy match the PyTorch fixtures, values and gradients', () => {
  let seen = 0;
  for (const c of layers.cases) {
    if (c.op === 'layer_norm') {
      const shape = c.options.normalized_shape as number[];
      checkFixtureCase(c, ({ x, weight, bias }) => ({ y: layerNorm(x, shape, weight, bias, c.options.eps as number) }), { atol: 1e-12, rtol: 1e-10 });
      seen++;
    } else if (c.op === 'cross_entropy') {
      const ignoreIndex = c.options.ignore_index as number;
      checkFixtureCase(c, ({ logits, target }) => ({ y: crossEntropy(logits, target, { ignoreIndex }) }), { atol: 1e-13, rtol: 1e-11 });
      seen++;
    }
  }
  assert.is(seen, 5);
});

nl('layerNorm over several shapes: [1], [3,1,4] (over [4] and [1,4]), [0,3]', () => {
  const cases: [number[], number[]][] = [[[1], [1]], [[3, 1, 4], [4]], [[3, 1, 4], [1, 4]], [[0, 3], [3]], [[2, 1], [1]]];
  for (const [shape, normalized] of cases) {
    const label = `layerNorm ${JSON.stringify(shape)} over ${JSON.stringify(normalized)}`;
    const x = rnd(shape, 97);
    const w = rnd(normalized, 98);
    const b = rnd(normalized, 99);
    const y = layerNorm(x, normalized, w, b);
    assert.equal(y.shape, shape, label);
    // naive: each row of D = |normalized| elements, biased variance, eps 1e-5
    const D = normalized.reduce((p, q) => p * q, 1);
    const expected: number[] = [];
    for (let r = 0; r < x.numel / D; r++) {
      const row = Array.from(x.data.subarray(r * D, (r + 1) * D));
      const mu = row.reduce((p, q) => p + q, 0) / D;
      const v = row.reduce((p, q) => p + (q - mu) ** 2, 0) / D;
      row.forEach((q, j) => expected.push(((q - mu) / Math.sqrt(v + 1e-5)) * w.data[j] + b.data[j]));
    }
    allClose(y, expected, { atol: 1e-12 }, label);
    checkGradGrad((t, ww, bb) => layerNorm(t, normalized, ww, bb), [x, w, b], {}, label);
  }
});

nl('layerNorm: gradcheck and gradgradcheck, over one and two trailing axes', () => {
  checkGradGrad((x, w, b) => layerNorm(x, [4], w, b), [rnd([3, 4], 81), rnd([4], 82), rnd([4], 83)]);
  checkGradGrad((x) => layerNorm(x, [2, 3]), [rnd([2, 2, 3], 84)]);
  assert.throws(() => layerNorm(rnd([3, 4], 1), [3]), /layerNorm: normalizedShape \[3\] must match the trailing dims of the input \[3,4\]/);
  assert.throws(() => layerNorm(rnd([3, 4], 1), [4], rnd([3], 2)), /weight has shape \[3\], expected \[4\]/);
  const x64 = rnd([3, 4], 1);
  assert.throws(() => layerNorm(x64, [4], rnd([4], 2).to('float32')), (e: Error) => e instanceof DTypeError && /layerNorm \(weight\): dtypes differ: float64 \[3,4\] and float32 \[4\]/.test(e.message));
  assert.throws(() => layerNorm(x64, [4], null, rnd([4], 3).to('float32')), (e: Error) => e instanceof DTypeError && /layerNorm \(bias\): dtypes differ/.test(e.message));
});

nl('crossEntropy: reductions, ignoreIndex, label smoothing, class dim 1 for >2-D logits', () => {
  const logits = tensor([[2, 0, -1], [0.5, 0.5, 3]], { dtype: 'float64' });
  const lp = (row: number[], t: number): number => row[t] - Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
  const l0 = -lp([2, 0, -1], 0);
  const l1 = -lp([0.5, 0.5, 3], 1);
  allClose(crossEntropy(logits, [0, 1], { reduction: 'none' }), [l0, l1], { atol: 1e-15 });
  allClose(crossEntropy(logits, [0, 1], { reduction: 'sum' }), [l0 + l1], { atol: 1e-15 });
  allClose(crossEntropy(logits, [0, -100]), [l0], { atol: 1e-15 });
  // smoothing ε: (1 − ε)·nll + ε·mean over classes of −log p
  const eps = 0.1;
  const smooth0 = -[0, 1, 2].reduce((s, c) => s + lp([2, 0, -1], c), 0) / 3;
  allClose(crossEntropy(logits, [0, -100], { labelSmoothing: eps }), [(1 - eps) * l0 + eps * smooth0], { atol: 1e-15 });
  // [N, C, L] logits with [N, L] targets equal the moved-axis [N·L, C] form
  const x = rnd([2, 3, 4], 85);
  const t = tensor([[0, 1, 2, 1], [2, 2, 0, 1]]);
  const flat = x.permute(0, 2, 1).reshape(8, 3);
  allClose(crossEntropy(x, t), crossEntropy(flat, t.reshape(8)).data, { atol: 1e-15 });
  checkGradGrad((z) => crossEntropy(z, t, { labelSmoothing: 0.2 }), [x]);
  checkGrad((z) => crossEntropy(z, [1, -100, 0], { reduction: 'none' }), [rnd([3, 4], 86)]);
  checkGradGrad((z) => crossEntropy(z, [2]), [rnd([1, 4], 86)], {}, 'a batch of one');
  checkGradGrad((z) => crossEntropy(z, [[1, 0, 1]]), [rnd([1, 2, 3], 86)], {}, '[1, C, 3] logits');
});

nl('crossEntropy and mseLoss with size 0: empty batch shapes, sum 0, mean NaN (as PyTorch)', () => {
  const logits = rnd([0, 4], 89);
  assert.equal(crossEntropy(logits, [], { reduction: 'none' }).shape, [0]);
  const s = crossEntropy(logits, [], { reduction: 'sum' });
  assert.equal(s.shape, []);
  assert.is(s.item(), 0);
  assert.ok(Number.isNaN(crossEntropy(logits, []).item()), 'mean over no targets is 0/0');
  checkGradGrad((z) => crossEntropy(z, [], { reduction: 'sum' }), [logits], {}, 'crossEntropy [0,4] sum');
  // [N, C, L] with L = 0
  const seq = rnd([2, 3, 0], 90);
  assert.equal(crossEntropy(seq, tensor(new Float64Array(0), { shape: [2, 0] }), { reduction: 'none' }).shape, [2, 0]);
  const a = rnd([0, 3], 95);
  const b = rnd([0, 3], 96);
  assert.equal(mseLoss(a, b, 'none').shape, [0, 3]);
  assert.is(mseLoss(a, b, 'sum').item(), 0);
  assert.ok(Number.isNaN(mseLoss(a, b).item()), 'mean of nothing is 0/0');
  checkGradGrad((x, y) => mseLoss(x, y, 'sum'), [a, b], {}, 'mseLoss [0,3] sum');
});

nl('crossEntropy bad input', () => {
  const logits = tensor([[1, 2], [3, 4]]);
  assert.throws(() => crossEntropy(logits, [0, 2]), /crossEntropy: target 2 at position 1 is not a class index in \[0, 2\)/);
  assert.throws(() => crossEntropy(logits, [0]), (e: Error) => e instanceof ShapeError && /does not match the logits' batch shape \[2\]/.test(e.message));
  assert.throws(() => crossEntropy(logits, [0, 1], { labelSmoothing: 2 }), /labelSmoothing/);
  // the count matches (2) but the shape does not
  assert.throws(() => crossEntropy(logits, [[0], [1]]), (e: Error) => e instanceof ShapeError && /crossEntropy: target shape \[2,1\] does not match the logits' batch shape \[2\]/.test(e.message));
  assert.throws(() => crossEntropy(rnd([2, 3, 4], 1), [0, 1, 2, 0, 1, 2, 0, 1]), /target shape \[8\] does not match the logits' batch shape \[2,4\]/);
  assert.throws(() => crossEntropy(logits, [[0, 1], [1]]), /ragged/);
  assert.is(crossEntropy(tensor([1, 2, 3]), 2).shape.length, 0, '[C] logits take a single class index');
});

nl('mseLoss: value, reductions, gradient, shape check', () => {
  const a = tensor([1, 2, 3], { dtype: 'float64' });
  const b = tensor([1, 0, 0], { dtype: 'float64' });
  allClose(mseLoss(a, b), [13 / 3]);
  allClose(mseLoss(a, b, 'sum'), [13]);
  allClose(mseLoss(a, b, 'none'), [0, 4, 9]);
  checkGradGrad((x, y) => mseLoss(x, y), [rnd([2, 3], 87), rnd([2, 3], 88)]);
  checkGradGrad((x, y) => mseLoss(x, y, 'none'), [rnd([3, 1], 87), rnd([3, 1], 88)], {}, 'size-1 axis');
  assert.throws(() => mseLoss(a, tensor([1, 2], { dtype: 'float64' })), /mseLoss: input \[3\] and target \[2\] must have the same shape/);
  assert.throws(() => mseLoss(a, b, 'avg' as never), (e: Error) => e instanceof RangeError && /mseLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'/.test(e.message));
  assert.throws(() => mseLoss(a, b, { reduction: 'sum' } as never), /mseLoss: reduction must be .* got \{"reduction":"sum"\}/);
});

nl.run();

const fused = suite('fused ops agree with their reference compositions');

fused('gelu, glu and layerNorm: values and first-order gradients, fast kernel vs composition', async () => {
  const { gelu, glu, grad } = await import('../../src/index.js');
  const { geluReference } = await import('../../src/ops/activation.js');
  const { layerNormReference } = await import('../../src/ops/norm.js');
  const { mul: times, narrow, sigmoid } = await import('../../src/index.js');
  const x = rnd([3, 6], 91, { scale: 3 });
  const w = rnd([6], 92);
  const b = rnd([6], 93);
  const g = rnd([3, 6], 94).detach();
  const pairs: [string, (t: typeof x) => typeof x, (t: typeof x) => typeof x][] = [
    ['gelu', (t) => gelu(t), geluReference],
    ['glu', (t) => glu(t, 1), (t) => times(narrow(t, 1, 0, 3), sigmoid(narrow(t, 1, 3, 3)))],
    ['layerNorm', (t) => layerNorm(t, [6], w, b), (t) => layerNormReference(t, [6], w, b)],
  ];
  for (const [name, fast, reference] of pairs) {
    const yf = fast(x);
    const yr = reference(x);
    allClose(yf, yr, { atol: 1e-14 }, `${name} value`);
    const up = name === 'glu' ? g.narrow(1, 0, 3) : g;
    const [gf] = grad(yf, [x], up);
    const [gr] = grad(yr, [x], up);
    allClose(gf!, gr!, { atol: 1e-13 }, `${name} gradient`);
  }
});

fused.run();
