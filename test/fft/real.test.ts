// rfftInterleaved / irfftInterleaved: against the naive complex DFT of the real row, the
// values of SPEC 1.8 (items 1, 3, 4), round trips, batching, PyTorch's fixtures, and the
// adjoint identity the ops layer's VJPs rely on (SPEC 1.6).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { irfftInterleaved, naiveDft, rfftInterleaved } from '../../src/fft/index.js';
import { allClose, maxAbsDiff } from '../helpers/close.js';
import { loadFixture } from '../helpers/fixtures.js';
import { complexify, firstBins, LENGTHS, randomRow, scaleOf } from './util.js';

const binsOf = (n: number): number => Math.floor(n / 2) + 1;

/** The naive truth: first n//2+1 bins of the complex DFT of the real row(s). */
function naiveRfft(x: ArrayLike<number>, n: number, batch: number): Float64Array {
  const full = new Float64Array(2 * n * batch);
  naiveDft(complexify(x), full, n, batch, false);
  return firstBins(full, n, batch, binsOf(n));
}

/** The naive truth for irfft: real part of the naive inverse of the Hermitian extension, / n. */
function naiveIrfft(X: ArrayLike<number>, n: number): Float64Array {
  const h = Math.floor(n / 2);
  const Y = new Float64Array(2 * n);
  Y[0] = X[0]; // Im X_0 ignored
  for (let k = 1; k <= h; k++) {
    const im = n % 2 === 0 && k === h ? 0 : X[2 * k + 1]; // Im X_{n/2} ignored
    Y[2 * k] = X[2 * k];
    Y[2 * k + 1] = im;
    Y[2 * ((n - k) % n)] = X[2 * k];
    Y[2 * ((n - k) % n) + 1] = -im;
  }
  const y = new Float64Array(2 * n);
  naiveDft(Y, y, n, 1, true);
  return Float64Array.from({ length: n }, (_, t) => y[2 * t] / n);
}

test('rfft matches the naive DFT (float64 to 1e-12 · scale, float32 to rounding)', () => {
  for (const n of [...LENGTHS, 6, 9, 10, 18, 101]) {
    const x = randomRow(n, 13 * n);
    const expected = naiveRfft(x, n, 1);
    const actual = new Float64Array(2 * binsOf(n));
    rfftInterleaved(x, actual, n, 1);
    allClose(actual, expected, { atol: 1e-12 * scaleOf(expected), rtol: 0 }, `float64 n=${n}`);

    const x32 = Float32Array.from(x);
    const expected32 = naiveRfft(x32, n, 1);
    const actual32 = new Float32Array(2 * binsOf(n));
    rfftInterleaved(x32, actual32, n, 1);
    allClose(actual32, expected32, { atol: 1e-7 * scaleOf(expected32), rtol: 1e-7 }, `float32 n=${n}`);
  }
});

test('irfft matches the naive inverse, imaginary DC/Nyquist ignored', () => {
  for (const n of [...LENGTHS, 6, 9, 10, 18, 101]) {
    const X = randomRow(2 * binsOf(n), 19 * n); // Im X_0, Im X_{n/2} deliberately nonzero
    const expected = naiveIrfft(X, n);
    const actual = new Float64Array(n);
    irfftInterleaved(X, actual, n, 1, 1 / n);
    allClose(actual, expected, { atol: 1e-12 * scaleOf(expected), rtol: 0 }, `float64 n=${n}`);

    const X32 = Float32Array.from(X);
    const expected32 = naiveIrfft(X32, n);
    const actual32 = new Float32Array(n);
    irfftInterleaved(X32, actual32, n, 1, 1 / n);
    allClose(actual32, expected32, { atol: 1e-7 * scaleOf(expected32), rtol: 1e-7 }, `float32 n=${n}`);
  }
});

test('SPEC 1.8 item 1: rfft([1,2,3,4]) = [10, −2+2i, −2]', () => {
  for (const Ctor of [Float64Array, Float32Array]) {
    const X = new Ctor(6);
    rfftInterleaved(Ctor.from([1, 2, 3, 4]), X, 4, 1);
    assert.equal(Array.from(X), [10, 0, -2, 2, -2, 0], Ctor.name);
  }
});

test('SPEC 1.8 item 3: irfft([10, −2+2i, −2]) = [1,2,3,4], also with +5i on bin 0 and +7i on bin 2', () => {
  for (const bins of [[10, 0, -2, 2, -2, 0], [10, 5, -2, 2, -2, 7]]) {
    const x = new Float64Array(4);
    irfftInterleaved(Float64Array.from(bins), x, 4, 1, 1 / 4);
    allClose(x, [1, 2, 3, 4], { atol: 1e-15, rtol: 0 }, `bins ${bins}`);
  }
  // n = 5 uses 3 bins (n//2+1) and has no Nyquist bin
  const x5 = new Float64Array(5);
  irfftInterleaved(Float64Array.from([10, 0, -2, 2, -2, 0]), x5, 5, 1, 1 / 5);
  allClose(x5, [0.4, 1.639155, 1.929772, 2.870228, 3.160845], { atol: 1e-6, rtol: 0 }, 'n=5');
});

