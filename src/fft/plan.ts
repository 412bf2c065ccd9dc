// Plans for power-of-two FFTs: everything about a length n = 2^p that does not depend on the
// data, built once per n and kept in a bounded cache (`getPlan(n)`, cache.ts):
//   - the bit-reversal permutation rev(i) (SPEC 1.2 step 1);
//   - the radix-2 twiddle table w_k = (cos 2πk/n, sin 2πk/n), k = 0..n/2−1, read by the radix-2
//     reference at index r·(n/size) for stage `size` (built on first use);
//   - the radix-4 stage tables (built on first use, one per direction), laid out so that the
//     radix-4 kernel reads them sequentially.
// Every twiddle is computed directly from cos/sin in float64 (`unitRoot`), never by repeated
// multiplication w ← w·w₁, which would accumulate O(n·ε) phase error (SPEC 1.2, numerics).

import { LengthCache } from './cache.js';

export interface Pow2Plan {
  readonly n: number;
  readonly log2n: number;
  /** rev[i] = i with its log2n bits reversed. */
  readonly bitReverse: Uint32Array;
  /** Radix-2 table, built lazily by `radix2Twiddles`. */
  radix2: Float64Array | undefined;
  /** Radix-4 stage tables, built lazily by `radix4Twiddles`: [forward, inverse]. */
  radix4: [Float64Array | undefined, Float64Array | undefined];
}

/**
 * Write cos(2πk/N) and sin(2πk/N) into out[i], out[i+1].
 *
 * The angle is first folded into [0, π/4] by exact integer symmetries (θ → 2π−θ, θ → π−θ,
 * θ → π/2−θ), counting in units of π/(4N) so every fold stays an integer. Two things follow:
 * the points on the axes (θ = 0, π/2, π, 3π/2) come out exactly as 0 and ±1, and Math.cos/sin
 * are only asked for small arguments, where they are most accurate.
 */
export function unitRoot(out: Float64Array, i: number, k: number, N: number): void {
  let u = 8 * (((k % N) + N) % N); // θ = u·π/(4N), u in [0, 8N)
  let sinSign = 1;
  let cosSign = 1;
  let swap = false;
  if (u > 4 * N) { u = 8 * N - u; sinSign = -1; } // θ > π:   use 2π − θ (sin changes sign)
  if (u > 2 * N) { u = 4 * N - u; cosSign = -1; } // θ > π/2: use π − θ   (cos changes sign)
  if (u > N) { u = 2 * N - u; swap = true; }      // θ > π/4: use π/2 − θ (cos and sin swap)
  const phi = (Math.PI * u) / (4 * N);
  const c = swap ? Math.sin(phi) : Math.cos(phi);
  const s = swap ? Math.cos(phi) : Math.sin(phi);
  out[i] = cosSign * c;
  out[i + 1] = sinSign * s;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

const plans = new LengthCache(buildPlan);

/** The cached plan for a power-of-two length n (1 ≤ n ≤ 2^30). */
export function getPlan(n: number): Pow2Plan {
  return plans.get(n);
}

function buildPlan(n: number): Pow2Plan {
  if (!isPowerOfTwo(n)) throw new RangeError(`fft plan: n must be a power of two in [1, 2^30], got ${n}`);
  const log2n = Math.round(Math.log2(n));

  // rev(i) built incrementally (SPEC 1.2): going from i−1 to i adds 1 at the least significant
  // bit, so rev gains 1 at the *most* significant bit: clear 1-bits of j from the top (value
  // n/2) downward until the first 0-bit, and set that bit.
  const bitReverse = new Uint32Array(n);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    while (j & bit) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
    bitReverse[i] = j;
  }

  return { n, log2n, bitReverse, radix2: undefined, radix4: [undefined, undefined] };
}

/**
 * The radix-2 table: interleaved (cos θ_k, sin θ_k), θ_k = 2πk/n, k = 0..n/2−1 (the + sign;
 * the kernel negates sin for the forward transform).
 */
export function radix2Twiddles(plan: Pow2Plan): Float64Array {
  if (plan.radix2 === undefined) {
    const half = Math.max(1, plan.n >> 1);
    const table = new Float64Array(2 * half);
    for (let k = 0; k < half; k++) unitRoot(table, 2 * k, k, plan.n);
    plan.radix2 = table;
  }
  return plan.radix2;
}

/**
 * Radix-4 stage tables for the plan's length, in the order the stages run.
 *
 * The radix-4 kernel (radix4.ts) runs stages of block size 4q for q = q₀, 4q₀, 16q₀, … < n,
 * where q₀ = 4 when log2 n is even and q₀ = 8 when it is odd (the fused first stage, gather.ts,
 * makes blocks of 4 or 8). A stage multiplies the three odd quarters by w^r, w^{2r}, w^{3r} with
 * w = e^{∓2πi/(4q)}, r = 0..q−1, so its table holds, for each r, the six numbers
 *   cos φ₁, sin φ₁, cos φ₂, sin φ₂, cos φ₃, sin φ₃,   φ_j = ∓2π·j·r/(4q)
 * (minus sign forward, plus sign inverse). Total length 6·(q₀ + 4q₀ + …) < 2n doubles.
 */
export function radix4Twiddles(plan: Pow2Plan, inverse: boolean): Float64Array {
  const which = inverse ? 1 : 0;
  const cached = plan.radix4[which];
  if (cached !== undefined) return cached;
  const n = plan.n;
  const q0 = plan.log2n % 2 === 0 ? 4 : 8;
  let total = 0;
  for (let q = q0; 4 * q <= n; q *= 4) total += 6 * q;
  const table = new Float64Array(total);
  const sign = inverse ? 1 : -1;
  let at = 0;
  for (let q = q0; 4 * q <= n; q *= 4) {
    for (let r = 0; r < q; r++) {
      for (let j = 1; j <= 3; j++) {
        unitRoot(table, at, j * r, 4 * q);
        table[at + 1] *= sign;
        at += 2;
      }
    }
  }
  plan.radix4[which] = table;
  return table;
}
