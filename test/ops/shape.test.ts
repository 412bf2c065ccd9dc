import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  reshape, flatten, squeeze, unsqueeze, permute, transpose, movedim, expand, slice, narrow, flip, concat, stack, split, pad,
  clone, embedSlice, arange, tensor, ShapeError, DTypeError, type Tensor,
} from '../../src/index.js';
import { checkGradGrad, rnd } from '../helpers/check.js';

const shape = suite('shape ops');

const a24 = (): Tensor => arange(24, undefined, 1, { dtype: 'float64' }).reshape([2, 3, 4]);

shape('reshape with -1, flatten, squeeze, unsqueeze', () => {
  const x = a24();
  assert.equal(reshape(x, [4, -1]).shape, [4, 6]);
  assert.equal(x.reshape(6, 4).shape, [6, 4]);
  assert.equal(flatten(x).shape, [24]);
  assert.equal(flatten(x, 1).shape, [2, 12]);
  assert.equal(flatten(x, 0, 1).shape, [6, 4]);
  assert.equal(squeeze(rnd([1, 3, 1], 1)).shape, [3]);
  assert.equal(squeeze(rnd([1, 3, 1], 1), -1).shape, [1, 3]);
  assert.equal(squeeze(rnd([2, 3], 1), 0).shape, [2, 3], 'squeezing a non-1 dim is a no-op, as PyTorch');
  assert.equal(unsqueeze(x, -1).shape, [2, 3, 4, 1]);
  assert.equal(unsqueeze(x, 0).shape, [1, 2, 3, 4]);
  assert.equal(Array.from(reshape(x, [24]).data), Array.from({ length: 24 }, (_, i) => i));
});

shape('permute, transpose and movedim move elements as index arithmetic says', () => {
  const x = a24();
  const p = permute(x, [2, 0, 1]);
  assert.equal(p.shape, [4, 2, 3]);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) {
    assert.is(p.data[(i * 2 + j) * 3 + k], x.data[(j * 3 + k) * 4 + i]);
  }
  assert.equal(transpose(x, 0, 2).shape, [4, 3, 2]);
  assert.equal(transpose(x, 0, 2).data[1], 12);
  assert.equal(movedim(x, 1, -1).shape, [2, 4, 3]);
});

shape('expand broadcasts size-1 and new leading axes', () => {
  const x = tensor([[1], [2]]);
  assert.equal(expand(x, [3, 2, 4]).shape, [3, 2, 4]);
  assert.equal(expand(x, [-1, 3]).toArray(), [[1, 1, 1], [2, 2, 2]]);
});

shape('slice (Python rules), narrow and flip', () => {
  const x = arange(10, undefined, 1, { dtype: 'float64' });
  assert.equal(slice(x, 0, 2, 8, 3).toArray(), [2, 5]);
  assert.equal(slice(x, 0, -3).toArray(), [7, 8, 9]);
  assert.equal(slice(x, 0, 8, 100).toArray(), [8, 9]);
  assert.equal(slice(x, 0, 5, 2).toArray(), []);
  assert.equal(narrow(x, 0, 3, 2).toArray(), [3, 4]);
  assert.equal(flip(x.reshape(2, 5), 1).toArray(), [[4, 3, 2, 1, 0], [9, 8, 7, 6, 5]]);
  assert.equal(flip(x.reshape(2, 5), [0, 1]).toArray(), [[9, 8, 7, 6, 5], [4, 3, 2, 1, 0]]);
});

