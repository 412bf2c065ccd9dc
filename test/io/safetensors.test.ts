// saveSafetensors / loadSafetensors: exact byte layouts built by hand (the format proof, with
// no Python needed), round trips for every dtype and edge shape, metadata, determinism.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor, zeros, randn, Generator, Tensor, io } from '../../src/index.js';
import { concat, entry, f32Bytes, f64Bytes, fileFrom, headerOf, i64Bytes } from './util.js';

const { saveSafetensors, loadSafetensors, SafetensorsError } = io;
const layout = suite('safetensors layout');

layout('one F32 tensor [2] = [1, 2]: the exact bytes, written by hand', () => {
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 bytes
  assert.is(header.length, 54);
  const expected = concat(
    [56, 0, 0, 0, 0, 0, 0, 0], // N = 56, little-endian u64
    Buffer.from(header + '  '), // header padded with two spaces to 56
    [0x00, 0x00, 0x80, 0x3f], // 1.0f little-endian
    [0x00, 0x00, 0x00, 0x40], // 2.0f
  );
  assert.equal(saveSafetensors({ w: tensor([1, 2]) }), expected);
  const { tensors, metadata } = loadSafetensors(expected);
  assert.equal(Object.keys(tensors), ['w']);
  assert.equal(tensors.w.shape, [2]);
  assert.is(tensors.w.dtype, 'float32');
  assert.equal(Array.from(tensors.w.data), [1, 2]);
  assert.equal(metadata, {});
});

layout('matches the layouts in the reference test suite (no padding, padding, empty, metadata)', () => {
  const values = [0, 1, 2, 3, 4, 5];
  // 64-byte header: already aligned, so no padding.
  const a = fileFrom(`{${entry('attn.0', 'F32', [1, 2, 3], 0, 24)}}`, f32Bytes(values));
  assert.is(headerOf(a).length, 64);
  assert.equal(saveSafetensors({ 'attn.0': tensor(Float32Array.from(values), { shape: [1, 2, 3] }) }), a);
  // 65-byte header: seven spaces take it to 72.
  const b = fileFrom(`{${entry('attn0', 'F32', [1, 1, 2, 3], 0, 24)}}`, f32Bytes(values));
  assert.is(headerOf(b), `{${entry('attn0', 'F32', [1, 1, 2, 3], 0, 24)}}       `);
  assert.equal(saveSafetensors({ attn0: tensor(Float32Array.from(values), { shape: [1, 1, 2, 3] }) }), b);
  // No tensors at all: "{}" and six spaces.
  assert.equal(saveSafetensors({}), concat([8, 0, 0, 0, 0, 0, 0, 0], Buffer.from('{}      ')));
  // Metadata comes first, as in the reference writer.
  assert.equal(saveSafetensors({}, { framework: 'pt' }), fileFrom('{"__metadata__":{"framework":"pt"}}'));
  assert.equal(loadSafetensors(saveSafetensors({}, { framework: 'pt' })).metadata, { framework: 'pt' });
});

layout('a PyTorch-style state dict: the reference order (I64, F64, F32, then by name), contiguous offsets', () => {
  const bytes = saveSafetensors({
    'layers.1.weight': tensor([[5, 6]]),
    'layers.0.weight': tensor([[1, 2], [3, 4]], { dtype: 'float64' }),
    'bn.num_batches_tracked': { tensor: tensor(7), dtype: 'I64' },
    'layers.0.bias': tensor([0.5, -0.5]),
  });
  const header = `{${[
    entry('bn.num_batches_tracked', 'I64', [], 0, 8),
    entry('layers.0.weight', 'F64', [2, 2], 8, 40),
    entry('layers.0.bias', 'F32', [2], 40, 48),
    entry('layers.1.weight', 'F32', [1, 2], 48, 56),
  ].join(',')}}`;
  const data = concat(i64Bytes([7n]), f64Bytes([1, 2, 3, 4]), f32Bytes([0.5, -0.5]), f32Bytes([5, 6]));
  assert.equal(bytes, fileFrom(header, data));
  const { tensors } = loadSafetensors(bytes);
  assert.equal(Object.keys(tensors), ['bn.num_batches_tracked', 'layers.0.bias', 'layers.0.weight', 'layers.1.weight']);
  assert.is(tensors['bn.num_batches_tracked'].dtype, 'float64');
  assert.is(tensors['bn.num_batches_tracked'].item(), 7);
  assert.equal(tensors['layers.0.weight'].toArray(), [[1, 2], [3, 4]]);
});

layout('every tensor starts at a multiple of its element size, even when a name-only order would misalign it', () => {
  // By name, the 3-element F32 "a" would come first and leave the F64 "b" at offset 12.
  const bytes = saveSafetensors({ a: tensor([1, 2, 3]), b: tensor([4], { dtype: 'float64' }), c: { tensor: tensor([5]), dtype: 'I64' } });
  const header = JSON.parse(headerOf(bytes)) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  assert.equal(Object.keys(header), ['c', 'b', 'a']);
  const size: Record<string, number> = { F32: 4, F64: 8, I64: 8 };
  for (const { dtype, data_offsets: [begin] } of Object.values(header)) assert.is(begin % size[dtype], 0, `${dtype} at ${begin}`);
  assert.equal(Array.from(loadSafetensors(bytes).tensors.a.data), [1, 2, 3]);
});

