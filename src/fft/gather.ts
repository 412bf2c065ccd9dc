// The first stage of the radix-4 FFT, fused with the bit-reversal permutation ("gather"), once
// per input dtype.
//
// After a base-2 bit reversal of n = 2^p samples, each output block of length L = 2^s (s ≤ p)
// holds the samples x[rev(Lm) + j·n/L], j = 0..L−1, in bit-reversed order of j: the low s bits
// of Lm + j, reversed, are the top s bits of rev. Its first FFT stages turn the block into the
// length-L DFT of y_j = x[rev(Lm) + j·n/L] in natural order. So the permutation and those stages
// fuse into one loop that reads y_0..y_{L−1} straight from the input and writes Y_0..Y_{L−1}:
//   even p: L = 4, then radix-4 stages with q = 4, 16, …;
//   odd p:  L = 8, then q = 8, 32, …, which saves the stage q = 2 and its short inner loops
//           (measured 10-15% faster at odd powers than a 2-point gather); n = 2 is the
//           2-point DFT alone.
// The small DFTs have twiddles ±1, ±i, (±1 ± i)/√2 only. The inverse needs no other code: since
// Σ_j y_j e^{+2πijk/L} = Σ_j y_j e^{−2πij(L−k)/L}, the inverse DFT is the forward one with its
// outputs stored at L−k instead of k.
//
// Why two copies: the function that reads the caller's array is the only loop that sees its
// dtype. Written once and fed both Float32Array and Float64Array, V8 would compile it for a
// polymorphic load (measured up to 2x slower), so gather64 and gather32 have identical bodies
// and differ only in the type of `x`.

const SQRT1_2 = Math.SQRT1_2;

