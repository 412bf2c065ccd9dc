// Small helpers shared by the op files: allocating results and lifting numbers to tensors.

import { type DType, type Storage, allocate, describe } from '../tensor/dtype.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A zero-filled tensor to write a result into. */
export function empty(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

/** Wrap storage that an op has just filled. */
export function wrap(data: Storage, shape: Shape): Tensor {
  return new Tensor(data, shape);
}

/** A number becomes a 0-d tensor of `like`'s dtype (never requiring grad). */
export function lift(op: string, x: Tensor | number, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new TypeError(`${op}: each operand must be a Tensor or a number, got ${describe(x)}`);
  const data = allocate(like.dtype, 1);
  data[0] = x;
  return new Tensor(data, []);
}

/** The tensor among two operands that fixes the dtype (the first one that is a tensor). */
export function pickTensor(op: string, a: Tensor | number, b: Tensor | number): Tensor {
  if (a instanceof Tensor) return a;
  if (b instanceof Tensor) return b;
  throw new TypeError(`${op}: at least one operand must be a Tensor, got ${describe(a)} and ${describe(b)}`);
}