layout('integer-like names keep sorted order in the header (no JS object key reordering)', () => {
  const text = headerOf(saveSafetensors({ b: tensor([1]), 10: tensor([2]), 2: tensor([3]) }));
  assert.ok(text.indexOf('"10"') < text.indexOf('"2"') && text.indexOf('"2"') < text.indexOf('"b"'), text);
});

layout('the header is always 8-byte aligned and padded with spaces only', () => {
  for (let n = 1; n <= 16; n++) {
    const bytes = saveSafetensors({ ['x'.repeat(n)]: tensor([1]) });
    const text = headerOf(bytes);
    assert.is((8 + text.length) % 8, 0);
    assert.ok(/^\{[^ ]*\} {0,7}$/.test(text), text);
  }
});

layout('escaped and non-ASCII names and metadata are written as UTF-8 JSON', () => {
  const name = 'blocks.é.🙂."quoted"\\\n';
  const bytes = saveSafetensors({ [name]: tensor([1]) }, { note: 'grüße 🙂', empty: '' });
  const loaded = loadSafetensors(bytes);
  assert.equal(Object.keys(loaded.tensors), [name]);
  assert.equal(loaded.metadata, { empty: '', note: 'grüße 🙂' });
  assert.ok(headerOf(bytes).includes('"blocks.é.🙂.\\"quoted\\"\\\\\\n"'));
});

const trip = suite('safetensors round trips');

trip('F32 and F64 keep every bit, including -0, infinities, NaN and subnormals', () => {
  const special = [0, -0, 1.5, -2.25, Infinity, -Infinity, NaN, 1e-40, 3.4e38];
  const f32 = tensor(special, { dtype: 'float32' });
  const f64 = tensor([...special, Math.PI, 5e-324, 1.7976931348623157e308], { dtype: 'float64' });
  const { tensors } = loadSafetensors(saveSafetensors({ f32, f64 }));
  assert.is(tensors.f32.dtype, 'float32');
  assert.is(tensors.f64.dtype, 'float64');
  assert.ok(Object.is(tensors.f32.data[1], -0));
  assert.equal(new Uint8Array(tensors.f32.data.buffer), new Uint8Array(f32.data.buffer));
  assert.equal(new Uint8Array(tensors.f64.data.buffer), new Uint8Array(f64.data.buffer));
});

trip('an explicit dtype converts: float64 → F32 rounds like Math.fround, float32 → F64 widens', () => {
  const x = tensor([Math.PI, 1 / 3], { dtype: 'float64' });
  const { tensors } = loadSafetensors(saveSafetensors({ down: { tensor: x, dtype: 'F32' }, up: { tensor: x.to('float32'), dtype: 'F64' } }));
  assert.equal(Array.from(tensors.down.data), [Math.fround(Math.PI), Math.fround(1 / 3)]);
  assert.is(tensors.up.dtype, 'float64');
  assert.equal(Array.from(tensors.up.data), [Math.fround(Math.PI), Math.fround(1 / 3)]);
});

trip('I64: integral values up to ±2^53 round trip exactly into float64', () => {
  const values = [0, 1, -1, 123456789012, 2 ** 53, -(2 ** 53), 2 ** 53 - 1];
  const bytes = saveSafetensors({ n: { tensor: tensor(values, { dtype: 'float64' }), dtype: 'I64' } });
  assert.equal(bytes.subarray(bytes.length - 8 * values.length), i64Bytes(values.map(BigInt)));
  const n = loadSafetensors(bytes).tensors.n;
  assert.is(n.dtype, 'float64');
  assert.equal(Array.from(n.data), values);
  // A float32 tensor of counts works too (its values are integers).
  assert.equal(Array.from(loadSafetensors(saveSafetensors({ c: { tensor: tensor([3, 4]), dtype: 'I64' } })).tensors.c.data), [3, 4]);
});

trip('BOOL: one byte per flag, written last (it is the narrowest), read back as float64 0 and 1', () => {
  // As PyTorch writes a bool buffer such as SGConv's kernel_norm_initialized.
  const bytes = saveSafetensors({ a_flags: { tensor: tensor([1, 0, 1]), dtype: 'BOOL' }, z: tensor([2]) });
  assert.equal(bytes, fileFrom(`{${entry('z', 'F32', [1], 0, 4)},${entry('a_flags', 'BOOL', [3], 4, 7)}}`, concat(f32Bytes([2]), [1, 0, 1])));
  const flags = loadSafetensors(bytes).tensors.a_flags;
  assert.is(flags.dtype, 'float64');
  assert.equal(flags.shape, [3]);
  assert.equal(Array.from(flags.data), [1, 0, 1]);
  assert.is(loadSafetensors(saveSafetensors({ f: { tensor: tensor(1), dtype: 'BOOL' } })).tensors.f.item(), 1);
});

