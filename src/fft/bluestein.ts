// Bluestein's chirp-z algorithm: a DFT of any length n ≥ 1 (primes included) as a circular
// convolution of power-of-two length M, which the radix-4 FFT computes. SPEC 1.4.
//
// The identity k·t = (k² + t² − (k−t)²)/2 turns the DFT kernel into three chirps. With
// c_m = e^{+πi·m²/n} (note c_{−m} = c_m):
//   forward  X_k = Σ_t x_t e^{−2πikt/n} = conj(c_k) · Σ_t (x_t conj(c_t)) · c_{k−t},
//   inverse  x_t = Σ_k X_k e^{+2πikt/n} = c_t · Σ_k (X_k c_k) · conj(c_{t−k})   (unscaled).
// The inner sum is a linear convolution of a length-n sequence with c_m for |m| < n. Any
// circular convolution of length M ≥ 2n − 1 computes it without wrap-around, if the chirp is
// stored at b_m = c_m and b_{M−m} = c_m (the negative lags, wrapped):
//   w = IFFT_M(FFT_M(a) ⊙ FFT_M(b)) / M.
// FFT_M(b) is computed once per n and cached. The inverse needs FFT_M(conj b) = conj(FFT_M(b))
// (true because b is symmetric, b_m = b_{M−m}), so one table serves both directions.
//
// Numerics: the chirp phase π·m²/n is reduced as π·(m² mod 2n)/n with exact integer arithmetic
// (m² mod 2n updated incrementally, (m+1)² = m² + 2m + 1, so nothing grows past 4n), because
// m² itself would lose the phase's low bits in float64 for large m.

import { LengthCache } from './cache.js';
import { fftPow2 } from './radix4.js';
import { unitRoot } from './plan.js';
import { scratch, Slot } from './staging.js';

export interface BluesteinPlan {
  readonly n: number;
  /** Convolution length: the smallest power of two ≥ 2n − 1. */
  readonly m: number;
  /** c_t = e^{+πi·t²/n}, t = 0..n−1, interleaved (cos, sin). */
  readonly chirp: Float64Array;
  /** FFT_M(b), interleaved, b the wrapped chirp above. */
  readonly chirpSpectrum: Float64Array;
}

const plans = new LengthCache(buildBluesteinPlan);

/** The chirp and its spectrum for length n, from a bounded cache (cache.ts). */
export function getBluesteinPlan(n: number): BluesteinPlan {
  return plans.get(n);
}

function buildBluesteinPlan(n: number): BluesteinPlan {
  let m = 1;
  while (m < 2 * n - 1) m *= 2;

  const chirp = new Float64Array(2 * n);
  for (let t = 0, tSquaredMod = 0; t < n; t++) {
    unitRoot(chirp, 2 * t, tSquaredMod, 2 * n); // e^{2πi·(t² mod 2n)/(2n)} = e^{πi·t²/n}
    tSquaredMod = (tSquaredMod + 2 * t + 1) % (2 * n);
  }

  const b = new Float64Array(2 * m); // zero between the positive and the wrapped negative lags
  for (let t = 0; t < n; t++) {
    b[2 * t] = chirp[2 * t];
    b[2 * t + 1] = chirp[2 * t + 1];
    if (t > 0) {
      b[2 * (m - t)] = chirp[2 * t];
      b[2 * (m - t) + 1] = chirp[2 * t + 1];
    }
  }
  const chirpSpectrum = new Float64Array(2 * m);
  fftPow2(b, 0, chirpSpectrum, 0, m, false);
  return { n, m, chirp, chirpSpectrum };
}

/**
 * Unscaled DFT of any length n from interleaved float64 `src` into `dst` (forward: exponent
 * −2πi, inverse: +2πi, no 1/n). `src` is read completely before `dst` is written, so the two
 * may be the same array.
 */
export function fftBluestein(src: Float64Array, srcOffset: number, dst: Float64Array, dstOffset: number, n: number, inverse: boolean): void {
  const { m, chirp, chirpSpectrum } = getBluesteinPlan(n);
  const a = scratch(Slot.chirpA, 2 * m);
  const w = scratch(Slot.chirpB, 2 * m);
  // The chirp factor applied to input and output: conj(c) forward, c inverse.
  const s = inverse ? 1 : -1;

  // 1. a_t = x_t · (c_t or conj c_t), zero-padded to M.
  for (let t = 0; t < n; t++) {
    const cr = chirp[2 * t];
    const ci = s * chirp[2 * t + 1];
    const xr = src[srcOffset + 2 * t];
    const xi = src[srcOffset + 2 * t + 1];
    a[2 * t] = xr * cr - xi * ci;
    a[2 * t + 1] = xr * ci + xi * cr;
  }
  a.fill(0, 2 * n, 2 * m);

  // 2. Convolve with the chirp: W = FFT(a) ⊙ (FFT(b) or its conjugate), a ← IFFT(W).
  fftPow2(a, 0, w, 0, m, false);
  const bs = -s; // FFT(b) forward, conj(FFT(b)) inverse
  for (let k = 0; k < 2 * m; k += 2) {
    const br = chirpSpectrum[k];
    const bi = bs * chirpSpectrum[k + 1];
    const wr = w[k];
    const wi = w[k + 1];
    w[k] = wr * br - wi * bi;
    w[k + 1] = wr * bi + wi * br;
  }
  fftPow2(w, 0, a, 0, m, true);

  // 3. X_k = (conj c_k or c_k) · a_k / M.
  const inv = 1 / m;
  for (let k = 0; k < n; k++) {
    const cr = inv * chirp[2 * k];
    const ci = inv * s * chirp[2 * k + 1];
    const ar = a[2 * k];
    const ai = a[2 * k + 1];
    dst[dstOffset + 2 * k] = ar * cr - ai * ci;
    dst[dstOffset + 2 * k + 1] = ar * ci + ai * cr;
  }
}
