// From HiPPO-LegS to the diagonal-plus-low-rank (DPLR) basis (SPEC 4.3; S4 paper Thm. 1).
//
// A + ppᵀ = −½I + S is normal, so it is diagonalised by a unitary matrix. Write M = −iS
// (Hermitian) = U diag(μ) U*; then A + ppᵀ = U diag(−½ + iμ) U*. The eigenvalues come in
// conjugate pairs ±μ with eigenvectors v, v̄, so half of them carry everything:
//   Λ = −½ + iμ for the N/2 negative μ (ascending),   V = their unit eigenvectors  [N, N/2],
//   B̃ = V* B,   P̃ = V* p   (= B̃/√2 for LegS),
// and with V_f = [V, V̄], Λ_f = [Λ, Λ̄], P_f = [P̃, P̃̄], B_f = [B̃, B̃̄] (the full basis):
//   A = V_f (diag Λ_f − P_f P_f*) V_f*,    B = V_f B_f.                         (checked below)
//
// Eigenvectors without a complex solver: E = [[0, S], [−S, 0]] is real symmetric and
// E[x; y] = μ[x; y]  ⇔  M(x + iy) = μ(x + iy). Each μ of M is a double eigenvalue of E whose
// 2-D eigenspace is {[Re(cv); Im(cv)] : c ∈ ℂ}, so any Jacobi eigenvector of the pair is a
// complex multiple of v; one Löwdin step then makes V_f unitary to rounding. Canonical phase
// (SPEC decision): rotate each v so that B̃_n = v_n* B is real and positive (then P̃_n is too);
// no clipping of Im B̃. Deterministic everywhere.

import { Tensor } from '../../tensor/tensor.js';
import { type CMatrix, cDiagMinusOuter, cMatmul, cPair } from './dense.js';
import { hippoLegS } from './hippo.js';
import { jacobiEigh } from './jacobi.js';

export interface DPLR {
  /** The N/2 kept eigenvalues −½ + iμ (μ < 0, ascending), [N2, 2]. */
  Lambda: Tensor;
  /** P̃ = V* p, [N2, 2] (real positive in the canonical phase). */
  P: Tensor;
  /** B̃ = V* B, [N2, 2] (real positive in the canonical phase). */
  B: Tensor;
  /** The unit eigenvectors as columns, [N, N2, 2]. */
  V: Tensor;
}

/** The DPLR form of HiPPO-LegS of (even) size N, float64, with the canonical eigenvector phase. */
export function makeDPLR(N: number): DPLR {
  if (!Number.isInteger(N) || N < 2 || N % 2 !== 0) throw new RangeError(`makeDPLR: N must be an even integer ≥ 2, got ${N}`);
  const N2 = N / 2;
  const { B, p, S } = hippoLegS(N);
  const n2 = 2 * N;
  const E = new Float64Array(n2 * n2); // [[0, S], [−S, 0]]
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
    E[i * n2 + (N + j)] = S.data[i * N + j];
    E[(N + i) * n2 + j] = -S.data[i * N + j];
  }
  const { values, vectors } = jacobiEigh(E, n2);
  let scale = 0;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  if (!(values[N - 1] < 0 && values[N] > 0)) throw new Error(`makeDPLR: expected N/2 negative and N/2 positive eigenvalues of −iS (N = ${N})`);

  // One eigenvector x + iy per pair, then a symmetric (Löwdin) re-orthonormalisation of V_f.
  const U = new Float64Array(2 * N * N2);
  for (let j = 0; j < N2; j++) for (let k = 0; k < N; k++) {
    U[2 * (k * N2 + j)] = vectors[k * n2 + 2 * j];
    U[2 * (k * N2 + j) + 1] = vectors[(N + k) * n2 + 2 * j];
  }
  const W = orthonormalize(U, N, N2);
  const Lambda = new Float64Array(2 * N2);
  const Bt = new Float64Array(2 * N2);
  const Pt = new Float64Array(2 * N2);
  const V = new Float64Array(2 * N * N2);
  for (let j = 0; j < N2; j++) {
    const [mu, mu2] = [values[2 * j], values[2 * j + 1]]; // E's eigenvalues pair up: (μ_j, μ_j)
    if (Math.abs(mu2 - mu) > 1e-10 * scale) throw new Error(`makeDPLR: eigenvalues ${mu} and ${mu2} of E should be equal (N = ${N})`);
    Lambda[2 * j] = -0.5;
    Lambda[2 * j + 1] = (mu + mu2) / 2;
    const b = dotH(W, j, B.data, N, N2); // B̃_j = v_j* B
    const mag = Math.hypot(b[0], b[1]);
    const [cr, ci] = [b[0] / mag, b[1] / mag]; // v ← v·e^{iφ}, e^{iφ} = B̃/|B̃|, makes v*B = |B̃|
    for (let k = 0; k < N; k++) {
      const [x, y] = [W[2 * (k * N2 + j)], W[2 * (k * N2 + j) + 1]];
      V[2 * (k * N2 + j)] = x * cr - y * ci;
      V[2 * (k * N2 + j) + 1] = x * ci + y * cr;
    }
    Bt[2 * j] = mag;
    Pt.set(dotH(V, j, p.data, N, N2), 2 * j); // P̃_j = v_j* p (real positive up to rounding)
  }
  return {
    Lambda: new Tensor(Lambda, [N2, 2]),
    P: new Tensor(Pt, [N2, 2]),
    B: new Tensor(Bt, [N2, 2]),
    V: new Tensor(V, [N, N2, 2]),
  };
}