shape('concat, stack, split and pad', () => {
  const a = tensor([[1, 2]]);
  const b = tensor([[3, 4], [5, 6]]);
  assert.equal(concat([a, b]).toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(concat([b, b], 1).toArray(), [[3, 4, 3, 4], [5, 6, 5, 6]]);
  assert.equal(stack([a, a], 1).shape, [1, 2, 2]);
  assert.equal(split(arange(5), 2).map((t) => t.toArray()), [[0, 1], [2, 3], [4]]);
  assert.equal(split(arange(5), [1, 4]).map((t) => t.shape[0]), [1, 4]);
  assert.equal(pad(tensor([[1, 2]]), [1, 2]).toArray(), [[0, 1, 2, 0, 0]]);
  assert.equal(pad(tensor([[1, 2]]), [0, 1, 1, 0], 9).toArray(), [[9, 9, 9], [1, 2, 9]]);
});

shape('gradcheck and gradgradcheck of every movement op (incl. size-1 and size-0 dims)', () => {
  const x = rnd([2, 3, 4], 51);
  const cases: [string, (t: Tensor) => Tensor | Tensor[]][] = [
    ['reshape', (t) => reshape(t, [4, -1])], ['flatten', (t) => flatten(t, 1)], ['unsqueeze', (t) => unsqueeze(t, 1)],
    ['permute', (t) => permute(t, [2, 0, 1])], ['transpose', (t) => transpose(t, -1, 0)], ['expand', (t) => expand(unsqueeze(t, 0), [2, 2, 3, 4])],
    ['slice', (t) => slice(t, 2, 1, 4, 2)], ['narrow', (t) => narrow(t, 1, 1, 2)], ['flip', (t) => flip(t, [0, 2])],
    ['split', (t) => split(t, [1, 3], 2)], ['pad', (t) => pad(t, [1, 2, 0, 1], 3)], ['clone', clone],
    ['concat', (t) => concat([t, slice(t, 0, 1)], 0)], ['stack', (t) => stack([t, t], 3)],
  ];
  for (const [name, fn] of cases) checkGradGrad(fn, [x], {}, name);
  assert.equal(expand(rnd([1, 0, 2], 52), [3, 0, 2]).shape, [3, 0, 2]);
  checkGradGrad((t) => expand(t, [3, 0, 2]), [rnd([1, 0, 2], 52)], {}, 'expand with a size-0 dim');
  checkGradGrad((t) => permute(t, [1, 0]), [rnd([1, 5], 53)], {}, 'permute with a size-1 dim');
  checkGradGrad((t) => movedim(t, 0, -1), [x], {}, 'movedim');
  checkGradGrad((t) => movedim(t, 1, 0), [rnd([2, 0, 3], 59)], {}, 'movedim with a size-0 dim');
  // embedSlice, slice's adjoint: a [2, 2, 4] placed at positions 0 and 2 of dim 1 of zeros [2, 4, 4]
  assert.equal(embedSlice(rnd([2, 2, 4], 60), [2, 4, 4], 1, 0, 2).shape, [2, 4, 4]);
  checkGradGrad((t) => embedSlice(t, [2, 4, 4], 1, 0, 2), [rnd([2, 2, 4], 60)], {}, 'embedSlice step 2');
  checkGradGrad((t) => embedSlice(t, [0, 3], 1, 1, 1), [rnd([0, 2], 61)], {}, 'embedSlice with a size-0 dim');
  checkGradGrad((p, q) => concat([p, q], 1), [rnd([2, 1], 54), rnd([2, 3], 55)], {}, 'concat two inputs');
  const ones = rnd([2, 1, 3, 1], 57);
  for (const dim of [undefined, 1, -1, [1, 3]]) {
    checkGradGrad((t) => squeeze(t, dim), [ones], {}, `squeeze ${JSON.stringify(dim)}`);
  }
  assert.equal(squeeze(rnd([1, 0, 1], 58)).shape, [0]);
  checkGradGrad((t) => squeeze(t), [rnd([1, 0, 1], 58)], {}, 'squeeze with a size-0 dim');
});

shape('to(dtype) converts and routes the gradient back', () => {
  const x = rnd([3], 56);
  const y = x.to('float32');
  assert.is(y.dtype, 'float32');
  assert.is(x.to('float64'), x, 'no-op conversion returns the tensor itself');
  y.sum().backward();
  assert.is(x.grad!.dtype, 'float64');
  assert.equal(Array.from(x.grad!.data), [1, 1, 1]);
});

shape('bad input: reshape size mismatch, bad permutation, bad expand, mismatched concat, negative pad', () => {
  const x = a24();
  assert.throws(() => reshape(x, [5, 5]), (e: Error) => e instanceof ShapeError && e.message === 'reshape: cannot reshape [2,3,4] (24 elements) into [5,5] (25 elements)');
  assert.throws(() => reshape(x, [-1, -1]), /only one dimension can be -1/);
  assert.throws(() => reshape(x, [5, -1]), /cannot reshape \[2,3,4\]/);
  assert.throws(() => reshape(x, [2.5, 2]), /non-negative integers/);
  assert.throws(() => permute(x, [0, 0, 1]), /not a permutation/);
  assert.throws(() => permute(x, [0, 1]), /got 2 dims/);
  assert.throws(() => expand(x, [2, 5, 4]), /cannot expand \[2,3,4\] to \[2,5,4\]/);
  assert.throws(() => concat([tensor([[1, 2]]), tensor([[1, 2, 3]])]), /concat: tensor 1 has shape \[1,3\] but tensor 0 has \[1,2\]/);
  assert.throws(() => concat([tensor([1]), tensor([1], { dtype: 'float64' })]), (e: Error) => e instanceof DTypeError);
  assert.throws(() => concat([tensor(1), tensor(2)]), (e: Error) => e instanceof ShapeError && /concat: tensor 0 is 0-d \(shape \[\]\)/.test(e.message));
  assert.throws(() => concat([tensor([1]), tensor(2)]), /concat: tensor 1 is 0-d/);
  assert.equal(stack([tensor(1), tensor(2)]).toArray(), [1, 2], 'stack joins 0-d tensors along a new axis');
  assert.throws(() => pad(x, [-1, 0]), /non-negative/);
  assert.throws(() => narrow(x, 2, 3, 2), /narrow: start 3 and length 2 do not fit dim 2 of size 4/);
  assert.throws(() => slice(x, 3), /slice: dim 3 is out of range/);
  assert.throws(() => split(x, [1, 2], 0), /summing to dim 0 of size 2/);
  assert.throws(() => transpose(x, 0, 5), /transpose: dim 5 is out of range/);
  assert.throws(() => flip(x, [0, 0]), (e: Error) => e instanceof RangeError && /flip: dim 0 appears more than once in \[0,0\] for a tensor of shape \[2,3,4\]/.test(e.message));
  assert.throws(() => flip(x, [2, -1]), /flip: dim 2 appears more than once in \[2,-1\]/);
});

shape.run();
