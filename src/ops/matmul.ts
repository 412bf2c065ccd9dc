// Matrix products with torch.matmul semantics: 1-D operands are promoted to a row (left) or a
// column (right) and the extra axis removed afterwards; leading "batch" axes broadcast.
//
// The primitive is `mm(a, b, transA, transB)`, C = op(A)·op(B) with op a transpose when the flag
// is set, computed by the backend's kernel without materialising any transpose. Its VJP is four
// more calls of itself. From dC = G and C = op(A)·op(B):
//   dop(A) = G·op(B)ᵀ      so   dA = G·op(B)ᵀ           (transA false)
//                              dA = (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ  (transA true: A is stored transposed)
//   dop(B) = op(A)ᵀ·G      so   dB = op(A)ᵀ·G           (transB false)
//                              dB = Gᵀ·op(A)            (transB true)
// Broadcast batch axes are summed back with sumTo, like any broadcast operand.

import { getBackend } from '../backend/index.js';
import { record } from '../autograd/graph.js';
import { noGrad } from '../autograd/grad-mode.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { broadcastShapes, sameShape, sizeOf } from '../tensor/shape.js';
import { type Tensor, checkSameDType } from '../tensor/tensor.js';
import { sumTo } from './reduce.js';
import { expand, reshape } from './shape.js';
import { empty } from './util.js';

/** torch.matmul: dot products, matrix-vector, matrix-matrix and batched (broadcast) products. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkSameDType('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both operands need at least one dimension, got a ${fmt(a.shape)} and b ${fmt(b.shape)}`);
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  if (a2.shape[a2.ndim - 1] !== b2.shape[b2.ndim - 2]) {
    throw new ShapeError(`matmul: inner dimensions differ: a is ${fmt(a.shape)}, b is ${fmt(b.shape)}`);
  }
  const c = mm(a2, b2, false, false);
  if (a.ndim === 1 && b.ndim === 1) return reshape(c, []);
  if (a.ndim === 1) return reshape(c, [...c.shape.slice(0, -2), c.shape[c.ndim - 1]]);
  if (b.ndim === 1) return reshape(c, c.shape.slice(0, -1));
  return c;
}

/**
 * C = op(A)·op(B) over broadcast batch axes; A and B have rank ≥ 2, and op transposes the last
 * two axes when its flag is set.
 */
export function mm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  checkSameDType('matmul', a, b);
  if (a.ndim < 2 || b.ndim < 2) throw new ShapeError(`matmul: mm needs rank ≥ 2 operands, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const [kb, n] = transB ? [bc, br] : [br, bc];
  if (k !== kb) {
    throw new ShapeError(`matmul: inner dimensions differ: a is ${fmt(a.shape)}${transA ? 'ᵀ' : ''}, b is ${fmt(b.shape)}${transB ? 'ᵀ' : ''}`);
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = sizeOf(batchShape);
  // An operand whose batch axes are all broadcast is passed once with batch stride 0; a partly
  // broadcast one is expanded to the full batch first.
  const operand = (x: Tensor): { data: Tensor; stride: number } => {
    const own = x.shape.slice(0, -2);
    const padded = [...new Array<number>(batchShape.length - own.length).fill(1), ...own];
    const matrix = x.shape[x.ndim - 2] * x.shape[x.ndim - 1];
    if (sameShape(padded, batchShape)) return { data: x, stride: matrix };
    if (sizeOf(own) === 1) return { data: x, stride: 0 };
    return { data: noGrad(() => expand(x, [...batchShape, ...x.shape.slice(-2)])), stride: matrix };
  };
  const A = operand(a);
  const B = operand(b);
  const out = empty([...batchShape, m, n], a.dtype);
  getBackend().matmul({
    a: A.data.data, b: B.data.data, out: out.data, batch, m, k, n,
    transA, transB, aStride: A.stride, bStride: B.stride,
  });
  return record(out, 'matmul', [a, b], (g, needs) => [
    needs[0] ? sumTo(transA ? mm(b, g, transB, true) : mm(g, b, false, !transB), a.shape) : null,
    needs[1] ? sumTo(transB ? mm(g, a, true, transA) : mm(a, g, !transA, false), b.shape) : null,
  ]);
}
