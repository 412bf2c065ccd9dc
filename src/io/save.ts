// saveSafetensors: a state dict (name → tensor) to the bytes of a .safetensors file.
//
// The writer follows the reference writer (huggingface/safetensors `serialize`): compact JSON
// with `__metadata__` first and each entry's keys in the order dtype, shape, data_offsets; the
// header padded with spaces so the data section starts on an 8-byte boundary; tensor data packed
// back to back, little-endian, row-major. Tensors are written in the reference's order: by
// dtype, widest first (I64, F64, F32, BOOL), then by name. Every element then starts at a
// multiple of its own size, which PyTorch needs when it views a mapped file's bytes as a wider
// dtype ("storage_offset must be divisible by 4 to view Byte as Float"); and the same state dict
// always gives the same bytes, whatever the order of its keys.

import { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/errors.js';
import {
  DTYPE_SIZE, EXACT_INTEGER_LIMIT, MAX_HEADER_BYTES, METADATA_KEY, SafetensorsError,
  type SafetensorsDType, hasLoneSurrogate, isSafetensorsDType, kindOf, show,
} from './format.js';
import { encodeUtf8 } from './utf8.js';

/** A tensor saved in its own dtype (float32 → F32, float64 → F64), or with an explicit one. */
export type SafetensorsEntry = Tensor | { tensor: Tensor; dtype: SafetensorsDType };

/**
 * The reference's dtype order (the declaration order of its `Dtype` enum, which lists dtypes by
 * increasing alignment); the writer places higher ranks first.
 */
const DTYPE_RANK: Readonly<Record<SafetensorsDType, number>> = { BOOL: 0, F32: 1, F64: 2, I64: 3 };

/** One tensor's place in the file, worked out (and checked) before any byte is written. */
interface Planned {
  name: string;
  tensor: Tensor;
  dtype: SafetensorsDType;
  begin: number;
  end: number;
}

/**
 * Serialise tensors (and optional string metadata) in the safetensors format.
 *
 * I64 stores integer buffers such as PyTorch's `num_batches_tracked`: every value must be an
 * integer within ±2^53, the range a float64 holds exactly. BOOL stores flags such as SGConv's
 * `kernel_norm_initialized`, one byte each: every value must be 0 or 1. Everything is checked
 * before the output is allocated.
 *
 * @example
 * const bytes = saveSafetensors({ 'layers.0.weight': w, 'bn.num_batches_tracked': { tensor: n, dtype: 'I64' } });
 */
export function saveSafetensors(tensors: Record<string, SafetensorsEntry>, metadata?: Record<string, string>): Uint8Array {
  const checked = Object.keys(tensors).map((name) => ({ name, ...checkEntry(name, tensors[name]) }));
  checked.sort((a, b) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const planned: Planned[] = [];
  let offset = 0;
  for (const { name, tensor, dtype } of checked) {
    const byteLength = tensor.numel * DTYPE_SIZE[dtype];
    planned.push({ name, tensor, dtype, begin: offset, end: offset + byteLength });
    offset += byteLength;
  }
  if (metadata !== undefined) checkMetadata(metadata);

  const header = encodeUtf8(headerText(planned, metadata));
  const paddedLength = Math.ceil(header.length / 8) * 8;
  if (paddedLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError(`saveSafetensors: the header would be ${paddedLength} bytes, above the ${MAX_HEADER_BYTES}-byte cap that readers enforce`);
  }

  const out = new Uint8Array(8 + paddedLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(paddedLength), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + paddedLength); // spaces: still valid JSON whitespace
  const dataStart = 8 + paddedLength;
  for (const p of planned) writeElements(view, dataStart + p.begin, p.tensor.data, p.dtype);
  return out;
}

/** The tensor and dtype of one entry, after every check that could make the file unreadable. */
function checkEntry(name: string, entry: SafetensorsEntry): { tensor: Tensor; dtype: SafetensorsDType } {
  if (name === METADATA_KEY) throw new SafetensorsError(`saveSafetensors: "${METADATA_KEY}" is reserved for metadata and cannot name a tensor`);
  if (hasLoneSurrogate(name)) throw new SafetensorsError(`saveSafetensors: tensor name ${show(name)} contains a lone surrogate, which UTF-8 cannot encode`);
  let tensor: Tensor;
  let dtype: SafetensorsDType;
  if (entry instanceof Tensor) {
    tensor = entry;
    dtype = entry.dtype === 'float64' ? 'F64' : 'F32';
  } else if (typeof entry === 'object' && entry !== null && entry.tensor instanceof Tensor) {
    if (!isSafetensorsDType(entry.dtype)) {
      throw new SafetensorsError(`saveSafetensors: tensor "${name}": unknown dtype ${show(entry.dtype)}; use F32, F64, I64 or BOOL`);
    }
    tensor = entry.tensor;
    dtype = entry.dtype;
  } else {
    throw new SafetensorsError(`saveSafetensors: "${name}" is a ${kindOf(entry)}, not a Tensor or { tensor, dtype }`);
  }
  if (dtype === 'I64') checkIntegral(name, tensor);
  if (dtype === 'BOOL') checkBool(name, tensor);
  return { tensor, dtype };
}

/** I64 holds integers only, and we promise an exact round trip, so |v| must be ≤ 2^53. */
function checkIntegral(name: string, tensor: Tensor): void {
  const data = tensor.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) {
      throw new SafetensorsError(`saveSafetensors: tensor "${name}" ${fmt(tensor.shape)} cannot be stored as I64: element ${i} is ${v}, not an integer`);
    }
    if (Math.abs(v) > EXACT_INTEGER_LIMIT) {
      throw new SafetensorsError(`saveSafetensors: tensor "${name}" ${fmt(tensor.shape)} cannot be stored as I64: element ${i} is ${v}, beyond ±2^53 where integers stop being exact`);
    }
  }
}

