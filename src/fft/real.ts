// Real-input FFT (rfft) and its inverse (irfft), batched, for either dtype. SPEC 1.1 and 1.3.
//
// Even n (h = n/2): n reals packed as h complex numbers z_m = x_{2m} + i·x_{2m+1} are, in
// memory, exactly the real row read as interleaved complex, so one complex FFT of length h does
// the work and an O(n) step separates the spectra of the even and odd samples:
//   E_k = (Z_k + conj Z_{h−k}) / 2,   O_k = (Z_k − conj Z_{h−k}) / (2i),
//   X_k = E_k + e^{−2πik/n}·O_k,      k = 0..h   (indices of Z mod h).
// The inverse runs the same algebra backwards: from X_0..X_h (Im X_0 and Im X_h ignored),
//   Z_k = E_k + i·O_k,  E_k = (X_k + conj X_{h−k})/2,  O_k = (X_k − conj X_{h−k})·e^{+2πik/n}/2,
// then x_{2m} + i·x_{2m+1} = IFFT_h(Z)_m. This holds for every even n; the length-h FFT is
// radix-4 when h is a power of two and Bluestein otherwise.
//
// Odd n: no packing; rfft is the first n//2+1 bins of a complex FFT of (x_t + 0i), irfft the
// real part of the complex inverse of the Hermitian extension Y_k = X_k, Y_{n−k} = conj X_k
// (with Im X_0 ignored).
//
// Scaling: like the complex kernels, the inverse is unscaled (it returns n times the usual
// irfft), and both directions multiply by `scale`, folded into the O(n) pre/post step.

import { LengthCache } from './cache.js';
import { unitRoot } from './plan.js';
import { fft64, fftFromRow, type FloatArray } from './complex.js';
import { scratch, Slot, store, widen32 } from './staging.js';

const realTwiddleCache = new LengthCache((n) => {
  const h = n >> 1;
  const table = new Float64Array(2 * (h + 1));
  for (let k = 0; k <= h; k++) unitRoot(table, 2 * k, k, n);
  return table;
});

/** (cos 2πk/n, sin 2πk/n) for k = 0..n/2, interleaved, from a bounded cache (cache.ts). */
export function realTwiddles(n: number): Float64Array {
  return realTwiddleCache.get(n);
}

/** A row of a caller's array as float64: the array itself, or the row widened into `input` scratch. */
function rowAs64(src: FloatArray, offset: number, len: number): [Float64Array, number] {
  if (src instanceof Float64Array) return [src, offset];
  const widened = scratch(Slot.input, len);
  widen32(src, offset, widened, len);
  return [widened, 0];
}

/**
 * Split Z = FFT_h(packed row) into X_0..X_h (h+1 complex values at y[yOff..]), times `scale`.
 * With a = Z_k and b = Z_{h−k}: 2E = (ar+br, ai−bi), 2O = (ai+bi, br−ar), and with
 * w = e^{−2πik/n} = (c, −s):  X_k = E + w·O.
 * Pairs: E_{h−k} = conj E_k, O_{h−k} = conj O_k and w_{h−k} = −conj w_k, so
 * X_{h−k} = conj(E − w·O): one twiddle product serves bins k and h−k.
 */
function unpackRealSpectrum(z: Float64Array, y: Float64Array, yOff: number, n: number, scale: number): void {
  const h = n >> 1;
  const tw = realTwiddles(n);
  // k = 0 and k = h: Z_h ≡ Z_0, so X_0 = Re Z_0 + Im Z_0 and X_h = Re Z_0 − Im Z_0, both real.
  y[yOff] = scale * (z[0] + z[1]);
  y[yOff + 1] = 0;
  y[yOff + 2 * h] = scale * (z[0] - z[1]);
  y[yOff + 2 * h + 1] = 0;
  const half = 0.5 * scale;
  for (let k = 1, j = h - 1; k <= j; k++, j--) {
    const ar = z[2 * k], ai = z[2 * k + 1];
    const br = z[2 * j], bi = z[2 * j + 1];
    const er = ar + br, ei = ai - bi; // 2E
    const or = ai + bi, oi = br - ar; // 2O
    const c = tw[2 * k], s = tw[2 * k + 1];
    const wor = c * or + s * oi, woi = c * oi - s * or; // 2·w·O
    y[yOff + 2 * k] = half * (er + wor);
    y[yOff + 2 * k + 1] = half * (ei + woi);
    y[yOff + 2 * j] = half * (er - wor);
    y[yOff + 2 * j + 1] = half * (woi - ei);
  }
}

/**
 * Form Z_0..Z_{h−1} (into z) from the bins X_0..X_h at x[xOff..], times 2·`scale`, so that the
 * unscaled IFFT_h(Z) is scale·n·(x_{2m} + i·x_{2m+1}): the unscaled real inverse.
 * With a = X_k, b = X_{h−k}, w = e^{+2πik/n} = (c, s): E' = a + conj b, D = a − conj b,
 * O' = D·w, Z_k = E' + i·O'. Pairs, as in the forward step: E'_{h−k} = conj E'_k and
 * O'_{h−k} = conj O'_k, so Z_{h−k} = conj E'_k + i·conj O'_k.
 */
