import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gather, indexSelect, indexAdd, scatterAdd, embedding, tensor, ShapeError } from '../../src/index.js';
import { checkGradGrad, rnd } from '../helpers/check.js';

const indexing = suite('indexing ops');

indexing('indexSelect picks rows (repeats allowed) along any dim', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(indexSelect(x, 0, [1, 1, 0]).toArray(), [[4, 5, 6], [4, 5, 6], [1, 2, 3]]);
  assert.equal(indexSelect(x, 1, new Int32Array([2, 0])).toArray(), [[3, 1], [6, 4]]);
  assert.equal(indexSelect(x, -1, tensor([1])).toArray(), [[2], [5]]);
  checkGradGrad((t) => indexSelect(t, 1, [0, 2, 2, 1]), [rnd([2, 3, 2], 61)]);
});

indexing('gather follows torch.gather', () => {
  const x = tensor([[1, 2], [3, 4]]);
  assert.equal(gather(x, 1, [[0, 0], [1, 0]]).toArray(), [[1, 1], [4, 3]]);
  assert.equal(gather(x, 0, [[1, 0]]).toArray(), [[3, 2]]);
  const idx = tensor([[[2], [0]], [[1], [1]]]);
  checkGradGrad((t) => gather(t, 2, idx), [rnd([2, 2, 3], 62)]);
});

