// The slow truth for matmul: the textbook i-k-j loop, kept short enough to check by eye.
// NAIVE: about 0.5 GFLOP/s; the fast kernel in matmul.ts is tested against this one.
//
// For each row i of C it sweeps p along the inner dimension and adds A[i,p] times row p of B
// into a float64 row accumulator: float32 inputs are summed in double precision, as in the
// fast kernels, and a float32 result is rounded once, when the row is stored.

import type { MatmulArgs } from '../backend.js';
import { resolveMatmulArgs } from './matmul-args.js';

/** C[q] = op(A[q]) · op(B[q]) by the i-k-j loop; same contract as Backend.matmul. */
export function matmulNaive(args: MatmulArgs): void {
  const { a, b, out, batch, m, k, n, aStride, bStride, aRow, aCol, bRow, bCol } = resolveMatmulArgs(args);
  const row = new Float64Array(n);
  for (let q = 0; q < batch; q++) {
    const aOff = q * aStride;
    const bOff = q * bStride;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = a[aOff + i * aRow + p * aCol];
        const bp = bOff + p * bRow;
        for (let j = 0; j < n; j++) row[j] += aip * b[bp + j * bCol];
      }
      out.set(row, (q * m + i) * n);
    }
  }
}
