// The individual kernels, each against the rung below it: radix-2 against the naive DFT,
// radix-4 against radix-2, Bluestein (forced, at every length, powers of two included) against
// the naive DFT; and the plan's tables.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { naiveDft } from '../../src/fft/index.js';
import { getPlan, radix4Twiddles, unitRoot } from '../../src/fft/plan.js';
import { fftRadix2InPlace } from '../../src/fft/radix2.js';
import { fftPow2, fftPow2F32 } from '../../src/fft/radix4.js';
import { fftBluestein, getBluesteinPlan } from '../../src/fft/bluestein.js';
import { LengthCache, releasePlans } from '../../src/fft/cache.js';
import { realTwiddles } from '../../src/fft/real.js';
import { allClose, maxAbsDiff } from '../helpers/close.js';
import { LENGTHS, randomRow, scaleOf } from './util.js';

const POWERS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

test('plan: bit reversal is an involution that reverses the bits', () => {
  for (const n of [1, 2, 8, 64, 1024]) {
    const { bitReverse, log2n } = getPlan(n);
    for (let i = 0; i < n; i++) {
      assert.is(bitReverse[bitReverse[i]], i);
      const reversed = parseInt(i.toString(2).padStart(log2n, '0').split('').reverse().join('') || '0', 2);
      assert.is(bitReverse[i], reversed, `n=${n} i=${i}`);
    }
  }
});

test('plan: twiddles are exact on the axes and accurate elsewhere', () => {
  const w = new Float64Array(2);
  for (const [k, N, c, s] of [[0, 8, 1, 0], [2, 8, 0, 1], [4, 8, -1, 0], [6, 8, 0, -1], [5, 10, -1, 0], [3, 12, 0, 1]]) {
    unitRoot(w, 0, k, N);
    assert.equal([w[0], w[1]], [c, s], `k=${k} N=${N}`);
  }
  let worst = 0;
  for (const N of [7, 100, 4096, 1 << 20]) {
    for (let k = 0; k < N; k += Math.max(1, N >> 10)) {
      unitRoot(w, 0, k, N);
      worst = Math.max(worst, Math.abs(w[0] - Math.cos((2 * Math.PI * k) / N)), Math.abs(w[1] - Math.sin((2 * Math.PI * k) / N)));
    }
  }
  assert.ok(worst < 1e-15, `worst twiddle error ${worst}`);
});

test('plan: plans and radix-4 tables are cached, one per length and direction', () => {
  assert.is(getPlan(256), getPlan(256));
  assert.is(radix4Twiddles(getPlan(256), true), radix4Twiddles(getPlan(256), true));
  assert.is.not(radix4Twiddles(getPlan(256), true), radix4Twiddles(getPlan(256), false));
  assert.is(getBluesteinPlan(17), getBluesteinPlan(17));
  assert.is(getBluesteinPlan(17).m, 64); // smallest power of two ≥ 2·17 − 1 = 33
});

test('plan cache: bounded, evicts the least recently used length, a failed build changes nothing', () => {
  const built: number[] = [];
  const cache = new LengthCache((n) => { if (n < 0) throw new RangeError(`bad ${n}`); built.push(n); return { n }; }, 3);
  const one = cache.get(1);
  cache.get(2);
  cache.get(3);
  assert.is(cache.get(1), one); // 1 is now the most recent; 2 the oldest
  cache.get(4);
  assert.is(cache.size, 3);
  assert.is(cache.get(1), one);
  cache.get(2); // rebuilt: it was evicted
  assert.equal(built, [1, 2, 3, 4, 2]);
  assert.throws(() => cache.get(-1), /bad -1/);
  assert.is(cache.size, 3);
  assert.is(cache.get(1), one);
});

