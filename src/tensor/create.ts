// Creation functions: from user data, constant fills, ranges, and seeded random draws.

import { type DType, type Storage, DEFAULT_DTYPE, allocate, describe, dtypeOf, isDType } from './dtype.js';
import { DTypeError, ShapeError, fmt } from './errors.js';
import { type Generator, defaultGenerator } from './random.js';
import { checkShape, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function finish(data: Storage, shape: readonly number[], opts: CreateOptions): Tensor {
  const t = new Tensor(data, shape);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function dtypeFrom(op: string, opts: CreateOptions): DType {
  const dtype = opts.dtype ?? DEFAULT_DTYPE;
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype '${String(dtype)}' (expected 'float32' or 'float64')`);
  return dtype;
}

/**
 * A tensor from a number, nested arrays, or a typed array (copied; a flat typed array takes its
 * shape from `opts.shape`, 1-D if absent). Nested arrays must be rectangular.
 * @example tensor([[1, 2], [3, 4]])            // shape [2, 2], float32
 * @example tensor(new Float64Array(6), { shape: [2, 3] })
 */
export function tensor(
  data: NestedArray | Float32Array | Float64Array,
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const shape = opts.shape ?? [data.length];
    checkShape('tensor', shape);
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`tensor: ${data.length} values cannot take shape ${fmt(shape)} (${sizeOf(shape)} elements)`);
    }
    const dtype = opts.dtype ?? dtypeOf(data);
    const storage = allocate(dtypeFrom('tensor', { dtype }), data.length);
    storage.set(data);
    return finish(storage, shape, opts);
  }
  const shape = inferShape(data);
  if (opts.shape !== undefined && fmt(opts.shape) !== fmt(shape)) {
    throw new ShapeError(`tensor: nested data has shape ${fmt(shape)} but opts.shape is ${fmt(opts.shape)}`);
  }
  const storage = allocate(dtypeFrom('tensor', opts), sizeOf(shape));
  let i = 0;
  const fill = (x: NestedArray): void => {
    if (typeof x === 'number') storage[i++] = x;
    else for (const y of x) fill(y);
  };
  fill(data);
  return finish(storage, shape, opts);
}

function inferShape(data: NestedArray): number[] {
  if (typeof data === 'number') return [];
  if (!Array.isArray(data)) {
    throw new TypeError(`tensor: expected a number, nested arrays of numbers, a Float32Array or a Float64Array, got ${describe(data)}${ArrayBuffer.isView(data) ? '; convert it first, e.g. Float32Array.from(values)' : ''}`);
  }
  const shape = [data.length];
  if (data.length > 0 && Array.isArray(data[0])) shape.push(...inferShape(data[0]));
  const check = (x: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof x !== 'number') throw new ShapeError(`tensor: ragged nested array at ${path}: expected a number`);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      throw new ShapeError(`tensor: ragged nested array at ${path}: expected length ${shape[depth]}, got ${Array.isArray(x) ? x.length : typeof x}`);
    }
    x.forEach((y, i) => check(y, depth + 1, `${path}[${i}]`));
  };
  check(data, 0, 'data');
  return shape;
}

function filled(op: string, shape: readonly number[], value: number, opts: CreateOptions): Tensor {
  checkShape(op, shape);
  const storage = allocate(dtypeFrom(op, opts), sizeOf(shape));
  if (value !== 0) storage.fill(value);
  return finish(storage, shape, opts);
}

/** A tensor of the given shape filled with `value`. */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, opts);
}

export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, opts);
}

export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...opts });
}

export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...opts });
}

export function fullLike(t: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...opts });
}

/**
 * Values `start, start + step, …` below `end`, as torch.arange: `arange(5)` is 0..4.
 * The count is ceil((end - start) / step).
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step)) {
    throw new RangeError(`arange: start, end and step must be finite, got ${start}, ${end}, ${step}`);
  }
  if (step === 0) throw new RangeError('arange: step must be non-zero');
  if ((end - start) * step < 0) {
    throw new RangeError(`arange: step ${step} moves away from end (start ${start}, end ${end})`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const storage = allocate(dtypeFrom('arange', opts), n);
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  return finish(storage, [n], opts);
}

/** `steps` evenly spaced values from start to end inclusive, as torch.linspace. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  // (end − start)/(steps − 1) with a NaN or ±∞ endpoint fills the tensor with NaN
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError(`linspace: start and end must be finite numbers, got ${start} and ${end}`);
  const storage = allocate(dtypeFrom('linspace', opts), steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends (as PyTorch does) so that the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) storage[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(storage, [steps], opts);
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape('eye', [n, m]);
  const storage = allocate(dtypeFrom('eye', opts), n * m);
  for (let i = 0; i < Math.min(n, m); i++) storage[i * m + i] = 1;
  return finish(storage, [n, m], opts);
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape('rand', shape);
  const dtype = dtypeFrom('rand', opts);
  const g = opts.generator ?? defaultGenerator;
  const storage = allocate(dtype, sizeOf(shape));
  if (dtype === 'float64') for (let i = 0; i < storage.length; i++) storage[i] = g.random();
  else for (let i = 0; i < storage.length; i++) storage[i] = g.random24();
  return finish(storage, shape, opts);
}

/** Standard normal samples (Box-Muller, drawn in pairs). */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape('randn', shape);
  const g = opts.generator ?? defaultGenerator;
  const storage = allocate(dtypeFrom('randn', opts), sizeOf(shape));
  for (let i = 0; i < storage.length; i += 2) {
    const [z0, z1] = g.normalPair();
    storage[i] = z0;
    if (i + 1 < storage.length) storage[i + 1] = z1;
  }
  return finish(storage, shape, opts);
}

/** Uniform integers in [low, high), stored as floats (this library has no integer dtype). */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape('randint', shape);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: need integers low < high, got low=${low}, high=${high}`);
  }
  const g = opts.generator ?? defaultGenerator;
  const storage = allocate(dtypeFrom('randint', opts), sizeOf(shape));
  for (let i = 0; i < storage.length; i++) storage[i] = g.randint(low, high);
  return finish(storage, shape, opts);
}

/** Random values with the shape and dtype of `t`. */
export function randnLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  return randn(t.shape, { dtype: t.dtype, ...opts });
}

export function randLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  return rand(t.shape, { dtype: t.dtype, ...opts });
}
