// fftInterleaved (radix-4 and Bluestein behind one call) against the naive DFT and PyTorch's
// values: both directions, both dtypes, round trips, Parseval, batching, in place.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fftInterleaved, naiveDft } from '../../src/fft/index.js';
import { allClose, maxAbsDiff } from '../helpers/close.js';
import { loadFixture } from '../helpers/fixtures.js';
import { LENGTHS, randomRow, scaleOf } from './util.js';

for (const inverse of [false, true]) {
  const dir = inverse ? 'inverse' : 'forward';

  test(`float64 ${dir} matches the naive DFT to 1e-12 · scale`, () => {
    for (const n of LENGTHS) {
      const x = randomRow(2 * n, n);
      const expected = new Float64Array(2 * n);
      naiveDft(x, expected, n, 1, inverse);
      const actual = new Float64Array(2 * n);
      fftInterleaved(x, actual, n, 1, inverse);
      allClose(actual, expected, { atol: 1e-12 * scaleOf(expected), rtol: 0 }, `n=${n}`);
    }
  });

  test(`float32 ${dir} matches the naive DFT to float32 rounding`, () => {
    for (const n of LENGTHS) {
      const x = Float32Array.from(randomRow(2 * n, 7 * n));
      const expected = new Float64Array(2 * n);
      naiveDft(x, expected, n, 1, inverse); // exact float32 inputs, float64 truth
      const actual = new Float32Array(2 * n);
      fftInterleaved(x, actual, n, 1, inverse);
      // float64 arithmetic rounded once: half an ulp of float32 (6e-8) per element, plus slack
      allClose(actual, expected, { atol: 1e-7 * scaleOf(expected), rtol: 1e-7 }, `n=${n}`);
    }
  });
}

test('inverse(forward(x)) / n = x', () => {
  for (const n of LENGTHS) {
    const x = randomRow(2 * n, 3 * n + 1);
    const spectrum = new Float64Array(2 * n);
    const back = new Float64Array(2 * n);
    fftInterleaved(x, spectrum, n, 1, false);
    fftInterleaved(spectrum, back, n, 1, true, 1 / n);
    allClose(back, x, { atol: 1e-13, rtol: 0 }, `n=${n}`);
  }
});

test('Parseval: Σ|x|² = Σ|X|² / n', () => {
  for (const n of LENGTHS) {
    const x = randomRow(2 * n, 11 * n);
    const X = new Float64Array(2 * n);
    fftInterleaved(x, X, n, 1, false);
    let energyX = 0;
    let energyF = 0;
    for (let i = 0; i < 2 * n; i++) {
      energyX += x[i] * x[i];
      energyF += X[i] * X[i];
    }
    assert.ok(Math.abs(energyX - energyF / n) <= 1e-12 * energyX, `n=${n}: ${energyX} vs ${energyF / n}`);
  }
});

test('batched rows equal the rows transformed one by one, any dtype pairing', () => {
  const batch = 3;
  for (const n of [1, 6, 16, 17, 64, 100]) {
    const x = randomRow(2 * n * batch, 5 * n);
    const expected = new Float64Array(2 * n * batch);
    for (let b = 0; b < batch; b++) {
      const row = new Float64Array(2 * n);
      fftInterleaved(x.subarray(2 * n * b, 2 * n * (b + 1)), row, n, 1, false);
      expected.set(row, 2 * n * b);
    }
    const together = new Float64Array(2 * n * batch);
    fftInterleaved(x, together, n, batch, false);
    assert.equal(maxAbsDiff(together, expected), 0, `n=${n}`);

    const x32 = Float32Array.from(x);
    const mixed = new Float64Array(2 * n * batch);
    fftInterleaved(x32, mixed, n, batch, false); // float32 in, float64 out
    allClose(mixed, expected, { atol: 1e-6 * scaleOf(expected), rtol: 0 }, `n=${n} mixed`);
  }
});

test('in place (input === output) gives the out-of-place result, both dtypes', () => {
  for (const n of [1, 4, 8, 12, 17, 1024]) {
    const x = randomRow(4 * n, n + 2);
    const expected = new Float64Array(4 * n);
    fftInterleaved(x, expected, n, 2, true, 0.5);
    const same = x.slice();
    fftInterleaved(same, same, n, 2, true, 0.5);
    assert.equal(maxAbsDiff(same, expected), 0, `float64 n=${n}`);

    const x32 = Float32Array.from(x);
    const expected32 = new Float32Array(4 * n);
    fftInterleaved(x32, expected32, n, 2, true, 0.5);
    fftInterleaved(x32, x32, n, 2, true, 0.5);
    assert.equal(maxAbsDiff(x32, expected32), 0, `float32 n=${n}`);
  }
});

test('scale multiplies the result', () => {
  const n = 12;
  const x = randomRow(2 * n, 99);
  const plain = new Float64Array(2 * n);
  const scaled = new Float64Array(2 * n);
  fftInterleaved(x, plain, n, 1, false);
  fftInterleaved(x, scaled, n, 1, false, 1 / Math.sqrt(n));
  allClose(scaled, plain.map((v) => v / Math.sqrt(n)), { atol: 1e-15, rtol: 1e-15 });
});

test('PyTorch fixtures: torch.fft.fft and torch.fft.ifft (norm backward)', () => {
  let cases = 0;
  for (const c of loadFixture('fft').cases) {
    if (c.op !== 'fft' && c.op !== 'ifft') continue;
    const [batch, n] = c.inputs.x.shape;
    const x = Float64Array.from(c.inputs.x.data);
    const y = new Float64Array(2 * n * batch);
    const inverse = c.op === 'ifft';
    fftInterleaved(x, y, n, batch, inverse, inverse ? 1 / n : 1);
    allClose(y, c.outputs.y.data, { atol: 1e-12 * scaleOf(c.outputs.y.data), rtol: 0 }, c.name);
    cases++;
  }
  assert.ok(cases >= 20, `only ${cases} fixture cases found`);
});

test.run();