indexing('embedding looks up rows and honours paddingIdx in the gradient', () => {
  const w = rnd([4, 3], 63);
  const out = embedding([[1, 3], [1, 0]], w);
  assert.equal(out.shape, [2, 2, 3]);
  assert.equal(Array.from(out.data.subarray(0, 3)), Array.from(w.data.subarray(3, 6)));
  checkGradGrad((t) => embedding([2, 2, 0], t), [w]);
  const w2 = rnd([4, 3], 64);
  embedding([1, 0, 0], w2, 0).sum().backward();
  assert.equal(Array.from(w2.grad!.data), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
});

indexing('indexAdd and scatterAdd: gradcheck and gradgradcheck (repeats accumulate; size 0)', () => {
  checkGradGrad((s) => indexAdd([3, 2], 0, [2, 0, 2], s), [rnd([3, 2], 69)], {}, 'indexAdd');
  checkGradGrad((s) => indexAdd([3, 0], 0, [1], s), [rnd([1, 0], 70)], {}, 'indexAdd size 0');
  const idx = [[0, 2, 2], [1, 1, 0]];
  checkGradGrad((s) => scatterAdd([2, 3], 1, idx, s), [rnd([2, 3], 71)], {}, 'scatterAdd');
  assert.equal(scatterAdd([2, 3], 1, tensor(new Float64Array(0), { shape: [2, 0] }), rnd([2, 0], 72)).shape, [2, 3]);
  checkGradGrad((s) => scatterAdd([2, 3], 1, tensor(new Float64Array(0), { shape: [2, 0] }), s), [rnd([2, 0], 72)], {}, 'scatterAdd size 0');
});

indexing('size 0: empty indices and empty inputs give empty outputs of the right shape', () => {
  const x = rnd([2, 3], 65);
  const sel = indexSelect(x, 1, []);
  assert.equal(sel.shape, [2, 0]);
  checkGradGrad((t) => indexSelect(t, 1, []), [x], {}, 'indexSelect with an empty index');
  assert.equal(indexSelect(rnd([0, 3], 66), 1, [2, 0]).shape, [0, 2]);
  checkGradGrad((t) => indexSelect(t, 1, [2, 0]), [rnd([0, 3], 66)], {}, 'indexSelect of a [0,3] input');
  const g = gather(x, 1, tensor(new Float64Array(0), { shape: [2, 0] }));
  assert.equal(g.shape, [2, 0]);
  checkGradGrad((t) => gather(t, 1, tensor(new Float64Array(0), { shape: [2, 0] })), [x], {}, 'gather with a [2,0] index');
  checkGradGrad((t) => gather(t, 0, tensor(new Float64Array(0), { shape: [0, 3] })), [rnd([0, 3], 67)], {}, 'gather from a [0,3] input');
  const w = rnd([4, 3], 68);
  assert.equal(embedding([], w).shape, [0, 3]);
  assert.equal(embedding([[]], w).shape, [1, 0, 3]);
  checkGradGrad((t) => embedding([], t), [w], {}, 'embedding of no ids');
});

indexing('bad indices: out of range, fractional, wrong rank', () => {
  const x = tensor([[1, 2], [3, 4]]);
  assert.throws(() => indexSelect(x, 0, [2]), (e: Error) => e instanceof RangeError && /indexSelect: index 2 at position 0 is out of range for a dimension of size 2/.test(e.message));
  assert.throws(() => indexSelect(x, 0, [0.5]), /index 0.5/);
  assert.throws(() => indexSelect(x, 0, [-1]), /out of range/);
  assert.throws(() => gather(x, 1, [0, 1]), (e: Error) => e instanceof ShapeError && /index shape \[2\] does not fit input \[2,2\]/.test(e.message));
  assert.throws(() => embedding([5], rnd([4, 3], 1)), /embedding: index 5/);
  assert.throws(() => embedding([1], rnd([4], 1)), /weight must be \[numEmbeddings, embeddingDim\]/);
  assert.throws(() => indexSelect(tensor(5), 0, [3]), (e: Error) => e instanceof ShapeError && /indexSelect: the indexed tensor is 0-d/.test(e.message));
  assert.throws(() => gather(tensor(5), 0, tensor(3)), /gather: the indexed tensor is 0-d/);
});

indexing('indexAdd and scatterAdd (exported) validate indices and shapes before any work', () => {
  const src = tensor([[1, 2], [3, 4]]);
  // valid calls: the adjoints of indexSelect and gather
  assert.equal(indexAdd([3, 2], 0, [2, 2], src).toArray(), [[0, 0], [0, 0], [4, 6]]);
  assert.equal(scatterAdd([2, 3], 1, [[0, 0], [2, 1]], src).toArray(), [[3, 0, 0], [0, 4, 3]]);
  assert.throws(() => indexAdd([3, 2], 0, [3, 0], src), (e: Error) => e instanceof RangeError && /indexAdd: index 3 at position 0 is out of range for a dimension of size 3/.test(e.message));
  assert.throws(() => indexAdd([3, 2], 0, [0, 1, 2], src), (e: Error) => e instanceof ShapeError && /indexAdd: src has shape \[2,2\], expected \[3,2\]/.test(e.message));
  assert.throws(() => indexAdd([3, 2], 0, [[0], [1]], src), /indexAdd: index must be 1-D, got shape \[2,1\]/);
  assert.throws(() => indexAdd([3, 2], 2, [0, 1], src), /indexAdd: dim 2 is out of range/);
  assert.throws(() => indexAdd([3, -2], 0, [0, 1], src), /indexAdd: sizes must be non-negative integers/);
  assert.throws(() => scatterAdd([2, 3], 1, [[0, 3], [2, 1]], src), /scatterAdd: index 3 at position 1 is out of range for a dimension of size 3/);
  assert.throws(() => scatterAdd([2, 3], 1, [0, 1], src), (e: Error) => e instanceof ShapeError && /scatterAdd: index shape \[2\] does not fit target shape \[2,3\]/.test(e.message));
  assert.throws(() => scatterAdd([2, 3], 1, [[0], [1]], src), /scatterAdd: src has shape \[2,2\] but the index has shape \[2,1\]/);
  assert.throws(() => scatterAdd([2, 3], 1, { values: new Int32Array([0, 1, 2]), shape: [2, 2] }, src), /scatterAdd: index shape \[2,2\] holds 4 values, but 3 were given/);
  assert.throws(() => indexAdd([3, 2], 0, [0, 1], [[1, 2], [3, 4]] as never), /indexAdd: src must be a Tensor/);
});

indexing.run();
