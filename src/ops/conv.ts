// Causal long convolution through the FFT, O(L log L) per channel:
//   y[b,c,h,t] = Σ_{j=0}^{min(t, Lk−1)} k[c,h,j] · u[b,h,t−j],   t = 0..L−1.
// Zero-padding both operands to any n ≥ L + Lk − 1 makes the circular convolution of length n
// equal to the linear one on [0, L): y = irfft(rfft(u, n) ⊙ rfft(k, n), n)[:L]. We take n the
// next power of two (the fastest FFT size); the result does not depend on the choice.
//
// Its VJP is made of two correlations (SPEC 1.7), computed through the FFT with conjugated
// spectra and the same padding rule:
//   ū[b,h,s] = Σ_c Σ_t ȳ[b,c,h,t] k[c,h,t−s]   →  correlateInput(ȳ, k)
//   k̄[c,h,j] = Σ_b Σ_t ȳ[b,c,h,t] u[b,h,t−j]   →  correlateKernel(ȳ, u, Lk)
// The three are one family, closed under taking VJPs: each one's VJP is two calls of the
// others (derived next to each), so all are fused FFT kernels and still differentiate to any
// order. The sums over c (or b) happen in the frequency domain, before the inverse transform.
// All three use the same n for given (L, Lk), so spectra pass between them: a primitive takes
// the spectra of its two operands when its caller has them, and each VJP transforms its
// upstream gradient once for both of its calls. A forward and first-order backward thus cost
// 6 batches of FFTs (rfft u, rfft k, irfft; rfft ȳ, two irffts) instead of 9, at the price of
// keeping U (and K) alive with the graph, about 2-4x the memory of u (and k).
//
// The bidirectional form (SPEC 1.5) adds an anti-causal kernel k1 whose first tap weighs the
// next input: y_t += Σ_{j≥0} k1_j · u_{t+1+j}. It is the causal convolution of the reversed
// input with k1 delayed by one tap, reversed back, independent of any FFT size.

import { getBackend } from '../backend/index.js';
import { record } from '../autograd/graph.js';
import { type DType, type Storage, allocate } from '../tensor/dtype.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { type Tensor, checkSameDType } from '../tensor/tensor.js';
import { add } from './binary.js';
import { flip, narrow, pad, reshape, slice, unsqueeze } from './shape.js';
import { empty } from './util.js';

export interface FftConvOptions {
  /** Kernel channels [2C, H, Lk]: the first C causal, the last C anti-causal (SPEC 1.5). */
  bidirectional?: boolean;
}

/** The smallest power of two ≥ n, and at least 2 (the FFT size used for a linear convolution). */
export function fftSize(n: number): number {
  let size = 2;
  while (size < n) size *= 2;
  return size;
}

/**
 * Causal convolution of u [B, H, L] with k [H, Lk] (→ [B, H, L]) or k [C, H, Lk]
 * (→ [B, C, H, L]), Lk ≤ L. With `bidirectional`, k is [2C, H, Lk]: causal kernels first.
 */