/** First stage from a float64 row: x at xOff (n complex values) → y at yOff, bit-reversed. */
export function gather64(x: Float64Array, xOff: number, y: Float64Array, yOff: number, n: number, rev: Uint32Array, oddPower: boolean, inverse: boolean): void {
  if (n === 2) {
    const ar = x[xOff], ai = x[xOff + 1], br = x[xOff + 2], bi = x[xOff + 3];
    y[yOff] = ar + br;
    y[yOff + 1] = ai + bi;
    y[yOff + 2] = ar - br;
    y[yOff + 3] = ai - bi;
    return;
  }
  if (!oddPower) {
    const s = n >> 1; // stride n/4 complex values = n/2 doubles
    const q1 = inverse ? 6 : 2, q3 = inverse ? 2 : 6; // Y_1, Y_3 of a 4-point block
    for (let m = 0; m < n; m += 4) {
      const p = xOff + 2 * rev[m];
      const y0r = x[p], y0i = x[p + 1], y1r = x[p + s], y1i = x[p + s + 1];
      const y2r = x[p + 2 * s], y2i = x[p + 2 * s + 1], y3r = x[p + 3 * s], y3i = x[p + 3 * s + 1];
      const o = yOff + 2 * m;
      // 4-point DFT: Y_{0,2} = (y0+y2) ± (y1+y3), Y_{1,3} = (y0−y2) ∓ i(y1−y3)
      const ar = y0r + y2r, ai = y0i + y2i, br = y0r - y2r, bi = y0i - y2i;
      const cr = y1r + y3r, ci = y1i + y3i, dr = y1r - y3r, di = y1i - y3i;
      y[o] = ar + cr;
      y[o + 1] = ai + ci;
      y[o + 4] = ar - cr;
      y[o + 5] = ai - ci;
      y[o + q1] = br + di;
      y[o + q1 + 1] = bi - dr;
      y[o + q3] = br - di;
      y[o + q3 + 1] = bi + dr;
    }
    return;
  }
  const s = n >> 2; // stride n/8 complex values = n/4 doubles
  // Output offsets (in doubles) of Y_1..Y_7 within a block: k forward, L−k inverse.
  const o1 = inverse ? 14 : 2, o2 = inverse ? 12 : 4, o3 = inverse ? 10 : 6;
  const o5 = inverse ? 6 : 10, o6 = inverse ? 4 : 12, o7 = inverse ? 2 : 14;
  for (let m = 0; m < n; m += 8) {
    const p = xOff + 2 * rev[m];
    const y0r = x[p], y0i = x[p + 1], y1r = x[p + s], y1i = x[p + s + 1];
    const y2r = x[p + 2 * s], y2i = x[p + 2 * s + 1], y3r = x[p + 3 * s], y3i = x[p + 3 * s + 1];
    const y4r = x[p + 4 * s], y4i = x[p + 4 * s + 1], y5r = x[p + 5 * s], y5i = x[p + 5 * s + 1];
    const y6r = x[p + 6 * s], y6i = x[p + 6 * s + 1], y7r = x[p + 7 * s], y7i = x[p + 7 * s + 1];
    // 8-point DFT, radix-2 split: E, O = 4-point DFTs of the even and odd samples, then
    // Y_k = E_k + w^k O_k, Y_{k+4} = E_k − w^k O_k, w = e^{−2πi/8}: w = (1 − i)/√2, w² = −i,
    // w³ = −(1 + i)/√2.
    const a0r = y0r + y4r, a0i = y0i + y4i, a1r = y0r - y4r, a1i = y0i - y4i;
    const a2r = y2r + y6r, a2i = y2i + y6i, a3r = y2r - y6r, a3i = y2i - y6i;
    const e0r = a0r + a2r, e0i = a0i + a2i, e2r = a0r - a2r, e2i = a0i - a2i;
    const e1r = a1r + a3i, e1i = a1i - a3r, e3r = a1r - a3i, e3i = a1i + a3r;
    const b0r = y1r + y5r, b0i = y1i + y5i, b1r = y1r - y5r, b1i = y1i - y5i;
    const b2r = y3r + y7r, b2i = y3i + y7i, b3r = y3r - y7r, b3i = y3i - y7i;
    const f0r = b0r + b2r, f0i = b0i + b2i, f2r = b0r - b2r, f2i = b0i - b2i;
    const f1r = b1r + b3i, f1i = b1i - b3r, f3r = b1r - b3i, f3i = b1i + b3r;
    const g1r = SQRT1_2 * (f1r + f1i), g1i = SQRT1_2 * (f1i - f1r); // w·O_1
    const g2r = f2i, g2i = -f2r; //                                       w²·O_2
    const g3r = SQRT1_2 * (f3i - f3r), g3i = -SQRT1_2 * (f3r + f3i); // w³·O_3
    const o = yOff + 2 * m;
    y[o] = e0r + f0r;
    y[o + 1] = e0i + f0i;
    y[o + 8] = e0r - f0r; // Y_4 sits at L − 4 = 4 in both directions
    y[o + 9] = e0i - f0i;
    y[o + o1] = e1r + g1r;
    y[o + o1 + 1] = e1i + g1i;
    y[o + o5] = e1r - g1r;
    y[o + o5 + 1] = e1i - g1i;
    y[o + o2] = e2r + g2r;
    y[o + o2 + 1] = e2i + g2i;
    y[o + o6] = e2r - g2r;
    y[o + o6 + 1] = e2i - g2i;
    y[o + o3] = e3r + g3r;
    y[o + o3 + 1] = e3i + g3i;
    y[o + o7] = e3r - g3r;
    y[o + o7 + 1] = e3i - g3i;
  }
}

