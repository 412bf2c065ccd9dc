// Radix-4 Cooley-Tukey FFT for n = 2^p: the fast path, checked against the radix-2 reference
// (radix2.ts) in test/fft/kernels.test.ts.
//
// One radix-4 stage does the work of two radix-2 stages in one pass over memory and with 3
// complex multiplications per 4 points instead of 4. Split the samples of a block of length 4q
// by index mod 4; let D_j be the length-q DFT of the samples ≡ j (mod 4) and W = e^{∓2πi/(4q)}
// (− forward, + inverse). Since W^q = ∓i, for r = 0..q−1 and l = 0..3:
//   X_{r+lq} = Σ_j (∓i)^{jl} · W^{jr} D_j(r).
// With a = D_0, b = W^r D_1, c = W^{2r} D_2, d = W^{3r} D_3 and t0 = a+c, t1 = a−c, t2 = b+d,
// t3 = b−d this is
//   X_r = t0 + t2,   X_{r+2q} = t0 − t2,   X_{r+q} = t1 ∓ i·t3,   X_{r+3q} = t1 ± i·t3,
// so the inverse differs from the forward only in its twiddle table and in which of the
// quarters q, 3q receives t1 − i·t3: no sign tests inside the loop.
//
// Layout: after a base-2 bit-reversal permutation, a block of length 4q holds in its quarters
// the DFTs of the samples ≡ 0, 2, 1, 3 (mod 4), i.e. D_0, D_2, D_1, D_3 (the middle two are
// swapped). The permutation is fused with the first stages (gather.ts): the gather reads the
// input at bit-reversed positions and writes 4-point DFTs (8-point when p is odd), so the input
// is read once and never permuted in place; radix-4 stages follow with q = 4, 16, … (even p)
// or q = 8, 32, … (odd p).
//
// Dtypes: all butterflies run on Float64Array (a caller's float64 output, or a reused float64
// scratch buffer for float32 data), so the hot loop `radix4Stages` only ever sees one array
// type and V8 keeps it monomorphic. The only code that touches a caller's array is the gather,
// written once per input dtype (gather64 / gather32).

import { getPlan, radix4Twiddles } from './plan.js';
import { gather32, gather64 } from './gather.js';

/**
 * Out-of-place FFT of length n = 2^p (unscaled in both directions) from interleaved float64
 * `src` at `srcOffset` into `dst` at `dstOffset`. The two ranges must not overlap.
 */
export function fftPow2(src: Float64Array, srcOffset: number, dst: Float64Array, dstOffset: number, n: number, inverse: boolean): void {
  if (n === 1) {
    dst[dstOffset] = src[srcOffset];
    dst[dstOffset + 1] = src[srcOffset + 1];
    return;
  }
  const plan = getPlan(n);
  const oddPower = (plan.log2n & 1) === 1;
  gather64(src, srcOffset, dst, dstOffset, n, plan.bitReverse, oddPower, inverse);
  radix4Stages(dst, dstOffset, n, oddPower ? 8 : 4, radix4Twiddles(plan, inverse), inverse);
}

/** As `fftPow2`, reading float32 input; the result is float64. */
export function fftPow2F32(src: Float32Array, srcOffset: number, dst: Float64Array, dstOffset: number, n: number, inverse: boolean): void {
  if (n === 1) {
    dst[dstOffset] = src[srcOffset];
    dst[dstOffset + 1] = src[srcOffset + 1];
    return;
  }
  const plan = getPlan(n);
  const oddPower = (plan.log2n & 1) === 1;
  gather32(src, srcOffset, dst, dstOffset, n, plan.bitReverse, oddPower, inverse);
  radix4Stages(dst, dstOffset, n, oddPower ? 8 : 4, radix4Twiddles(plan, inverse), inverse);
}