export function fftConv(u: Tensor, k: Tensor, opts: FftConvOptions = {}): Tensor {
  checkSameDType('fftConv', u, k);
  if (u.ndim !== 3) throw new ShapeError(`fftConv: u must be [B, H, L], got ${fmt(u.shape)}`);
  if (k.ndim !== 2 && k.ndim !== 3) throw new ShapeError(`fftConv: k must be [H, Lk] or [C, H, Lk], got ${fmt(k.shape)}`);
  const [, H, L] = u.shape;
  const kH = k.shape[k.ndim - 2];
  const Lk = k.shape[k.ndim - 1];
  if (kH !== H) throw new ShapeError(`fftConv: k has ${kH} channels but u has H = ${H} (u ${fmt(u.shape)}, k ${fmt(k.shape)})`);
  if (Lk > L) throw new RangeError(`fftConv: kernel length ${Lk} exceeds the input length ${L}; taps past L − 1 cannot reach any output (truncate the kernel to ${L} first)`);
  if (Lk < 1) throw new RangeError(`fftConv: kernel length must be at least 1, got ${Lk}`);
  if (!opts.bidirectional) {
    const out = causalConv(u, k.ndim === 2 ? unsqueeze(k, 0) : k);
    return k.ndim === 2 ? reshape(out, u.shape) : out;
  }
  if (k.ndim !== 3 || k.shape[0] % 2 !== 0) {
    throw new ShapeError(`fftConv: a bidirectional kernel must be [2C, H, Lk] (causal channels first), got ${fmt(k.shape)}`);
  }
  const C = k.shape[0] / 2;
  const k0 = narrow(k, 0, 0, C);
  // k1 delayed by one tap (lag +1 first) and cut to L taps: (0, k1_0, k1_1, …).
  const k1 = slice(pad(narrow(k, 0, C, C), [1, 0]), 2, 0, Math.min(Lk + 1, L));
  const backward = flip(causalConv(flip(u, 2), k1), 3);
  return add(causalConv(u, k0), backward);
}

// ---- spectral helpers --------------------------------------------------------------------

/** rfft of `rows` rows of length `len` (contiguous in `data`), each zero-padded to n. */
function spectra(data: Storage, rows: number, len: number, n: number, dtype: DType): Storage {
  const padded = allocate(dtype, rows * n);
  for (let r = 0; r < rows; r++) padded.set(data.subarray(r * len, (r + 1) * len), r * n);
  const out = allocate(dtype, rows * (n / 2 + 1) * 2);
  if (rows > 0) getBackend().rfft({ input: padded, output: out, n, batch: rows });
  return out;
}

/** irfft (with the 1/n) of `rows` spectra, keeping the first `keep` samples of each row. */
function inverse(spec: Storage, rows: number, n: number, keep: number, shape: number[], dtype: DType): Tensor {
  const full = allocate(dtype, rows * n);
  if (rows > 0) getBackend().irfft({ input: spec, output: full, n, batch: rows, scale: 1 / n });
  const out = empty(shape, dtype);
  for (let r = 0; r < rows; r++) out.data.set(full.subarray(r * n, r * n + keep), r * keep);
  return out;
}

/** acc[a] (+)= x[i] · (conjugate ? conj y[j] : y[j]) over the bins of one row triple. */
function mulSpectra(acc: Storage, a: number, x: Storage, i: number, y: Storage, j: number, bins: number, conjugate: boolean): void {
  const s = conjugate ? -1 : 1;
  for (let q = 0; q < 2 * bins; q += 2) {
    const xr = x[i + q], xi = x[i + q + 1], yr = y[j + q], yi = s * y[j + q + 1];
    acc[a + q] += xr * yr - xi * yi;
    acc[a + q + 1] += xr * yi + xi * yr;
  }
}

// ---- the three primitives -----------------------------------------------------------------

/** Spectra (rfft at the family's size n) of a primitive's two tensor operands, if already known. */
type Known = [Storage | undefined, Storage | undefined];

/** y[b,c,h] = u[b,h] ∗ k[c,h] (causal, first L samples): u [B, H, L], k [C, H, Lk] → [B, C, H, L]. */
function causalConv(u: Tensor, k: Tensor, known: Known = [undefined, undefined]): Tensor {
  const [B, H, L] = u.shape;
  const [C, , Lk] = k.shape;
  const n = fftSize(L + Lk - 1);
  const bins = n / 2 + 1;
  const U = known[0] ?? spectra(u.data, B * H, L, n, u.dtype);
  const K = known[1] ?? spectra(k.data, C * H, Lk, n, u.dtype);
  const Y = allocate(u.dtype, B * C * H * bins * 2);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) {
    mulSpectra(Y, ((b * C + c) * H + h) * bins * 2, U, (b * H + h) * bins * 2, K, (c * H + h) * bins * 2, bins, false);
  }
  const out = inverse(Y, B * C * H, n, L, [B, C, H, L], u.dtype);
  // ū = correlateInput(ȳ, k) needs K, k̄ = correlateKernel(ȳ, u, Lk) needs U (SPEC 1.7): keep
  // each only if its gradient can be asked for.
  const keepK = u.requiresGrad ? K : undefined;
  const keepU = k.requiresGrad ? U : undefined;
  return record(out, 'fftConv', [u, k], (g, needs) => {
    const G = spectra(g.data, B * C * H, L, n, g.dtype);
    return [
      needs[0] ? correlateInput(g, k, [G, keepK]) : null,
      needs[1] ? correlateKernel(g, u, Lk, [G, keepU]) : null,
    ];
  });
}