/** As `gather64`, from a float32 row (same body; see the header for why it is repeated). */
export function gather32(x: Float32Array, xOff: number, y: Float64Array, yOff: number, n: number, rev: Uint32Array, oddPower: boolean, inverse: boolean): void {
  if (n === 2) {
    const ar = x[xOff], ai = x[xOff + 1], br = x[xOff + 2], bi = x[xOff + 3];
    y[yOff] = ar + br;
    y[yOff + 1] = ai + bi;
    y[yOff + 2] = ar - br;
    y[yOff + 3] = ai - bi;
    return;
  }
  if (!oddPower) {
    const s = n >> 1;
    const q1 = inverse ? 6 : 2, q3 = inverse ? 2 : 6;
    for (let m = 0; m < n; m += 4) {
      const p = xOff + 2 * rev[m];
      const y0r = x[p], y0i = x[p + 1], y1r = x[p + s], y1i = x[p + s + 1];
      const y2r = x[p + 2 * s], y2i = x[p + 2 * s + 1], y3r = x[p + 3 * s], y3i = x[p + 3 * s + 1];
      const o = yOff + 2 * m;
      const ar = y0r + y2r, ai = y0i + y2i, br = y0r - y2r, bi = y0i - y2i;
      const cr = y1r + y3r, ci = y1i + y3i, dr = y1r - y3r, di = y1i - y3i;
      y[o] = ar + cr;
      y[o + 1] = ai + ci;
      y[o + 4] = ar - cr;
      y[o + 5] = ai - ci;
      y[o + q1] = br + di;
      y[o + q1 + 1] = bi - dr;
      y[o + q3] = br - di;
      y[o + q3 + 1] = bi + dr;
    }
    return;
  }
  const s = n >> 2;
  const o1 = inverse ? 14 : 2, o2 = inverse ? 12 : 4, o3 = inverse ? 10 : 6;
  const o5 = inverse ? 6 : 10, o6 = inverse ? 4 : 12, o7 = inverse ? 2 : 14;
  for (let m = 0; m < n; m += 8) {
    const p = xOff + 2 * rev[m];
    const y0r = x[p], y0i = x[p + 1], y1r = x[p + s], y1i = x[p + s + 1];
    const y2r = x[p + 2 * s], y2i = x[p + 2 * s + 1], y3r = x[p + 3 * s], y3i = x[p + 3 * s + 1];
    const y4r = x[p + 4 * s], y4i = x[p + 4 * s + 1], y5r = x[p + 5 * s], y5i = x[p + 5 * s + 1];
    const y6r = x[p + 6 * s], y6i = x[p + 6 * s + 1], y7r = x[p + 7 * s], y7i = x[p + 7 * s + 1];
    const a0r = y0r + y4r, a0i = y0i + y4i, a1r = y0r - y4r, a1i = y0i - y4i;
    const a2r = y2r + y6r, a2i = y2i + y6i, a3r = y2r - y6r, a3i = y2i - y6i;
    const e0r = a0r + a2r, e0i = a0i + a2i, e2r = a0r - a2r, e2i = a0i - a2i;
    const e1r = a1r + a3i, e1i = a1i - a3r, e3r = a1r - a3i, e3i = a1i + a3r;
    const b0r = y1r + y5r, b0i = y1i + y5i, b1r = y1r - y5r, b1i = y1i - y5i;
    const b2r = y3r + y7r, b2i = y3i + y7i, b3r = y3r - y7r, b3i = y3i - y7i;
    const f0r = b0r + b2r, f0i = b0i + b2i, f2r = b0r - b2r, f2i = b0i - b2i;
    const f1r = b1r + b3i, f1i = b1i - b3r, f3r = b1r - b3i, f3i = b1i + b3r;
    const g1r = SQRT1_2 * (f1r + f1i), g1i = SQRT1_2 * (f1i - f1r);
    const g2r = f2i, g2i = -f2r;
    const g3r = SQRT1_2 * (f3i - f3r), g3i = -SQRT1_2 * (f3r + f3i);
    const o = yOff + 2 * m;
    y[o] = e0r + f0r;
    y[o + 1] = e0i + f0i;
    y[o + 8] = e0r - f0r;
    y[o + 9] = e0i - f0i;
    y[o + o1] = e1r + g1r;
    y[o + o1 + 1] = e1i + g1i;
    y[o + o5] = e1r - g1r;
    y[o + o5 + 1] = e1i - g1i;
    y[o + o2] = e2r + g2r;
    y[o + o2 + 1] = e2i + g2i;
    y[o + o6] = e2r - g2r;
    y[o + o6 + 1] = e2i - g2i;
    y[o + o3] = e3r + g3r;
    y[o + o3 + 1] = e3i + g3i;
    y[o + o7] = e3r - g3r;
    y[o + o7 + 1] = e3i - g3i;
  }
}