function packHermitian(x: Float64Array, xOff: number, z: Float64Array, n: number, scale: number): void {
  const h = n >> 1;
  const tw = realTwiddles(n);
  // k = 0 pairs X_0 with X_h; their imaginary parts are ignored (SPEC 1.1).
  const dc = x[xOff];
  const nyquist = x[xOff + 2 * h];
  z[0] = scale * (dc + nyquist);
  z[1] = scale * (dc - nyquist);
  for (let k = 1, j = h - 1; k <= j; k++, j--) {
    const ar = x[xOff + 2 * k], ai = x[xOff + 2 * k + 1];
    const br = x[xOff + 2 * j], bi = x[xOff + 2 * j + 1];
    const er = ar + br, ei = ai - bi;
    const dr = ar - br, di = ai + bi;
    const c = tw[2 * k], s = tw[2 * k + 1];
    const or = dr * c - di * s, oi = dr * s + di * c;
    z[2 * k] = scale * (er - oi);
    z[2 * k + 1] = scale * (ei + or);
    z[2 * j] = scale * (er + oi);
    z[2 * j + 1] = scale * (or - ei);
  }
}

/**
 * `batch` real FFTs of length n: row b of `input` (n reals) → row b of `output` (n//2+1
 * complex bins, interleaved), times `scale`. Input and output must not overlap.
 */
export function realForward(input: FloatArray, output: FloatArray, n: number, batch: number, scale: number): void {
  const h = n >> 1;
  const outLen = 2 * (h + 1);
  const direct = output instanceof Float64Array;
  const staged = direct ? undefined : scratch(Slot.output, outLen);
  for (let b = 0; b < batch; b++) {
    const y = staged ?? (output as Float64Array);
    const yOff = staged === undefined ? b * outLen : 0;
    if (n % 2 === 0) {
      const z = scratch(Slot.pack, n);
      fftFromRow(input, b * n, z, 0, h, false); // the real row, read as h complex values
      unpackRealSpectrum(z, y, yOff, n, scale);
    } else {
      const [x, xOff] = rowAs64(input, b * n, n);
      const z = scratch(Slot.pack, 2 * n);
      for (let t = 0; t < n; t++) {
        z[2 * t] = x[xOff + t];
        z[2 * t + 1] = 0;
      }
      const spectrum = scratch(Slot.spectrum, 2 * n);
      fft64(z, 0, spectrum, 0, n, false);
      for (let i = 0; i < outLen; i++) y[yOff + i] = scale * spectrum[i];
      y[yOff + 1] = 0; // X_0 of a real row is real; drop the rounding residue
    }
    if (staged !== undefined) store(staged, output, b * outLen, outLen, 1);
  }
}

/**
 * `batch` unscaled inverse real FFTs of length n: row b of `bins` (n//2+1 complex values,
 * interleaved; Im of X_0, and of X_{n/2} for even n, ignored) → row b of `output` (n reals),
 * output = scale · Σ_{k=0}^{n−1} Y_k e^{+2πikt/n} with Y the Hermitian extension. Pass
 * scale = 1/n for the usual irfft. Input and output must not overlap.
 */
export function realInverse(bins: FloatArray, output: FloatArray, n: number, batch: number, scale: number): void {
  const h = n >> 1;
  const inLen = 2 * (h + 1);
  const direct = output instanceof Float64Array;
  const staged = direct ? undefined : scratch(Slot.output, n);
  for (let b = 0; b < batch; b++) {
    const y = staged ?? (output as Float64Array);
    const yOff = staged === undefined ? b * n : 0;
    const [x, xOff] = rowAs64(bins, b * inLen, inLen);
    if (n % 2 === 0) {
      const z = scratch(Slot.pack, n);
      packHermitian(x, xOff, z, n, scale);
      fft64(z, 0, y, yOff, h, true); // h complex values = x_0, x_1, …, x_{n−1} in order
    } else {
      const z = scratch(Slot.pack, 2 * n);
      z[0] = x[xOff];
      z[1] = 0;
      for (let k = 1; k <= h; k++) {
        const re = x[xOff + 2 * k], im = x[xOff + 2 * k + 1];
        z[2 * k] = re;
        z[2 * k + 1] = im;
        z[2 * (n - k)] = re;
        z[2 * (n - k) + 1] = -im;
      }
      const spectrum = scratch(Slot.spectrum, 2 * n);
      fft64(z, 0, spectrum, 0, n, true);
      for (let t = 0; t < n; t++) y[yOff + t] = scale * spectrum[2 * t];
    }
    if (staged !== undefined) store(staged, output, b * n, n, 1);
  }
}