test('SPEC 1.8 item 4: Parseval for rfft, Σx² = (|X_0|² + 2Σ|X_k|² + [n even]|X_{n/2}|²)/n', () => {
  for (const n of [...LENGTHS, 6, 9]) {
    const x = n === 4 ? Float64Array.from([1, 2, 3, 4]) : randomRow(n, 23 * n);
    const X = new Float64Array(2 * binsOf(n));
    rfftInterleaved(x, X, n, 1);
    let energy = 0;
    for (let t = 0; t < n; t++) energy += x[t] * x[t];
    let spectral = 0;
    for (let k = 0; k < binsOf(n); k++) {
      const weight = k === 0 || (n % 2 === 0 && k === n / 2) ? 1 : 2;
      spectral += weight * (X[2 * k] ** 2 + X[2 * k + 1] ** 2);
    }
    assert.ok(Math.abs(energy - spectral / n) <= 1e-12 * energy, `n=${n}: ${energy} vs ${spectral / n}`);
    if (n === 4) assert.ok(Math.abs(spectral / n - 30) < 1e-13);
  }
});

test('SPEC 1.8 item 2: irfft(rfft(x)) = x for n = 1..64 (float64 1e-13, float32 1e-5·‖x‖∞)', () => {
  for (let n = 1; n <= 64; n++) {
    const x = randomRow(n, 29 * n);
    const X = new Float64Array(2 * binsOf(n));
    const back = new Float64Array(n);
    rfftInterleaved(x, X, n, 1);
    irfftInterleaved(X, back, n, 1, 1 / n);
    allClose(back, x, { atol: 1e-13, rtol: 0 }, `float64 n=${n}`);

    const x32 = Float32Array.from(x);
    const X32 = new Float32Array(2 * binsOf(n));
    const back32 = new Float32Array(n);
    rfftInterleaved(x32, X32, n, 1);
    irfftInterleaved(X32, back32, n, 1, 1 / n);
    allClose(back32, x32, { atol: 1e-5 * scaleOf(x32), rtol: 0 }, `float32 n=${n}`);
  }
});

test('batched real transforms equal row-by-row ones', () => {
  const batch = 4;
  for (const n of [1, 2, 5, 8, 12, 64, 100]) {
    const bins = binsOf(n);
    const x = randomRow(n * batch, 31 * n);
    const X = new Float64Array(2 * bins * batch);
    rfftInterleaved(x, X, n, batch);
    const back = new Float32Array(n * batch);
    irfftInterleaved(X, back, n, batch, 1 / n);
    for (let b = 0; b < batch; b++) {
      const row = new Float64Array(2 * bins);
      rfftInterleaved(x.subarray(n * b, n * (b + 1)), row, n, 1);
      assert.equal(maxAbsDiff(X.subarray(2 * bins * b, 2 * bins * (b + 1)), row), 0, `rfft n=${n} b=${b}`);
      const rowBack = new Float32Array(n);
      irfftInterleaved(row, rowBack, n, 1, 1 / n);
      assert.equal(maxAbsDiff(back.subarray(n * b, n * (b + 1)), rowBack), 0, `irfft n=${n} b=${b}`);
    }
  }
});

test('adjoint identity behind the rfft VJP: ⟨rfft x, G⟩ = ⟨x, irfft_unscaled(w ⊙ G)⟩, w = 1, ½…½, 1', () => {
  for (const n of [1, 2, 5, 8, 12, 17, 64]) {
    const bins = binsOf(n);
    const x = randomRow(n, 37 * n);
    const G = randomRow(2 * bins, 41 * n);
    const X = new Float64Array(2 * bins);
    rfftInterleaved(x, X, n, 1);
    let lhs = 0;
    for (let i = 0; i < 2 * bins; i++) lhs += X[i] * G[i];
    const weighted = G.slice();
    for (let k = 1; k < bins; k++) {
      if (n % 2 === 0 && k === n / 2) continue;
      weighted[2 * k] *= 0.5;
      weighted[2 * k + 1] *= 0.5;
    }
    const gx = new Float64Array(n);
    irfftInterleaved(weighted, gx, n, 1);
    let rhs = 0;
    for (let t = 0; t < n; t++) rhs += x[t] * gx[t];
    assert.ok(Math.abs(lhs - rhs) <= 1e-12 * Math.max(1, Math.abs(lhs)), `n=${n}: ${lhs} vs ${rhs}`);
  }
});

test('PyTorch fixtures: torch.fft.rfft and torch.fft.irfft (bins trimmed/padded to n//2+1 first)', () => {
  let cases = 0;
  for (const c of loadFixture('fft').cases) {
    if (c.op === 'rfft') {
      const [batch, n] = c.inputs.x.shape;
      const y = new Float64Array(2 * binsOf(n) * batch);
      rfftInterleaved(Float64Array.from(c.inputs.x.data), y, n, batch);
      allClose(y, c.outputs.y.data, { atol: 1e-12 * scaleOf(c.outputs.y.data), rtol: 0 }, c.name);
      cases++;
    } else if (c.op === 'irfft') {
      const [batch, m] = c.inputs.X.shape;
      const n = c.options.n as number;
      const bins = binsOf(n);
      const X = new Float64Array(2 * bins * batch); // the ops layer's trim / zero-pad
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < 2 * Math.min(m, bins); i++) X[2 * bins * b + i] = c.inputs.X.data[2 * m * b + i];
      }
      const y = new Float64Array(n * batch);
      irfftInterleaved(X, y, n, batch, 1 / n);
      allClose(y, c.outputs.y.data, { atol: 1e-12 * scaleOf(c.outputs.y.data), rtol: 0 }, c.name);
      cases++;
    }
  }
  assert.ok(cases >= 25, `only ${cases} fixture cases found`);
});

test.run();