/**
 * The radix-4 stages with quarter lengths q = q0, 4·q0, … (block length 4q ≤ n), in place on
 * float64 `x` from `off`. `tw` is the plan's stage table for this direction: six numbers
 * (W^r, W^{2r}, W^{3r}) per r, stage after stage.
 *
 * Loop order: the butterflies of a stage are independent, so they may run in any order. For
 * short quarters (q ≤ 16) "each r, then every block" loads each twiddle once and keeps the
 * inner loop long; for longer ones "each block, then every r" walks memory and the table
 * sequentially. (On the target machine this measured 5-15% faster at 2^10..2^16 than the
 * block-outer order everywhere.)
 */
function radix4Stages(x: Float64Array, off: number, n: number, q0: number, tw: Float64Array, inverse: boolean): void {
  const end = off + 2 * n;
  let stageTw = 0; // where this stage's table starts
  for (let q = q0; 4 * q <= n; q *= 4) {
    const step = 2 * q; // doubles between quarters
    const blockStep = 4 * step;
    const oMinus = inverse ? 3 * step : step; // where t1 − i·t3 goes
    const oPlus = inverse ? step : 3 * step; //  where t1 + i·t3 goes
    if (q <= 16) {
      for (let r = 0, w = stageTw; r < q; r++, w += 6) {
        const w1r = tw[w], w1i = tw[w + 1], w2r = tw[w + 2], w2i = tw[w + 3], w3r = tw[w + 4], w3i = tw[w + 5];
        for (let i0 = off + 2 * r; i0 < end; i0 += blockStep) {
          butterfly4(x, i0, step, oMinus, oPlus, w1r, w1i, w2r, w2i, w3r, w3i);
        }
      }
    } else {
      for (let block = off; block < end; block += blockStep) {
        for (let r = 0, w = stageTw; r < q; r++, w += 6) {
          butterfly4(x, block + 2 * r, step, oMinus, oPlus, tw[w], tw[w + 1], tw[w + 2], tw[w + 3], tw[w + 4], tw[w + 5]);
        }
      }
    }
    stageTw += 6 * q;
  }
}

/**
 * One radix-4 butterfly on the four points i0, i0+q, i0+2q, i0+3q (complex indices; `step` =
 * 2q doubles) with twiddles W^r = (w1r, w1i), W^{2r}, W^{3r}. Small enough for V8 to inline
 * into both loops above. The twiddles come as numbers, not a table index, so that the r-outer
 * loop loads them once: V8 cannot hoist the loads itself, since `x` and `tw` are both
 * Float64Arrays and might alias.
 */
function butterfly4(x: Float64Array, i0: number, step: number, oMinus: number, oPlus: number,
  w1r: number, w1i: number, w2r: number, w2i: number, w3r: number, w3i: number): void {
  const i1 = i0 + step; // D_2 (bit-reversed order swaps the middle quarters)
  const i2 = i1 + step; // D_1
  const i3 = i2 + step; // D_3
  const ar = x[i0], ai = x[i0 + 1];
  const d1r = x[i2], d1i = x[i2 + 1];
  const d2r = x[i1], d2i = x[i1 + 1];
  const d3r = x[i3], d3i = x[i3 + 1];
  const br = w1r * d1r - w1i * d1i, bi = w1r * d1i + w1i * d1r; // b = W^r D_1
  const cr = w2r * d2r - w2i * d2i, ci = w2r * d2i + w2i * d2r; // c = W^{2r} D_2
  const dr = w3r * d3r - w3i * d3i, di = w3r * d3i + w3i * d3r; // d = W^{3r} D_3
  const t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
  const t2r = br + dr, t2i = bi + di, t3r = br - dr, t3i = bi - di;
  x[i0] = t0r + t2r; // X_r = t0 + t2
  x[i0 + 1] = t0i + t2i;
  x[i2] = t0r - t2r; // X_{r+2q} = t0 − t2
  x[i2 + 1] = t0i - t2i;
  x[i0 + oMinus] = t1r + t3i; // t1 − i·t3
  x[i0 + oMinus + 1] = t1i - t3r;
  x[i0 + oPlus] = t1r - t3i; // t1 + i·t3
  x[i0 + oPlus + 1] = t1i + t3r;
}
