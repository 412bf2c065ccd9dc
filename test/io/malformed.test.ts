// loadSafetensors trusts nothing: a table of malformed files, each built by hand or by editing
// valid bytes, each rejected with a SafetensorsError whose message names the fault and numbers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor, io } from '../../src/index.js';
import { concat, entry, f32Bytes, fileFrom, i64Bytes, u64 } from './util.js';

const { saveSafetensors, loadSafetensors, SafetensorsError } = io;
const malformed = suite('malformed safetensors');

const two = f32Bytes([1, 2]);
const four = f32Bytes([1, 2, 3, 4]);
/** A header holding the given entries (already-formatted `"name":{...}` strings). */
const obj = (...entries: string[]): string => `{${entries.join(',')}}`;
const good = obj(entry('w', 'F32', [2], 0, 8));
// Arrays and objects nested 6000 deep (a 12 KB header): JSON.parse accepts them, and an error
// message that stringified them would overflow the stack instead of naming the fault.
const deepArray = '['.repeat(6000) + ']'.repeat(6000);
const deepObject = '{"a":'.repeat(6000) + '0' + '}'.repeat(6000);

const cases: [string, Uint8Array, RegExp][] = [
  // The length field and the header bytes.
  ['file shorter than 8 bytes', new Uint8Array(7), /file is 7 bytes, shorter than the 8-byte header length field/],
  ['empty file', new Uint8Array(0), /file is 0 bytes/],
  ['header length above the cap', concat(u64(100_000_001n), Buffer.from('{}')), /header length 100000001 is above the 100000000-byte cap/],
  ['header length 2^64 - 1', concat(u64(2n ** 64n - 1n), Buffer.from('{}')), /header length 18446744073709551615 is above/],
  ['header length beyond the file', fileFrom('{}      ', [], { length: 100n }), /header length 100 runs past the end of the file \(8 bytes follow the length field\)/],
  ['header not UTF-8 (0xff)', fileFrom('{"', [0xff, 0x22, 0x3a, 0x31, 0x7d], { length: 7n, pad: false }), /not valid UTF-8 \(bad sequence at header byte 2\)/],
  ['header not UTF-8 (overlong "/")', fileFrom('{', [0xc0, 0xaf, 0x7d], { length: 4n, pad: false }), /not valid UTF-8 \(bad sequence at header byte 1\)/],
  ['header not JSON', fileFrom('{"w": '), /header is not valid JSON/],
  ['header with a NaN literal', fileFrom('{"w":{"dtype":"F32","shape":[NaN],"data_offsets":[0,0]}}'), /header is not valid JSON/],
  ['header a JSON array', fileFrom('[1,2]'), /header is not a JSON object \(got array\)/],
  ['header JSON null', fileFrom('null'), /header is not a JSON object \(got null\)/],
  // Duplicate keys, which JSON.parse would silently collapse.
  ['duplicate tensor name', fileFrom(obj(entry('w', 'F32', [2], 0, 8), entry('w', 'F32', [2], 8, 16)), four), /duplicate tensor name "w" appears twice/],
  ['duplicate name spelled with an escape', fileFrom(obj(entry('v', 'F32', [2], 0, 8), '"\\u0076":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}'), four), /duplicate tensor name "v"/],
  ['duplicate key inside an entry', fileFrom('{"w":{"dtype":"F64","dtype":"F32","shape":[2],"data_offsets":[0,8]}}', two), /duplicate key in tensor "w": "dtype"/],
  ['duplicate metadata key', fileFrom('{"__metadata__":{"k":"a","k":"b"}}'), /duplicate key in __metadata__: "k"/],
  // __metadata__.
  ['__metadata__ not an object', fileFrom('{"__metadata__":"x"}'), /__metadata__ must be an object of strings, got string/],
  ['__metadata__ value not a string', fileFrom('{"__metadata__":{"epoch":3}}'), /__metadata__\["epoch"\] is a number, not a string/],
  // One entry's own fields.
  ['entry not an object', fileFrom('{"w":[0,8]}', two), /tensor "w": entry is not an object \(got array\)/],
  ['entry lacks dtype', fileFrom('{"w":{"shape":[2],"data_offsets":[0,8]}}', two), /tensor "w": missing "dtype"/],
  ['entry lacks shape', fileFrom('{"w":{"dtype":"F32","data_offsets":[0,8]}}', two), /tensor "w": missing "shape"/],
  ['entry lacks data_offsets', fileFrom('{"w":{"dtype":"F32","shape":[2]}}', two), /tensor "w": missing "data_offsets"/],
  ['entry with an unknown key', fileFrom('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"offsets":[0,8]}}', two), /tensor "w": unexpected key "offsets"/],
  ['unknown dtype', fileFrom(obj(entry('w', 'F16', [4], 0, 8)), two), /tensor "w": unknown dtype "F16" \(this loader reads F32, F64, I64 and BOOL\)/],
  ['dtype nested 6000 deep', fileFrom(`{"w":{"dtype":${deepArray},"shape":[0],"data_offsets":[0,0]}}`), /tensor "w": unknown dtype \(a nested array\) \(this loader reads/],
  ['dtype an object nested 6000 deep', fileFrom(`{"w":{"dtype":${deepObject},"shape":[0],"data_offsets":[0,0]}}`), /tensor "w": unknown dtype \(object\)/],
  ['dtype not a string', fileFrom('{"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}', two), /tensor "w": unknown dtype 4/],
  ['shape not an array', fileFrom('{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}', two), /tensor "w": shape must be an array of non-negative integers, got number 2/],
  ['negative dim', fileFrom(obj(entry('w', 'F32', [2, -1], 0, 8)), two), /tensor "w": shape \[2,-1\] is not an array of non-negative integers \(dim 1 is -1\)/],
  ['fractional dim', fileFrom(obj(entry('w', 'F32', [1.5], 0, 8)), two), /shape \[1\.5\] .*\(dim 0 is 1\.5\)/],
  ['infinite dim (1e400)', fileFrom('{"w":{"dtype":"F32","shape":[1e400],"data_offsets":[0,8]}}', two), /\(dim 0 is Infinity\)/],
  ['string dim', fileFrom('{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}', two), /\(dim 0 is "2"\)/],
  ['shape nested 6000 deep', fileFrom(`{"w":{"dtype":"F32","shape":${deepArray},"data_offsets":[0,0]}}`), /tensor "w": shape \(a nested array\) is not an array of non-negative integers \(dim 0 is \(a nested array\)\)/],
  ['a dim nested 6000 deep', fileFrom(`{"w":{"dtype":"F32","shape":[2,${deepArray}],"data_offsets":[0,0]}}`), /tensor "w": shape \(a nested array\) .*\(dim 1 is \(a nested array\)\)/],
  ['element count overflows 2^53', fileFrom(obj(entry('w', 'F32', [2 ** 30, 2 ** 30, 2 ** 30, 0], 0, 0))), /tensor "w": shape \[1073741824,1073741824,1073741824,0\] has more than 2\^53 elements/],
  ['data_offsets of length 1', fileFrom('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8]}}', two), /tensor "w": data_offsets must be two non-negative integers \[begin, end\], got \[8\]/],
  ['data_offsets nested 6000 deep', fileFrom(`{"w":{"dtype":"F32","shape":[0],"data_offsets":${deepArray}}}`), /tensor "w": data_offsets must be two non-negative integers \[begin, end\], got \(a nested array\)/],
  ['negative data offset', fileFrom(obj(entry('w', 'F32', [2], -8, 0)), two), /data_offsets must be two non-negative integers \[begin, end\], got \[-8,0\]/],
  ['data offset beyond 2^53', fileFrom('{"w":{"dtype":"F32","shape":[0],"data_offsets":[9007199254740993,9007199254740993]}}'), /got \[9007199254740992,9007199254740992\]/],
  ['begin after end', fileFrom(obj(entry('w', 'F32', [2], 8, 0)), two), /tensor "w": data_offsets \[8,0\]: begin 8 is after end 0/],
  ['shape and range disagree', fileFrom(obj(entry('w', 'F32', [3], 0, 8)), two), /tensor "w": F32 shape \[3\] needs 12 bytes but data_offsets \[0,8\] span 8/],
  ['range past the data section', fileFrom(obj(entry('w', 'F32', [4], 0, 16)), two), /tensor "w": data_offsets \[0,16\] run past the end of the data section \(8 bytes\)/],
  // The layout of all ranges together.
  ['overlapping ranges', fileFrom(obj(entry('a', 'F32', [2], 0, 8), entry('b', 'F32', [2], 4, 12)), f32Bytes([1, 2, 3])), /tensors "a" \[0,8\] and "b" \[4,12\] overlap/],
  ['the same range twice', fileFrom(obj(entry('a', 'F32', [2], 0, 8), entry('b', 'F32', [2], 0, 8)), two), /tensors "a" \[0,8\] and "b" \[0,8\] overlap/],
  ['hole between tensors', fileFrom(obj(entry('a', 'F32', [2], 0, 8), entry('b', 'F32', [2], 12, 20)), f32Bytes([1, 2, 0, 3, 4])), /bytes 8\.\.12 of the data section belong to no tensor \(a hole between "a" and "b"\)/],
  ['hole before the first tensor', fileFrom(obj(entry('a', 'F32', [2], 4, 12)), f32Bytes([0, 1, 2])), /bytes 0\.\.4 of the data section belong to no tensor \(a hole before the first tensor\)/],
  ['trailing bytes', fileFrom(good, f32Bytes([1, 2, 3])), /4 trailing bytes after the last tensor \(data section is 12 bytes, tensors end at 8\)/],
  ['data but no tensors', fileFrom('{}', [1, 2, 3]), /3 trailing bytes/],
  // Values.
  ['BOOL byte that is neither 0 nor 1', fileFrom(obj(entry('flag', 'BOOL', [3], 0, 3)), [1, 0, 2]), /tensor "flag": BOOL element 2 is the byte 2, not 0 or 1/],
  ['I64 value beyond ±2^53', fileFrom(obj(entry('n', 'I64', [2], 0, 16)), i64Bytes([1n, -(2n ** 53n) - 1n])), /tensor "n": I64 element 1 is -9007199254740993, beyond ±2\^53/],
];

malformed(`${cases.length} malformed files, each with its own message`, () => {
  assert.ok(cases.length >= 20);
  const seen = new Set<string>();
  for (const [label, bytes, pattern] of cases) {
    let error: unknown = null;
    try {
      loadSafetensors(bytes);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof SafetensorsError, `${label}: expected a SafetensorsError, got ${String(error)}`);
    const message = (error as Error).message;
    assert.ok(pattern.test(message), `${label}: message "${message}" does not match ${pattern}`);
    assert.ok(!seen.has(message), `${label}: message "${message}" is shared with another case`);
    seen.add(message);
  }
});

malformed('the baselines of the table are valid files', () => {
  assert.equal(Array.from(loadSafetensors(fileFrom(good, two)).tensors.w.data), [1, 2]);
  // Any order in the header is fine as long as the ranges tile the data section.
  const swapped = loadSafetensors(fileFrom(obj(entry('b', 'F32', [2], 8, 16), entry('a', 'F32', [2], 0, 8)), four)).tensors;
  assert.equal(Array.from(swapped.a.data), [1, 2]);
  assert.equal(Array.from(swapped.b.data), [3, 4]);
  // Empty tensors may sit anywhere, even at the same offset; extra whitespace is still JSON.
  const empties = loadSafetensors(fileFrom(` { ${entry('e', 'F64', [0, 5], 8, 8)} , ${entry('f', 'F32', [0], 8, 8)}, ${entry('w', 'F32', [2], 0, 8)} }\n`, two)).tensors;
  assert.equal(empties.e.shape, [0, 5]);
  // A header without padding is valid too (padding is the writer's courtesy, not a rule).
  assert.ok(loadSafetensors(fileFrom(good, two, { pad: false })).tensors.w);
});

malformed('every single-byte truncation of a valid file is rejected cleanly', () => {
  const bytes = saveSafetensors({ a: tensor([1, 2, 3]), b: { tensor: tensor([4]), dtype: 'I64' } }, { k: 'v' });
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(() => loadSafetensors(bytes.subarray(0, n)), (e: Error) => e instanceof SafetensorsError, `length ${n}`);
  }
});

malformed('a __proto__ tensor name is an ordinary own entry, never a prototype', () => {
  const { tensors } = loadSafetensors(fileFrom(obj(entry('__proto__', 'F32', [2], 0, 8)), two));
  assert.ok(Object.hasOwn(tensors, '__proto__'));
  assert.is(Object.getPrototypeOf(tensors), Object.prototype);
  assert.equal(Array.from(tensors['__proto__'].data), [1, 2]);
});

malformed.run();
