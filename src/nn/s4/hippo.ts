// HiPPO-LegS, the state matrix S4 starts from (SPEC 4.2; Gu et al. 2020, 2021).
//
// For n, k ∈ {0..N−1}:
//   A_nk = −√((2n+1)(2k+1))  (n > k),   A_nn = −(n+1),   A_nk = 0  (n < k),
//   B_n  = √(2n+1),
//   p_n  = √(n + ½)   (= B_n/√2), the rank-1 correction.
// Then A + ppᵀ = −½I + S with S real skew-symmetric:
//   S_nk = −½√((2n+1)(2k+1)) (n > k),  +½√((2n+1)(2k+1)) (n < k),  S_nn = 0,
// so A = (−½I + S) − ppᵀ is normal plus rank one ("NPLR"): what makeDPLR diagonalises.

import { Tensor } from '../../tensor/tensor.js';

export interface HiPPO {
  /** The LegS state matrix, [N, N] float64. */
  A: Tensor;
  /** The LegS input vector, [N]. */
  B: Tensor;
  /** The low-rank factor p = B/√2, [N]: A + ppᵀ = −½I + S. */
  p: Tensor;
  /** The skew-symmetric part S = A + ppᵀ + ½I, [N, N], built entry by entry (exactly skew). */
  S: Tensor;
}

/** HiPPO-LegS of size N: A, B, the rank-1 factor p and the skew part S (all float64). */
export function hippoLegS(N: number): HiPPO {
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`hippoLegS: N must be a positive integer, got ${N}`);
  const A = new Float64Array(N * N);
  const S = new Float64Array(N * N);
  const B = new Float64Array(N);
  const p = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    B[n] = Math.sqrt(2 * n + 1);
    p[n] = Math.sqrt(n + 0.5);
    A[n * N + n] = -(n + 1);
    for (let k = 0; k < n; k++) {
      const r = Math.sqrt((2 * n + 1) * (2 * k + 1));
      A[n * N + k] = -r;
      S[n * N + k] = -0.5 * r;
      S[k * N + n] = 0.5 * r;
    }
  }
  return { A: new Tensor(A, [N, N]), B: new Tensor(B, [N]), p: new Tensor(p, [N]), S: new Tensor(S, [N, N]) };
}
