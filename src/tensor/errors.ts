// Error types. Every message names the op, the offending shapes or values, and what was
// expected, e.g. `matmul: inner dimensions differ: a is [2,3], b is [4,5]`. Ops check their
// arguments before they allocate or mutate anything.

/** Shapes that do not fit the op: mismatch, broadcast failure, wrong rank. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Mixed or unsupported dtypes. Convert explicitly with `.to('float64')`. */
export class DTypeError extends Error {
  override name = 'DTypeError';
}

/** A misuse of autograd: backward through a freed graph, a non-scalar without a gradient. */
export class AutogradError extends Error {
  override name = 'AutogradError';
}

/** Format a shape the way messages print it: `[2,3]`. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