trip('0-d scalars and empty tensors (a 0 in the shape)', () => {
  const { tensors } = loadSafetensors(saveSafetensors({
    s: tensor(2.5), e: zeros([0]), e2: zeros([3, 0, 2], { dtype: 'float64' }), ei: { tensor: zeros([0, 4]), dtype: 'I64' },
  }));
  assert.equal(tensors.s.shape, []);
  assert.is(tensors.s.item(), 2.5);
  assert.equal(tensors.e.shape, [0]);
  assert.equal(tensors.e2.shape, [3, 0, 2]);
  assert.is(tensors.e2.dtype, 'float64');
  assert.equal(tensors.ei.shape, [0, 4]);
  assert.equal(loadSafetensors(saveSafetensors({})).tensors, {});
});

trip('a -0 in a shape or in data_offsets (valid JSON, and an integer) loads as 0', () => {
  const { tensors } = loadSafetensors(fileFrom(`{${entry('e', 'F32', [0], 0, 0).replace('[0]', '[-0]')},"w":{"dtype":"F32","shape":[2,-0],"data_offsets":[-0,-0]}}`));
  assert.ok(Object.is(tensors.e.shape[0], 0), 'shape [-0] becomes [0]');
  assert.ok(Object.is(tensors.w.shape[1], 0), 'shape [2, -0] becomes [2, 0]');
  assert.is(tensors.w.numel, 0);
});

trip('many tensors of mixed shapes and dtypes come back equal, and the bytes are deterministic', () => {
  const g = new Generator(11);
  const dict: Record<string, Tensor> = {};
  for (let i = 0; i < 60; i++) {
    const shape = Array.from({ length: i % 4 }, (_, k) => 1 + ((i * 7 + k * 3) % 5));
    dict[`layers.${i}.${i % 2 ? 'weight' : 'bias'}`] = randn(shape, { dtype: i % 3 ? 'float32' : 'float64', generator: g });
  }
  const bytes = saveSafetensors(dict, { step: '60' });
  const reversed = Object.fromEntries(Object.entries(dict).reverse());
  assert.equal(saveSafetensors(reversed, { step: '60' }), bytes, 'insertion order does not matter');
  const { tensors, metadata } = loadSafetensors(bytes);
  assert.equal(metadata, { step: '60' });
  assert.equal(Object.keys(tensors).sort(), Object.keys(dict).sort());
  for (const [name, t] of Object.entries(dict)) {
    assert.is(tensors[name].dtype, t.dtype, name);
    assert.equal(tensors[name].shape, t.shape, name);
    assert.equal(Array.from(tensors[name].data), Array.from(t.data), name);
  }
});

trip('reads from a view into a larger buffer, at any alignment, and never aliases it', () => {
  const bytes = saveSafetensors({ a: tensor([1, 2, 3], { dtype: 'float64' }), b: tensor([4]) });
  const big = new Uint8Array(bytes.length + 3);
  big.set(bytes, 3);
  const { tensors } = loadSafetensors(big.subarray(3));
  assert.equal(Array.from(tensors.a.data), [1, 2, 3]);
  big.fill(0);
  assert.equal(Array.from(tensors.b.data), [4], 'loaded tensors own their storage');
});

const saving = suite('saveSafetensors errors');

saving('refuses entries it cannot write, before writing anything', () => {
  const bad = (tensors: Record<string, unknown>, metadata: unknown, pattern: RegExp): void => {
    assert.throws(() => saveSafetensors(tensors as never, metadata as never), (e: Error) => e instanceof SafetensorsError && pattern.test(e.message));
  };
  bad({ w: [1, 2] }, undefined, /"w" is a array, not a Tensor or \{ tensor, dtype \}/);
  bad({ w: { tensor: tensor([1]), dtype: 'F16' } }, undefined, /tensor "w": unknown dtype "F16"; use F32, F64, I64 or BOOL/);
  bad({ __metadata__: tensor([1]) }, undefined, /"__metadata__" is reserved/);
  bad({ ['a\uD800']: tensor([1]) }, undefined, /lone surrogate/);
  bad({ n: { tensor: tensor([1, 1.5]), dtype: 'I64' } }, undefined, /tensor "n" \[2\] cannot be stored as I64: element 1 is 1\.5, not an integer/);
  bad({ n: { tensor: tensor([NaN]), dtype: 'I64' } }, undefined, /element 0 is NaN, not an integer/);
  bad({ n: { tensor: tensor([2 ** 53 + 2], { dtype: 'float64' }), dtype: 'I64' } }, undefined, /element 0 is 9007199254740994, beyond ±2\^53/);
  bad({ b: { tensor: tensor([1, 0.5]), dtype: 'BOOL' } }, undefined, /tensor "b" \[2\] cannot be stored as BOOL: element 1 is 0\.5, not 0 or 1/);
  bad({ b: { tensor: tensor([2]), dtype: 'BOOL' } }, undefined, /element 0 is 2, not 0 or 1/);
  bad({}, { step: 3 }, /metadata\["step"\] is a number, not a string/);
  bad({}, ['x'], /metadata must be an object of strings, got array/);
});

layout.run();
trip.run();
saving.run();
