// Data types. A tensor stores its values in one contiguous typed array: Float32Array for
// 'float32' (the default) or Float64Array for 'float64' (used by gradient checks).

export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

export const DEFAULT_DTYPE: DType = 'float32';

/** Allocate zero-filled storage of the given dtype. */
export function allocate(dtype: DType, size: number): Storage {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype that a storage array holds; anything but Float32Array/Float64Array is a TypeError. */
export function dtypeOf(storage: Storage, op = 'Tensor'): DType {
  if (storage instanceof Float64Array) return 'float64';
  if (storage instanceof Float32Array) return 'float32';
  // An Int32Array (or a plain array) would otherwise be labelled float32 while holding integers.
  throw new TypeError(`${op}: storage must be a Float32Array or a Float64Array, got ${describe(storage)}; convert it first, e.g. Float32Array.from(values)`);
}

/** A value's kind for error messages: its class name for objects (Int32Array, Array), else its type. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as { constructor?: { name?: string } }).constructor?.name ?? 'object';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}