test('plan caches: Bluestein keeps 64 lengths, LRU; releasePlans drops every table', () => {
  releasePlans();
  const first = getBluesteinPlan(3);
  const kept = getBluesteinPlan(5);
  const seven = getBluesteinPlan(7);
  // 61 more lengths, touching 5 after each: 64 held, 3 the least recently used.
  for (let i = 1; i <= 61; i++) {
    getBluesteinPlan(7 + 2 * i);
    assert.is(getBluesteinPlan(5), kept, `5 kept after ${i} more lengths`);
  }
  assert.is(getBluesteinPlan(7), seven, 'all 64 lengths fit');
  getBluesteinPlan(7 + 2 * 62); // the 65th length pushes out 3
  assert.is(getBluesteinPlan(5), kept);
  assert.is.not(getBluesteinPlan(3), first, '3 was the least recently used');
  const plan = getPlan(256);
  const twiddles = realTwiddles(12);
  assert.is(getPlan(256), plan);
  releasePlans();
  assert.is.not(getPlan(256), plan);
  assert.is.not(realTwiddles(12), twiddles);
  assert.is.not(getBluesteinPlan(5), kept);
});

test('radix-2 reference matches the naive DFT (float64, both directions)', () => {
  for (const n of POWERS) {
    for (const inverse of [false, true]) {
      const x = randomRow(2 * n, n + 100);
      const expected = new Float64Array(2 * n);
      naiveDft(x, expected, n, 1, inverse);
      const actual = x.slice();
      fftRadix2InPlace(actual, 0, n, inverse);
      allClose(actual, expected, { atol: 1e-12 * scaleOf(expected), rtol: 0 }, `n=${n} inverse=${inverse}`);
    }
  }
});

test('radix-4 matches radix-2 (float64 and float32 input, offsets, n up to 2^18)', () => {
  for (let n = 1; n <= 1 << 18; n *= 2) {
    for (const inverse of [false, true]) {
      const x = randomRow(2 * n, 3 * n);
      const reference = x.slice();
      fftRadix2InPlace(reference, 0, n, inverse);
      // place the row at an offset in larger arrays, to exercise the offset arithmetic
      const padded = new Float64Array(2 * n + 6);
      padded.set(x, 6);
      const actual = new Float64Array(2 * n + 4);
      fftPow2(padded, 6, actual, 4, n, inverse);
      const diff = maxAbsDiff(actual.subarray(4), reference);
      assert.ok(diff <= 1e-14 * scaleOf(reference) * Math.max(1, Math.log2(n)), `n=${n} inverse=${inverse}: ${diff}`);

      const x32 = Float32Array.from(x);
      const ref32 = Float64Array.from(x32);
      fftRadix2InPlace(ref32, 0, n, inverse);
      const from32 = new Float64Array(2 * n);
      fftPow2F32(x32, 0, from32, 0, n, inverse);
      const diff32 = maxAbsDiff(from32, ref32);
      assert.ok(diff32 <= 1e-14 * scaleOf(ref32) * Math.max(1, Math.log2(n)), `float32 n=${n}: ${diff32}`);
    }
  }
});

test('Bluestein matches the naive DFT at every length (n = 1, primes, powers of two)', () => {
  for (const n of [...LENGTHS, 6, 9, 11, 13, 31, 97, 127, 257, 997]) {
    for (const inverse of [false, true]) {
      const x = randomRow(2 * n, 17 * n);
      const expected = new Float64Array(2 * n);
      naiveDft(x, expected, n, 1, inverse);
      const actual = new Float64Array(2 * n + 2);
      fftBluestein(x, 0, actual, 2, n, inverse);
      allClose(actual.subarray(2), expected, { atol: 1e-12 * scaleOf(expected), rtol: 0 }, `n=${n} inverse=${inverse}`);
    }
  }
});

test('Bluestein may write over its own input', () => {
  const n = 12;
  const x = randomRow(2 * n, 4);
  const expected = new Float64Array(2 * n);
  fftBluestein(x, 0, expected, 0, n, false);
  fftBluestein(x, 0, x, 0, n, false);
  assert.equal(maxAbsDiff(x, expected), 0);
});

test.run();
