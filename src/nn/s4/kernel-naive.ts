// The slow truth for every S4/S4D kernel: dense matrices and repeated matrix–vector products in
// float64 (SPEC 4.7; The Annotated S4's K_conv). Honest label: O(N²·L) per row and no gradient,
// for tests and small sizes only; the fast paths are kernel-dplr.ts and s4d.ts.
//
// Per row h, in the full conjugate basis (pair(x) = [x, x̄], N = 2·N2):
//   A = diag(pair Λ) − pair(P) pair(P)*    (P absent: the diagonal S4D system)
//   Ā, B̄ = bilinear or ZOH discretisation of (A, pair B) with Δ = exp(logDt)  (discretize.ts)
//   C_f = pair(C), or from C̃: C_f(I − Ā^L) = pair(C̃), solved densely
//   K_k = Re(C_f Ā^k B̄),  k = 0..L−1        (real up to rounding: the system is real in disguise)

import { ShapeError, fmt } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { type CMatrix, cAxpby, cDiagMinusOuter, cEye, cMatmul, cMatpow, cPair, cSolve, cTranspose } from './dense.js';
import { bilinear, zoh } from './discretize.js';

export type Discretization = 'bilinear' | 'zoh';

/** Parameters of H SSMs: P optional (diagonal when absent), B optional (ones), exactly one of C and Ctilde. */
export interface SSMParams {
  Lambda: Tensor;
  P?: Tensor;
  B?: Tensor;
  C?: Tensor;
  Ctilde?: Tensor;
  logDt: Tensor;
}

/** The dense system of row h: A, Ā, B̄ and the original C_f, all in the full basis (N = 2·N2). */
export interface DenseSSM {
  N: number;
  dt: number;
  A: CMatrix;
  Ab: CMatrix;
  Bb: CMatrix;
  C: CMatrix;
}

/** Row h of a [..., N2, 2] parameter broadcast over H (a leading dim of 1, or none, is shared). */
function rowOf(name: string, x: Tensor, h: number, H: number, N2: number): Float64Array {
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== 2 || x.shape[x.ndim - 2] !== N2) {
    throw new ShapeError(`kernelNaive: ${name} must be complex [..., ${N2}, 2], got ${fmt(x.shape)}`);
  }
  const rows = x.numel / (2 * N2);
  if (rows !== 1 && rows !== H) throw new ShapeError(`kernelNaive: ${name} ${fmt(x.shape)} has ${rows} rows for H = ${H}`);
  const r = rows === 1 ? 0 : h;
  return Float64Array.from(x.data.subarray(2 * N2 * r, 2 * N2 * (r + 1)));
}

/** Build and discretise row h densely; with C̃ given, recover C for the internal length L. */
export function denseSSM(params: SSMParams, h: number, L: number, disc: Discretization = 'bilinear'): DenseSSM {
  const H = params.logDt.shape[0];
  const N2 = params.Lambda.shape[params.Lambda.ndim - 2];
  const N = 2 * N2;
  if ((params.C === undefined) === (params.Ctilde === undefined)) throw new RangeError('kernelNaive: give exactly one of C and Ctilde');
  const dt = Math.exp(params.logDt.data[h]);
  const lambda = cPair(rowOf('Lambda', params.Lambda, h, H, N2), N2);
  let A: CMatrix;
  if (params.P === undefined) {
    A = cDiagMinusOuter(lambda, null, null, N);
  } else {
    const Pf = cPair(rowOf('P', params.P, h, H, N2), N2);
    A = cDiagMinusOuter(lambda, Pf, Pf.map((x, i) => (i % 2 === 1 ? -x : x)), N); // − P_f P_f*
  }
  const B = params.B === undefined ? cPair(Float64Array.from({ length: 2 * N2 }, (_, i) => 1 - (i % 2)), N2) : cPair(rowOf('B', params.B, h, H, N2), N2);
  const { Ab, Bb } = disc === 'zoh' ? zoh(A, B, dt, N) : bilinear(A, B, dt, N);
  let C: CMatrix;
  if (params.C !== undefined) {
    C = cPair(rowOf('C', params.C, h, H, N2), N2);
  } else {
    // C_f(I − Ā^L) = C̃_f  ⇔  (I − Ā^L)ᵀ C_fᵀ = C̃_fᵀ
    const IminusAL = cAxpby([1, 0], cEye(N), [-1, 0], cMatpow(Ab, N, L));
    C = cSolve(cTranspose(IminusAL, N, N), cPair(rowOf('Ctilde', params.Ctilde!, h, H, N2), N2), N, 1);
  }
  return { N, dt, A, Ab, Bb, C };
}

/** K_k = Re(C Ā^k B̄) for k < L, by repeated matrix–vector products (The Annotated S4's K_conv). */
export function kConv(Ab: CMatrix, Bb: CMatrix, C: CMatrix, L: number, N: number): Float64Array {
  const K = new Float64Array(L);
  let x = Bb;
  for (let k = 0; k < L; k++) {
    let re = 0;
    for (let i = 0; i < N; i++) re += C[2 * i] * x[2 * i] - C[2 * i + 1] * x[2 * i + 1];
    K[k] = re;
    if (k + 1 < L) x = cMatmul(Ab, x, N, N, 1);
  }
  return K;
}

/**
 * The kernel [H, L] by dense powers, float64: the slow truth for kernelDPLR (bilinear, with P)
 * and for the S4D kernel (no P; 'zoh' or 'bilinear'). With Ctilde, C is recovered for length L.
 */
export function kernelNaive(params: SSMParams, L: number, opts: { disc?: Discretization } = {}): Tensor {
  if (params.logDt.ndim !== 1) throw new ShapeError(`kernelNaive: logDt must be [H], got ${fmt(params.logDt.shape)}`);
  const H = params.logDt.shape[0];
  const out = new Float64Array(H * L);
  for (let h = 0; h < H; h++) {
    const s = denseSSM(params, h, L, opts.disc ?? 'bilinear');
    out.set(kConv(s.Ab, s.Bb, s.C, L, s.N), h * L);
  }
  return new Tensor(out, [H, L]);
}

/** The original C [H, N2, 2] of parameters that store C̃ for length L (dense solve, no gradient). */
export function cFromCtilde(params: SSMParams, L: number): Tensor {
  const H = params.logDt.shape[0];
  const N2 = params.Lambda.shape[params.Lambda.ndim - 2];
  const out = new Float64Array(H * N2 * 2);
  for (let h = 0; h < H; h++) out.set(denseSSM(params, h, L).C.subarray(0, 2 * N2), h * N2 * 2);
  return new Tensor(out, [H, N2, 2]);
}
