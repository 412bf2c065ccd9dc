// The naive O(n²) DFT, straight from the definition (SPEC 1.1):
//   X_k = Σ_{t=0}^{n−1} x_t · e^{∓2πi·kt/n}      (− forward, + inverse; unscaled both ways).
// NAIVE ON PURPOSE: it is the slow truth every fast path (radix-2, radix-4, packed real FFT,
// Bluestein) is tested against, not something to call on long rows. It takes each e^{2πi·j/n}
// from a table indexed by j = k·t mod n (kept exact in integers) and sums in float64 with
// Neumaier's compensated summation, so its own error stays near one rounding of each product
// (~ε·√n·max|x|) instead of a plain sum's ~ε·n·max|x|: the truth should be more accurate than
// what it judges. No speed tricks and no care about monomorphic loops: tests call it, nothing else.

import { unitRoot } from './plan.js';

export function naiveDftRows(input: Float32Array | Float64Array, output: Float32Array | Float64Array, n: number, batch: number, inverse: boolean): void {
  const roots = new Float64Array(2 * n); // (cos, sin)(2πj/n)
  for (let j = 0; j < n; j++) unitRoot(roots, 2 * j, j, n);
  const sign = inverse ? 1 : -1;
  const row = new Float64Array(2 * n); // a copy, so that input and output may be the same array
  for (let b = 0; b < batch; b++) {
    const off = 2 * n * b;
    for (let i = 0; i < 2 * n; i++) row[i] = input[off + i];
    for (let k = 0; k < n; k++) {
      const re = new CompensatedSum();
      const im = new CompensatedSum();
      for (let t = 0, j = 0; t < n; t++, j = (j + k) % n) {
        // j = k·t mod n; e^{∓2πi·j/n} = (cos, ∓sin)
        const c = roots[2 * j];
        const s = sign * roots[2 * j + 1];
        const xr = row[2 * t];
        const xi = row[2 * t + 1];
        re.add(xr * c);
        re.add(-xi * s);
        im.add(xr * s);
        im.add(xi * c);
      }
      output[off + 2 * k] = re.value();
      output[off + 2 * k + 1] = im.value();
    }
  }
}

/** Neumaier's variant of Kahan summation: keeps the low-order bits each addition drops. */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(x: number): void {
    const t = this.sum + x;
    // whichever operand is smaller in magnitude lost its low bits in t; recover them exactly
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return this.sum + this.compensation;
  }
}
