// Shared helpers for the FFT kernel tests: a seeded generator of test rows and the error scale
// the tolerances are relative to. Not a test file itself (no `.test` in the name).

/** Deterministic uniform numbers in [−1, 1) (mulberry32), so failures reproduce. */
export function randomRow(length: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** The largest |value|, at least 1: tolerances are written as ε · scaleOf(expected). */
export function scaleOf(x: ArrayLike<number>): number {
  let m = 1;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/** Real rows (batch × n) → complex rows (batch × n, interleaved, imaginary parts 0). */
export function complexify(x: ArrayLike<number>): Float64Array {
  const z = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) z[2 * i] = x[i];
  return z;
}

/** The first `bins` complex values of each of `batch` rows of length n. */
export function firstBins(z: ArrayLike<number>, n: number, batch: number, bins: number): Float64Array {
  const out = new Float64Array(2 * bins * batch);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < 2 * bins; i++) out[2 * bins * b + i] = z[2 * n * b + i];
  }
  return out;
}

/** The lengths every path is checked at (SPEC 1.8 item 5 and the task's list). */
export const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 64, 100, 1000, 1024, 4096];
