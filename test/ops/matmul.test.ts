import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { matmul, mm, tensor, ShapeError, DTypeError } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGradGrad, rnd } from '../helpers/check.js';
import { naiveMatmul } from '../helpers/naive.js';

const mat = suite('matmul');

mat('2-D product matches the triple loop, float32 and float64', () => {
  for (const [m, k, n] of [[1, 1, 1], [3, 4, 5], [7, 13, 5], [16, 16, 16], [2, 0, 3]]) {
    const a = rnd([m, k], 31);
    const b = rnd([k, n], 32);
    const ref = naiveMatmul(a.data, b.data, m, k, n);
    allClose(matmul(a, b), ref, { atol: 1e-14 }, `${m}x${k}x${n}`);
    allClose(matmul(a.to('float32'), b.to('float32')), ref, { atol: 1e-5, rtol: 1e-5 }, `${m}x${k}x${n} float32`);
  }
});

mat('torch.matmul semantics: 1-D operands and broadcast batch dims', () => {
  const v = tensor([1, 2, 3], { dtype: 'float64' });
  const w = tensor([4, 5, 6], { dtype: 'float64' });
  assert.equal(matmul(v, w).shape, []);
  assert.is(matmul(v, w).item(), 32);
  const a = rnd([2, 3], 33);
  assert.equal(matmul(v.reshape([1, 3]), a.transpose(0, 1)).shape, [1, 2]);
  assert.equal(matmul(a, v).shape, [2]);
  allClose(matmul(a, v), naiveMatmul(a.data, v.data, 2, 3, 1));
  assert.equal(matmul(v, rnd([4, 3, 5], 34)).shape, [4, 5]);
  // batch broadcasting: [2,1,3,4] @ [5,4,2] -> [2,5,3,2]
  const x = rnd([2, 1, 3, 4], 35);
  const y = rnd([5, 4, 2], 36);
  const z = matmul(x, y);
  assert.equal(z.shape, [2, 5, 3, 2]);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 5; j++) {
    const ref = naiveMatmul(x.data.subarray(i * 12, i * 12 + 12), y.data.subarray(j * 8, j * 8 + 8), 3, 4, 2);
    allClose(z.data.subarray((i * 5 + j) * 6, (i * 5 + j) * 6 + 6), ref, { atol: 1e-14 }, `batch ${i},${j}`);
  }
});

mat('gradcheck and gradgradcheck: 2-D, 1-D, batched, broadcast batch', () => {
  const shapes: [number[], number[]][] = [[[3, 4], [4, 2]], [[4], [4]], [[4], [4, 3]], [[2, 4], [4]], [[2, 3, 4], [4, 5]], [[2, 1, 3, 4], [3, 4, 2]], [[1, 3], [3, 1]], [[0, 3], [3, 2]]];
  for (const [sa, sb] of shapes) checkGradGrad(matmul, [rnd(sa, 37), rnd(sb, 38)], {}, JSON.stringify([sa, sb]));
});

mat('mm with transposed operands equals matmul of transposes, and its VJP', () => {
  const a = rnd([2, 4, 3], 39); // stored transposed: op(a) is [2, 3, 4]
  const b = rnd([5, 4], 40); // op(b) is [4, 5]
  allClose(mm(a, b, true, true), matmul(a.transpose(-1, -2), b.transpose(0, 1)), { atol: 1e-14 });
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const x = ta ? rnd([2, 4, 3], 41) : rnd([2, 3, 4], 41);
    const y = tb ? rnd([5, 4], 42) : rnd([4, 5], 42);
    checkGradGrad((p, q) => mm(p, q, ta, tb), [x, y], {}, `transA ${ta} transB ${tb}`);
  }
});

mat('bad input: inner dims, scalars, dtypes, batch shapes', () => {
  assert.throws(() => matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[1, 2], [3, 4], [5, 6], [7, 8]])), (e: Error) => e instanceof ShapeError && e.message === 'matmul: inner dimensions differ: a is [2,3], b is [4,2]');
  assert.throws(() => matmul(tensor(1), tensor([1])), /at least one dimension/);
  assert.throws(() => matmul(tensor([[1]]), tensor([[1]], { dtype: 'float64' })), (e: Error) => e instanceof DTypeError);
  assert.throws(() => matmul(rnd([2, 2, 2], 1), rnd([3, 2, 2], 2)), /matmul: shapes \[2\] and \[3\] cannot be broadcast/);
});

mat.run();
