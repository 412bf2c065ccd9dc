// The state-dict rules that Module applies, kept apart from its discovery of state: buffer
// options and the values an integer or bool buffer may hold, the safetensors dtypes those
// buffers are saved in, and the checks of loadStateDict (see src/nn/module.ts).
//
// Integer and bool buffers. The library's storage is float only, but PyTorch keeps some buffers
// as int64 (BatchNorm's num_batches_tracked) or bool (SGConv's kernel_norm_initialized). A buffer
// registered with { integer: true } or { bool: true } is saved as I64 or BOOL, and loads from a
// tensor of any float dtype (a PyTorch file's I64 or BOOL reads as float64) whose values fit:
// integers (0 or 1 for bool) that the buffer's own dtype holds exactly.

import { type SafetensorsEntry } from '../io/save.js';
import { type DType } from '../tensor/dtype.js';
import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** What a buffer holds: any float, integers (PyTorch int64), or 0/1 flags (PyTorch bool). */
export type BufferKind = 'float' | 'integer' | 'bool';

/** The options of `registerBuffer` (a plain boolean third argument is `persistent`). */
export interface BufferOptions {
  /** In the state dict (default true). */
  persistent?: boolean;
  /** Holds integers, stored by PyTorch as int64 (e.g. num_batches_tracked). */
  integer?: boolean;
  /** Holds 0 or 1, stored by PyTorch as bool (e.g. SGConv's kernel_norm_initialized). */
  bool?: boolean;
}

/** One state-dict entry with what its values may be (parameters are always 'float'). */
export type StateEntry = [name: string, tensor: Tensor, kind: BufferKind];

const BUFFER_OPTIONS = ['persistent', 'integer', 'bool'];

const describe = (kind: BufferKind): string => (kind === 'bool' ? 'a bool flag' : 'an integer buffer');

/** registerBuffer's third argument, checked, with the buffer's values checked against the kind. */
export function bufferOptions(who: string, name: string, tensor: Tensor, options: boolean | BufferOptions): { persistent: boolean; kind: BufferKind } {
  const opts: BufferOptions = typeof options === 'boolean' ? { persistent: options } : options;
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${who}: '${name}': options must be a boolean (persistent) or { persistent, integer, bool }, got ${String(opts)}`);
  for (const [key, value] of Object.entries(opts)) {
    if (!BUFFER_OPTIONS.includes(key)) throw new RangeError(`${who}: '${name}': unknown option '${key}' (expected persistent, integer or bool)`);
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${who}: '${name}': option ${key} must be a boolean, got ${String(value)}`);
  }
  if (opts.integer === true && opts.bool === true) throw new RangeError(`${who}: '${name}' cannot be both integer and bool`);
  const kind: BufferKind = opts.integer === true ? 'integer' : opts.bool === true ? 'bool' : 'float';
  const bad = firstUnfit(tensor, kind, tensor.dtype);
  if (bad !== null) throw new RangeError(`${who}: '${name}' is registered as ${describe(kind)}, but ${bad}`);
  return { persistent: opts.persistent ?? true, kind };
}

/** Copies of the entries, integer buffers as I64 and bool buffers as BOOL, the rest as they are. */
export function toSafetensorsEntries(entries: StateEntry[]): Record<string, SafetensorsEntry> {
  const out: Record<string, SafetensorsEntry> = {};
  for (const [name, t, kind] of entries) {
    const copy = new Tensor(t.data.slice(), t.shape);
    out[name] = kind === 'integer' ? { tensor: copy, dtype: 'I64' } : kind === 'bool' ? { tensor: copy, dtype: 'BOOL' } : copy;
  }
  return out;
}

/**
 * Check `dict` against the module's entries and return the (target, source) pairs to copy, or
 * throw with every problem at once: missing and unexpected keys (with `strict`; an Error),
 * shape mismatches (ShapeError), dtype mismatches and unfit integer/bool values (DTypeError).
 */
export function checkLoad(who: string, entries: StateEntry[], dict: Record<string, Tensor>, strict: boolean): LoadResult & { copies: [Tensor, Tensor][] } {
  if (dict === null || typeof dict !== 'object') throw new TypeError(`${who}: expected an object of tensors, got ${String(dict)}`);
  const expected = new Set(entries.map(([name]) => name));
  const missingKeys = entries.map(([name]) => name).filter((name) => !Object.hasOwn(dict, name));
  const unexpectedKeys = Object.keys(dict).filter((name) => !expected.has(name));

  const keyProblems: string[] = [];
  if (strict && missingKeys.length > 0) keyProblems.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
  if (strict && unexpectedKeys.length > 0) keyProblems.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
  const shapeProblems: string[] = [];
  const dtypeProblems: string[] = [];
  const copies: [Tensor, Tensor][] = [];
  for (const [name, target, kind] of entries) {
    if (!Object.hasOwn(dict, name)) continue;
    const source: unknown = dict[name];
    if (!(source instanceof Tensor)) {
      dtypeProblems.push(`"${name}" is not a Tensor (got ${typeof source})`);
    } else if (!sameShape(source.shape, target.shape)) {
      shapeProblems.push(`size mismatch for "${name}": the state dict has ${fmt(source.shape)}, the module has ${fmt(target.shape)}`);
    } else if (kind !== 'float') {
      // Any float dtype will do; the values decide (the copy converts the storage type).
      const unfit = firstUnfit(source, kind, target.dtype);
      if (unfit === null) copies.push([target, source]);
      else dtypeProblems.push(`"${name}" is ${describe(kind)} (${target.dtype}), but in the state dict ${unfit}`);
    } else if (source.dtype !== target.dtype) {
      dtypeProblems.push(`dtype mismatch for "${name}": the state dict has ${source.dtype}, the module has ${target.dtype} (convert one of them with .to())`);
    } else {
      copies.push([target, source]);
    }
  }
  const problems = [...keyProblems, ...shapeProblems, ...dtypeProblems];
  if (problems.length > 0) {
    const message = `${who}: ${problems.join('; ')}`;
    if (keyProblems.length > 0) throw new Error(message);
    if (shapeProblems.length > 0) throw new ShapeError(message);
    throw new DTypeError(message);
  }
  return { copies, missingKeys, unexpectedKeys };
}

/**
 * Null when every value of `t` suits a buffer of this kind stored as `dtype`: an integer (0 or
 * 1 for bool) that `dtype` holds exactly (float32 is exact only up to 2^24). Otherwise a
 * description of the first value that does not.
 */
function firstUnfit(t: Tensor, kind: BufferKind, dtype: DType): string | null {
  if (kind === 'float') return null;
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (kind === 'bool' && v !== 0 && v !== 1) return `element ${i} is ${v}, not 0 or 1`;
    if (!Number.isInteger(v)) return `element ${i} is ${v}, not an integer`;
    if (dtype === 'float32' && Math.fround(v) !== v) return `element ${i} is ${v}, which float32 cannot hold exactly`;
  }
  return null;
}