/** v_j* x for column j of the complex N × N2 matrix V and a real vector x. */
function dotH(V: Float64Array, j: number, x: ArrayLike<number>, N: number, N2: number): [number, number] {
  let re = 0;
  let im = 0;
  for (let k = 0; k < N; k++) {
    re += V[2 * (k * N2 + j)] * x[k];
    im -= V[2 * (k * N2 + j) + 1] * x[k];
  }
  return [re, im];
}

/**
 * One Löwdin step V_f ← V_f (3/2·I − ½·V_f* V_f) on the full basis V_f = [V, V̄], written on
 * its first half: V ← V(3/2·I − ½·V*V) − ½·V̄(VᵀV). Jacobi's vectors of E are orthonormal as
 * real 2N-vectors to ~1e−15, but as complex vectors Im(v_a* v_b) and v_a* v̄_b vanish only to
 * ~1e−13 (the Jacobi partner of [x; y] in its degenerate pair is not exactly [−y; x]). This
 * makes V_f unitary within rounding, which the reconstruction A = V_f(…)V_f* needs because it
 * multiplies the defect by |Λ| (up to ~N²/3).
 */
function orthonormalize(U: Float64Array, N: number, N2: number): Float64Array {
  const W = Float64Array.from(U);
  for (let a = 0; a < N2; a++) {
    for (let b = 0; b < N2; b++) {
      let g1r = 0, g1i = 0, g2r = 0, g2i = 0; // (V*V)_ba and (VᵀV)_ba
      for (let k = 0; k < N; k++) {
        const [br, bi] = [U[2 * (k * N2 + b)], U[2 * (k * N2 + b) + 1]];
        const [ar, ai] = [U[2 * (k * N2 + a)], U[2 * (k * N2 + a) + 1]];
        g1r += br * ar + bi * ai;
        g1i += br * ai - bi * ar;
        g2r += br * ar - bi * ai;
        g2i += br * ai + bi * ar;
      }
      if (a === b) g1r -= 1; // V*V − I: the identity's share is the "3/2 − ½" already in W
      for (let k = 0; k < N; k++) {
        const [br, bi] = [U[2 * (k * N2 + b)], U[2 * (k * N2 + b) + 1]];
        // W_ka −= ½(V_kb (V*V − I)_ba + conj(V_kb) (VᵀV)_ba)
        W[2 * (k * N2 + a)] -= 0.5 * (br * g1r - bi * g1i + br * g2r + bi * g2i);
        W[2 * (k * N2 + a) + 1] -= 0.5 * (br * g1i + bi * g1r + br * g2i - bi * g2r);
      }
    }
  }
  return W;
}

/**
 * Rebuild the HiPPO matrices from a DPLR form: A = V_f (diag Λ_f − P_f P_f*) V_f* and
 * B = V_f B_f, as complex [N, N, 2] and [N, 2] (imaginary parts ≈ 0).
 */
export function reconstructHiPPO(d: DPLR): { A: Tensor; B: Tensor } {
  const [N, N2] = d.V.shape;
  const Vf = new Float64Array(2 * N * N); // [V, V̄]
  for (let k = 0; k < N; k++) for (let j = 0; j < N2; j++) {
    const re = d.V.data[2 * (k * N2 + j)];
    const im = d.V.data[2 * (k * N2 + j) + 1];
    Vf.set([re, im], 2 * (k * N + j));
    Vf.set([re, -im], 2 * (k * N + N2 + j));
  }
  const VfH = new Float64Array(2 * N * N); // V_f* (conjugate transpose)
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
    VfH[2 * (j * N + i)] = Vf[2 * (i * N + j)];
    VfH[2 * (j * N + i) + 1] = -Vf[2 * (i * N + j) + 1];
  }
  const Pf = cPair(d.P.data, N2);
  const PfConj = Pf.map((v, i) => (i % 2 === 1 ? -v : v)) as CMatrix;
  const inner = cDiagMinusOuter(cPair(d.Lambda.data, N2), Pf, PfConj, N); // diag Λ_f − P_f P_f*
  const A = cMatmul(cMatmul(Vf, inner, N, N, N), VfH, N, N, N);
  const B = cMatmul(Vf, cPair(d.B.data, N2), N, N, 1);
  return { A: new Tensor(A, [N, N, 2]), B: new Tensor(B, [N, 2]) };
}

/** max |rebuilt − HiPPO| over A and over B (real and imaginary parts) for size N. */
export function reconstructionError(N: number): { A: number; B: number } {
  const h = hippoLegS(N);
  const r = reconstructHiPPO(makeDPLR(N));
  const worst = (rebuilt: Tensor, truth: Tensor): number => {
    let m = 0;
    for (let i = 0; i < truth.numel; i++) {
      m = Math.max(m, Math.abs(rebuilt.data[2 * i] - truth.data[i]), Math.abs(rebuilt.data[2 * i + 1]));
    }
    return m;
  };
  return { A: worst(r.A, h.A), B: worst(r.B, h.B) };
}
