// The backend switch: js by default, any Backend object accepted, 'gpu' refused with a message
// that says how to get it.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getBackend, setBackend, type Backend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { matmul } from '../../src/backend/js/matmul.js';

test('js is the default backend and runs the js matmul', () => {
  assert.is(getBackend(), jsBackend);
  assert.is(jsBackend.name, 'js');
  assert.is(jsBackend.matmul, matmul);
  const out = new Float64Array(4);
  getBackend().matmul({ a: new Float64Array([1, 2, 3, 4]), b: new Float64Array([5, 6, 7, 8]), out, batch: 1, m: 2, k: 2, n: 2 });
  assert.equal(Array.from(out), [19, 22, 43, 50]);
});

test('setBackend takes a Backend object and switches back with js', () => {
  const calls: number[] = [];
  const spy: Backend = { ...jsBackend, name: 'spy', matmul: (args) => { calls.push(args.m); } };
  setBackend(spy);
  assert.is(getBackend(), spy);
  getBackend().matmul({ a: new Float64Array(1), b: new Float64Array(1), out: new Float64Array(1), batch: 1, m: 1, k: 1, n: 1 });
  assert.equal(calls, [1]);
  setBackend('js');
  assert.is(getBackend(), jsBackend);
});

test('the matmul and FFT ops run their kernels through the current backend', async () => {
  const { matmul, fftConv, fft, tensor } = await import('../../src/index.js');
  const seen: string[] = [];
  const spy: Backend = {
    name: 'spy',
    matmul: (args) => { seen.push('matmul'); jsBackend.matmul(args); },
    fft: (args) => { seen.push('fft'); jsBackend.fft(args); },
    rfft: (args) => { seen.push('rfft'); jsBackend.rfft(args); },
    irfft: (args) => { seen.push('irfft'); jsBackend.irfft(args); },
  };
  setBackend(spy);
  try {
    matmul(tensor([[1, 2]]), tensor([[3], [4]]));
    fft.fft(tensor([[1, 0], [0, 1]]));
    fftConv(tensor([[[1, 2, 3]]]), tensor([[1, 1]]));
  } finally {
    setBackend('js');
  }
  assert.equal(seen, ['matmul', 'fft', 'rfft', 'rfft', 'irfft']);
});

test("setBackend('gpu') before importing longconv/gpu names the import; junk is a TypeError", () => {
  assert.throws(() => setBackend('gpu'), /import 'longconv\/gpu' first/);
  assert.is(getBackend(), jsBackend);
  assert.throws(() => setBackend('wasm' as never), (e: unknown) => e instanceof TypeError && /setBackend: expected/.test(e.message));
  assert.throws(() => setBackend({ name: 'x' } as never), TypeError);
  assert.is(getBackend(), jsBackend);
});

test.run();
