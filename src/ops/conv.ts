// Causal long convolution through the FFT, O(L log L) per channel:
//   y[b,c,h,t] = Σ_{j=0}^{min(t, Lk−1)} k[c,h,j] · u[b,h,t−j],   t = 0..L−1.
// Zero-padding both operands to any n ≥ L + Lk − 1 makes the circular convolution of length n
// equal to the linear one on [0, L): y = irfft(rfft(u, n) ⊙ rfft(k, n), n)[:L]. We take n the
// next power of two (the fastest FFT size); the result does not depend on the choice.
//
// The backward pass is a correlation, also through the FFT (SPEC 1.7): with G = rfft(ḡ, n),
//   ū[b,h] = Σ_c irfft(G[b,c,h] ⊙ conj(K[c,h]))[:L],   k̄[c,h] = Σ_b irfft(G[b,c,h] ⊙ conj(U[b,h]))[:Lk]
// written with the differentiable rfft/irfft/complex ops, so gradients of gradients work too.
//
// The bidirectional form (SPEC 1.5) adds an anti-causal kernel k1 whose first tap weighs the
// next input: y_t += Σ_{j≥0} k1_j · u_{t+1+j}. It is the causal convolution of the reversed
// input with k1 delayed by one tap, reversed back, independent of any FFT size.

import { getBackend } from '../backend/index.js';
import { record } from '../autograd/graph.js';
import { type Storage, allocate } from '../tensor/dtype.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { type Tensor, checkSameDType } from '../tensor/tensor.js';
import { add } from './binary.js';
import { cmul, conj } from './complex.js';
import { irfft, rfft } from './fft.js';
import { sum } from './reduce.js';
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

/** The primitive: u [B, H, L], k [C, H, Lk] → y [B, C, H, L]. */
function causalConv(u: Tensor, k: Tensor): Tensor {
  const [B, H, L] = u.shape;
  const [C, , Lk] = k.shape;
  const n = fftSize(L + Lk - 1);
  const bins = n / 2 + 1;
  const out = empty([B, C, H, L], u.dtype);
  // Spectra of the zero-padded rows, the pointwise products, and the inverse transforms.
  // One dtype throughout, so that every backend call sees a single array type.
  const row = allocate(u.dtype, Math.max(B * H, C * H) * n);
  const U = allocate(u.dtype, B * H * bins * 2);
  const K = allocate(u.dtype, C * H * bins * 2);
  const spectrum = (src: Tensor, rows: number, len: number, dst: Storage): void => {
    row.fill(0, 0, rows * n);
    for (let r = 0; r < rows; r++) row.set(src.data.subarray(r * len, (r + 1) * len), r * n);
    getBackend().rfft({ input: row, output: dst, n, batch: rows });
  };
  spectrum(u, B * H, L, U);
  spectrum(k, C * H, Lk, K);
  const Y = allocate(u.dtype, B * C * H * bins * 2);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) {
    const ui = (b * H + h) * bins * 2;
    const ki = (c * H + h) * bins * 2;
    const yi = ((b * C + c) * H + h) * bins * 2;
    for (let q = 0; q < 2 * bins; q += 2) {
      const ur = U[ui + q], uim = U[ui + q + 1], kr = K[ki + q], kim = K[ki + q + 1];
      Y[yi + q] = ur * kr - uim * kim;
      Y[yi + q + 1] = ur * kim + uim * kr;
    }
  }
  const y = allocate(u.dtype, B * C * H * n);
  getBackend().irfft({ input: Y, output: y, n, batch: B * C * H, scale: 1 / n });
  for (let r = 0; r < B * C * H; r++) out.data.set(y.subarray(r * n, r * n + L), r * L);

  return record(out, 'fftConv', [u, k], (g, needs) => {
    const G = rfft(g, n); // [B, C, H, bins, 2]
    const gu = needs[0] ? sum(irfft(cmul(G, conj(rfft(k, n))), n), 1) : null; // Σ_c → [B, H, n]
    const gk = needs[1] ? sum(irfft(cmul(G, unsqueeze(conj(rfft(u, n)), 1)), n), 0) : null; // Σ_b → [C, H, n]
    return [gu === null ? null : slice(gu, 2, 0, L), gk === null ? null : slice(gk, 2, 0, Lk)];
  });
}