/**
 * ū[b,h,s] = Σ_c Σ_t g[b,c,h,t] k[c,h,t−s]: g [B, C, H, L], k [C, H, Lk] → [B, H, L].
 * VJP, from ⟨h̄, ū⟩ = Σ h̄[b,h,s] g[b,c,h,s+j] k[c,h,j]:
 *   ḡ = causalConv(h̄, k)   (t = s + j),     k̄ = correlateKernel(g, h̄, Lk).
 */
function correlateInput(g: Tensor, k: Tensor, known: Known = [undefined, undefined]): Tensor {
  const [B, C, H, L] = g.shape;
  const Lk = k.shape[2];
  const n = fftSize(L + Lk - 1);
  const bins = n / 2 + 1;
  const G = known[0] ?? spectra(g.data, B * C * H, L, n, g.dtype);
  const K = known[1] ?? spectra(k.data, C * H, Lk, n, g.dtype);
  const Ubar = allocate(g.dtype, B * H * bins * 2);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) {
    mulSpectra(Ubar, (b * H + h) * bins * 2, G, ((b * C + c) * H + h) * bins * 2, K, (c * H + h) * bins * 2, bins, true);
  }
  const out = inverse(Ubar, B * H, n, L, [B, H, L], g.dtype);
  return record(out, 'fftConvGradInput', [g, k], (hbar, needs) => {
    const Hb = spectra(hbar.data, B * H, L, n, g.dtype);
    return [
      needs[0] ? causalConv(hbar, k, [Hb, K]) : null,
      needs[1] ? correlateKernel(g, hbar, Lk, [G, Hb]) : null,
    ];
  });
}

/**
 * k̄[c,h,j] = Σ_b Σ_t g[b,c,h,t] u[b,h,t−j], j < Lk: g [B, C, H, L], u [B, H, L] → [C, H, Lk].
 * VJP, from ⟨κ̄, k̄⟩ = Σ κ̄[c,h,j] g[b,c,h,s+j] u[b,h,s]:
 *   ḡ = causalConv(u, κ̄)   (t = s + j),     ū = correlateInput(g, κ̄).
 */
function correlateKernel(g: Tensor, u: Tensor, Lk: number, known: Known = [undefined, undefined]): Tensor {
  const [B, C, H, L] = g.shape;
  const n = fftSize(L + Lk - 1);
  const bins = n / 2 + 1;
  const G = known[0] ?? spectra(g.data, B * C * H, L, n, g.dtype);
  const U = known[1] ?? spectra(u.data, B * H, L, n, g.dtype);
  const Kbar = allocate(g.dtype, C * H * bins * 2);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) {
    mulSpectra(Kbar, (c * H + h) * bins * 2, G, ((b * C + c) * H + h) * bins * 2, U, (b * H + h) * bins * 2, bins, true);
  }
  const out = inverse(Kbar, C * H, n, Lk, [C, H, Lk], g.dtype);
  return record(out, 'fftConvGradKernel', [g, u], (kbar, needs) => {
    const Kb = spectra(kbar.data, C * H, Lk, n, g.dtype);
    return [
      needs[0] ? causalConv(u, kbar, [U, Kb]) : null,
      needs[1] ? correlateInput(g, kbar, [G, Kb]) : null,
    ];
  });
}
