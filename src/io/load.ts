// loadSafetensors: the bytes of a .safetensors file to named tensors, trusting nothing.
//
// Every number in the file is checked before it is used, and nothing is allocated until the
// whole layout has been proven sound: the header length against the file and the 100 MB cap,
// the header as UTF-8, as JSON, as an object without duplicate keys; each entry's dtype, shape
// and data_offsets; then the ranges, which must tile the data section exactly, in order, with
// no overlap, hole or trailing byte. That last rule is the reference reader's
// (huggingface/safetensors `Metadata::validate` plus its `MetadataIncompleteBuffer` check),
// which refuses any other layout; docs/io.md lists every rule.

import { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/errors.js';
import {
  DTYPE_SIZE, EXACT_INTEGER_LIMIT, MAX_HEADER_BYTES, METADATA_KEY, SafetensorsError,
  type SafetensorsDType, isSafetensorsDType, kindOf, show,
} from './format.js';
import { decodeUtf8 } from './utf8.js';
import { findDuplicateKey } from './json-keys.js';

export interface LoadedSafetensors {
  /** float32 tensors for F32; float64 for F64, I64 (integers exact within ±2^53) and BOOL (0, 1). */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` map; empty when the file has none. */
  metadata: Record<string, string>;
}

/** One header entry that has passed its own checks; `begin`/`end` are data-section offsets. */
interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];

/** Parse and validate a safetensors file; throws `SafetensorsError` naming what is wrong. */
export function loadSafetensors(bytes: Uint8Array): LoadedSafetensors {
  const headerLength = readHeaderLength(bytes);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength));
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = checkMetadata(value);
    else entries.push(checkEntry(name, value, dataLength));
  }
  checkLayout(entries, dataLength);

  // Only now, with every size bounded by the file itself, are tensors allocated.
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, dataLength);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const tensors = Object.fromEntries(entries.map((e) => [e.name, readTensor(view, e)]));
  return { tensors, metadata };
}

/** N from the first 8 bytes, checked against the cap and the file before anything is read. */
function readHeaderLength(bytes: Uint8Array): number {
  if (bytes.length < 8) {
    throw new SafetensorsError(`safetensors: file is ${bytes.length} bytes, shorter than the 8-byte header length field`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`safetensors: header length ${length} is above the ${MAX_HEADER_BYTES}-byte cap`);
  }
  const n = Number(length);
  if (8 + n > bytes.length) {
    throw new SafetensorsError(`safetensors: header length ${n} runs past the end of the file (${bytes.length - 8} bytes follow the length field)`);
  }
  return n;
}

/** The header as a JSON object whose keys are all distinct. */
function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  const text = decodeUtf8(headerBytes);
  if (typeof text !== 'string') {
    throw new SafetensorsError(`safetensors: header is not valid UTF-8 (bad sequence at header byte ${text.invalidAt})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`safetensors: header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SafetensorsError(`safetensors: header is not a JSON object (got ${kindOf(parsed)})`);
  }
  const dup = findDuplicateKey(text);
  if (dup !== null) {
    const where = dup.path.length === 0 ? 'tensor name' : dup.path[0] === METADATA_KEY ? `key in ${METADATA_KEY}:` : `key in tensor "${dup.path[0]}":`;
    throw new SafetensorsError(`safetensors: duplicate ${where} ${show(dup.key)} appears twice in the header`);
  }
  return parsed as Record<string, unknown>;
}

function checkMetadata(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsError(`safetensors: ${METADATA_KEY} must be an object of strings, got ${kindOf(value)}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new SafetensorsError(`safetensors: ${METADATA_KEY}[${show(key)}] is a ${kindOf(v)}, not a string`);
  }
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

/** One tensor entry on its own: its fields, its shape, and its byte count against its range. */
function checkEntry(name: string, value: unknown, dataLength: number): Entry {
  const fail = (what: string): never => {
    throw new SafetensorsError(`safetensors: tensor ${show(name)}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`entry is not an object (got ${kindOf(value)})`);
  const info = value as Record<string, unknown>;
  for (const key of ENTRY_KEYS) if (!Object.hasOwn(info, key)) fail(`missing "${key}"`);
  for (const key of Object.keys(info)) if (!ENTRY_KEYS.includes(key)) fail(`unexpected key ${show(key)} (an entry holds dtype, shape and data_offsets)`);

  const { dtype, shape, data_offsets: offsets } = info;
  if (!isSafetensorsDType(dtype)) return fail(`unknown dtype ${show(dtype)} (this loader reads F32, F64, I64 and BOOL)`);
  if (!Array.isArray(shape)) return fail(`shape must be an array of non-negative integers, got ${kindOf(shape)} ${show(shape)}`);
  // Multiply dims in order and stop as soon as the count leaves the exact-integer range, as the
  // reference stops on the first checked_mul overflow (even if a later dim is 0).
  let numel = 1;
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) fail(`shape ${show(shape)} is not an array of non-negative integers (dim ${i} is ${show(d)})`);
    numel *= d as number;
    if (numel > EXACT_INTEGER_LIMIT) fail(`shape ${show(shape)} has more than 2^53 elements`);
  });
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
    return fail(`data_offsets must be two non-negative integers [begin, end], got ${show(offsets)}`);
  }
  // JSON's -0 passes every integer check; `+ 0` turns it into 0 so that no -0 reaches a shape
  // (where Object.is and 1/d tell it apart) or an offset.
  const [begin, end] = (offsets as number[]).map((o) => o + 0);
  if (begin > end) fail(`data_offsets [${begin},${end}]: begin ${begin} is after end ${end}`);
  const needed = numel * DTYPE_SIZE[dtype];
  if (needed !== end - begin) fail(`${dtype} shape ${fmt(shape as number[])} needs ${needed} bytes but data_offsets [${begin},${end}] span ${end - begin}`);
  if (end > dataLength) fail(`data_offsets [${begin},${end}] run past the end of the data section (${dataLength} bytes)`);
  return { name, dtype, shape: (shape as number[]).map((d) => d + 0), begin, end };
}

/** The ranges, sorted by position, must tile [0, dataLength) exactly. */
function checkLayout(entries: Entry[], dataLength: number): void {
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous: Entry | null = null;
  for (const e of byOffset) {
    if (e.begin < position) {
      throw new SafetensorsError(`safetensors: tensors ${show(previous!.name)} [${previous!.begin},${previous!.end}] and ${show(e.name)} [${e.begin},${e.end}] overlap`);
    }
    if (e.begin > position) {
      const after = previous === null ? 'before the first tensor' : `between ${show(previous.name)} and ${show(e.name)}`;
      throw new SafetensorsError(`safetensors: bytes ${position}..${e.begin} of the data section belong to no tensor (a hole ${after}); tensors must be stored contiguously`);
    }
    position = e.end;
    previous = e;
  }
  if (position !== dataLength) {
    throw new SafetensorsError(`safetensors: ${dataLength - position} trailing bytes after the last tensor (data section is ${dataLength} bytes, tensors end at ${position})`);
  }
}

/** Decode one checked range into fresh storage (never a view of the caller's bytes). */
function readTensor(view: DataView, e: Entry): Tensor {
  const size = DTYPE_SIZE[e.dtype];
  const n = (e.end - e.begin) / size;
  if (e.dtype === 'F32') {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(e.begin + 4 * i, true);
    return new Tensor(out, e.shape);
  }
  const out = new Float64Array(n);
  if (e.dtype === 'BOOL') {
    // PyTorch writes a bool as one byte, 0 or 1; any other byte is not a bool at all.
    for (let i = 0; i < n; i++) {
      const b = view.getUint8(e.begin + i);
      if (b > 1) throw new SafetensorsError(`safetensors: tensor ${show(e.name)}: BOOL element ${i} is the byte ${b}, not 0 or 1`);
      out[i] = b;
    }
    return new Tensor(out, e.shape);
  }
  if (e.dtype === 'F64') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(e.begin + 8 * i, true);
    return new Tensor(out, e.shape);
  }
  const limit = BigInt(EXACT_INTEGER_LIMIT);
  for (let i = 0; i < n; i++) {
    const v = view.getBigInt64(e.begin + 8 * i, true);
    if (v > limit || v < -limit) {
      throw new SafetensorsError(`safetensors: tensor ${show(e.name)}: I64 element ${i} is ${v}, beyond ±2^53 where a float64 stops being exact`);
    }
    out[i] = Number(v);
  }
  return new Tensor(out, e.shape);
}
