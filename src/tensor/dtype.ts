// Data types. A tensor stores its values in one contiguous typed array: Float32Array for
// 'float32' (the default) or Float64Array for 'float64' (used by gradient checks).

export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

export const DEFAULT_DTYPE: DType = 'float32';

/** Allocate zero-filled storage of the given dtype. */
export function allocate(dtype: DType, size: number): Storage {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype that a storage array holds. */
export function dtypeOf(storage: Storage): DType {
  return storage instanceof Float64Array ? 'float64' : 'float32';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}
