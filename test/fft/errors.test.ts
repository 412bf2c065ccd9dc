// Argument checks: every public kernel rejects bad n, batch, scale, array types, short arrays
// and overlapping arrays with a message naming the function and the sizes, and writes nothing.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fftInterleaved, irfftInterleaved, naiveDft, rfftInterleaved } from '../../src/fft/index.js';

function throwsWith(fn: () => void, type: typeof RangeError | typeof TypeError, ...fragments: string[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type);
    const message = (e as Error).message;
    for (const f of fragments) assert.ok(message.includes(f), `"${message}" should mention "${f}"`);
    return;
  }
  assert.unreachable(`expected a ${type.name} mentioning ${fragments.join(', ')}`);
}

test('n must be a positive integer', () => {
  const a = new Float64Array(8);
  for (const n of [0, -1, 2.5, NaN, Infinity]) {
    throwsWith(() => fftInterleaved(a, a, n, 1, false), RangeError, 'fftInterleaved', `n must be a positive integer, got ${n}`);
    throwsWith(() => rfftInterleaved(a, new Float64Array(8), n, 1), RangeError, 'rfftInterleaved', `got ${n}`);
    throwsWith(() => irfftInterleaved(a, new Float64Array(8), n, 1), RangeError, 'irfftInterleaved', `got ${n}`);
    throwsWith(() => naiveDft(a, new Float64Array(8), n, 1, false), RangeError, 'naiveDft', `got ${n}`);
  }
});

test('batch must be a non-negative integer; batch 0 is a no-op', () => {
  const a = new Float64Array(8);
  throwsWith(() => fftInterleaved(a, a, 4, -1, false), RangeError, 'fftInterleaved', 'batch must be a non-negative integer, got -1');
  throwsWith(() => rfftInterleaved(a, new Float64Array(8), 4, 1.5), RangeError, 'rfftInterleaved', 'got 1.5');
  const out = new Float64Array(4).fill(7);
  fftInterleaved(new Float64Array(0), out, 2, 0, false);
  assert.equal(Array.from(out), [7, 7, 7, 7]);
});

test('short arrays: the message names n, batch and the lengths expected', () => {
  throwsWith(() => fftInterleaved(new Float64Array(6), new Float64Array(8), 2, 2, false), RangeError,
    'fftInterleaved', 'input has 6 elements, expected at least 8', 'batch 2', 'n 2');
  throwsWith(() => fftInterleaved(new Float32Array(16), new Float32Array(15), 4, 2, true), RangeError,
    'fftInterleaved', 'output has 15 elements, expected at least 16');
  throwsWith(() => rfftInterleaved(new Float64Array(8), new Float64Array(10), 4, 2), RangeError,
    'rfftInterleaved', 'output has 10 elements, expected at least 12', '3 complex bins', 'n 4');
  throwsWith(() => irfftInterleaved(new Float64Array(5), new Float64Array(4), 4, 1), RangeError,
    'irfftInterleaved', 'bins has 5 elements, expected at least 6');
  throwsWith(() => irfftInterleaved(new Float64Array(12), new Float64Array(7), 4, 2), RangeError,
    'irfftInterleaved', 'realOutput has 7 elements, expected at least 8');
  throwsWith(() => naiveDft(new Float64Array(6), new Float64Array(6), 3, 2, false), RangeError,
    'naiveDft', 'input has 6 elements, expected at least 12');
});

test('arrays must be Float32Array or Float64Array', () => {
  const plain = [1, 2, 3, 4] as unknown as Float64Array;
  throwsWith(() => fftInterleaved(plain, new Float64Array(4), 2, 1, false), TypeError, 'fftInterleaved', 'input must be a Float32Array or Float64Array, got Array');
  throwsWith(() => rfftInterleaved(new Float64Array(4), new Int32Array(6) as unknown as Float64Array, 4, 1), TypeError, 'rfftInterleaved', 'got Int32Array');
});

test('scale must be finite', () => {
  const a = new Float64Array(4);
  throwsWith(() => fftInterleaved(a, new Float64Array(4), 2, 1, false, NaN), RangeError, 'fftInterleaved', 'scale must be a finite number');
});

test('overlapping arrays are rejected (except an exact in-place complex transform)', () => {
  const buffer = new Float64Array(20);
  throwsWith(() => fftInterleaved(buffer.subarray(0, 8), buffer.subarray(2, 10), 4, 1, false), RangeError, 'fftInterleaved', 'share memory');
  throwsWith(() => rfftInterleaved(buffer.subarray(0, 8), buffer.subarray(4, 14), 8, 1), RangeError, 'rfftInterleaved', 'must not overlap');
  throwsWith(() => irfftInterleaved(buffer, buffer, 8, 1), RangeError, 'irfftInterleaved', 'must not overlap');
  // disjoint views of one buffer are fine
  rfftInterleaved(buffer.subarray(0, 8), buffer.subarray(8, 18), 8, 1);
});

test('nothing is written when the arguments are rejected', () => {
  const out = new Float64Array(6).fill(3);
  assert.throws(() => rfftInterleaved(new Float64Array(3), out, 4, 1));
  assert.equal(Array.from(out), [3, 3, 3, 3, 3, 3]);
});

test.run();