/** BOOL is one byte per element holding 0 or 1; anything else would not read back as a bool. */
function checkBool(name: string, tensor: Tensor): void {
  const data = tensor.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0 && data[i] !== 1) {
      throw new SafetensorsError(`saveSafetensors: tensor "${name}" ${fmt(tensor.shape)} cannot be stored as BOOL: element ${i} is ${data[i]}, not 0 or 1`);
    }
  }
}

function checkMetadata(metadata: Record<string, string>): void {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError(`saveSafetensors: metadata must be an object of strings, got ${kindOf(metadata)}`);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(`saveSafetensors: metadata["${key}"] is a ${kindOf(value)}, not a string`);
    }
    if (hasLoneSurrogate(key) || hasLoneSurrogate(value)) {
      throw new SafetensorsError(`saveSafetensors: metadata entry ${show(key)} contains a lone surrogate, which UTF-8 cannot encode`);
    }
  }
}

/**
 * The header JSON, assembled by hand rather than with one JSON.stringify of an object: a JS
 * object would move integer-like keys ("0", "1") to the front and break the planned order.
 * JSON.stringify of each string escapes exactly what serde_json escapes (quote, backslash,
 * control characters), so the text matches the reference writer's.
 */
function headerText(planned: Planned[], metadata: Record<string, string> | undefined): string {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const fields = Object.keys(metadata).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`);
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${fields.join(',')}}`);
  }
  for (const p of planned) {
    parts.push(`${JSON.stringify(p.name)}:{"dtype":"${p.dtype}","shape":[${p.tensor.shape.join(',')}],"data_offsets":[${p.begin},${p.end}]}`);
  }
  return `{${parts.join(',')}}`;
}

/** Element i goes to bytes [at + i·size, at + (i+1)·size), little-endian whatever the host. */
function writeElements(view: DataView, at: number, data: Float32Array | Float64Array, dtype: SafetensorsDType): void {
  if (dtype === 'F32') {
    for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i], true);
  } else if (dtype === 'F64') {
    for (let i = 0; i < data.length; i++) view.setFloat64(at + 8 * i, data[i], true);
  } else if (dtype === 'BOOL') {
    for (let i = 0; i < data.length; i++) view.setUint8(at + i, data[i]);
  } else {
    for (let i = 0; i < data.length; i++) view.setBigInt64(at + 8 * i, BigInt(data[i]), true);
  }
}
