// Iterative radix-2 Cooley-Tukey FFT (decimation in time), the readable reference for the
// faster radix-4 kernel beside it (radix4.ts), which is tested against it. SPEC 1.2.
//
// The DFT of length n = 2^p splits into the DFTs of the even- and odd-indexed samples:
//   X_k       = E_k + w^k·O_k,
//   X_{k+n/2} = E_k − w^k·O_k,        w = e^{−2πi/n} (forward), e^{+2πi/n} (inverse),
// for k = 0..n/2−1. Applied recursively down to length 1, the leaves are the samples in
// bit-reversed order; so we permute once, then combine pairs of blocks of size 1, 2, 4, …
// in place ("butterflies").
//
// Data is interleaved complex (re, im, re, im, …) in a Float64Array, starting at `offset`.
// The inverse is unscaled: it computes Σ_k X_k e^{+2πikt/n}, without the 1/n.

import { getPlan, radix2Twiddles } from './plan.js';

export function fftRadix2InPlace(x: Float64Array, offset: number, n: number, inverse: boolean): void {
  const plan = getPlan(n);
  const rev = plan.bitReverse;
  const tw = radix2Twiddles(plan); // (cos 2πk/n, sin 2πk/n), k < n/2
  const sign = inverse ? 1 : -1; // sign of the exponent

  // 1. Bit-reversal permutation: swap each pair (i, rev i) once.
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (i < j) {
      const a = offset + 2 * i;
      const b = offset + 2 * j;
      const re = x[a];
      const im = x[a + 1];
      x[a] = x[b];
      x[a + 1] = x[b + 1];
      x[b] = re;
      x[b + 1] = im;
    }
  }

  // 2. Butterflies: blocks of `size` hold DFTs of length size/2 in their two halves.
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const stride = n / size; // e^{2πi·r/size} = e^{2πi·(r·stride)/n}: the table entry r·stride
    for (let start = 0; start < n; start += size) {
      for (let r = 0; r < half; r++) {
        const wr = tw[2 * r * stride];
        const wi = sign * tw[2 * r * stride + 1];
        const a = offset + 2 * (start + r);
        const b = a + 2 * half;
        // c = w^r · x[b]
        const cr = wr * x[b] - wi * x[b + 1];
        const ci = wr * x[b + 1] + wi * x[b];
        const ar = x[a];
        const ai = x[a + 1];
        x[a] = ar + cr;
        x[a + 1] = ai + ci;
        x[b] = ar - cr;
        x[b + 1] = ai - ci;
      }
    }
  }
}
