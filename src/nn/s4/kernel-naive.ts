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

/** The dense system of row h without its C: A, Ā, B̄ in the full basis (N = 2·N2). */
function denseSystem(params: SSMParams, h: number, disc: Discretization): Omit<DenseSSM, 'C'> {
  const H = params.logDt.shape[0];
  const N2 = params.Lambda.shape[params.Lambda.ndim - 2];
  const N = 2 * N2;
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
  return { N, dt, A, Ab, Bb };
}

/**
 * Solve C_f(I − Ā^L) = C̃_f for the full-basis row vectors of G channels at once:
 * (I − Ā^L)ᵀ X = [C̃_f,1ᵀ … C̃_f,Gᵀ], one factorisation for the G right-hand sides. X is N × G.
 */
function solveC(Ab: CMatrix, Ctf: CMatrix, N: number, G: number, L: number): CMatrix {
  const IminusAL = cAxpby([1, 0], cEye(N), [-1, 0], cMatpow(Ab, N, L));
  return cSolve(cTranspose(IminusAL, N, N), Ctf, N, G);
}

/** Build and discretise row h densely; with C̃ given, recover C for the internal length L. */
export function denseSSM(params: SSMParams, h: number, L: number, disc: Discretization = 'bilinear'): DenseSSM {
  const H = params.logDt.shape[0];
  const N2 = params.Lambda.shape[params.Lambda.ndim - 2];
  if ((params.C === undefined) === (params.Ctilde === undefined)) throw new RangeError('kernelNaive: give exactly one of C and Ctilde');
  const sys = denseSystem(params, h, disc);
  const C = params.C !== undefined
    ? cPair(rowOf('C', params.C, h, H, N2), N2)
    : solveC(sys.Ab, cPair(rowOf('Ctilde', params.Ctilde!, h, H, N2), N2), sys.N, 1, L);
  return { ...sys, C };
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

/**
 * The original C of parameters that store C̃ for length L (dense solve, no gradient): [H, N2, 2],
 * or [..., H, N2, 2] when C̃ carries leading channel axes. Ā and (I − Ā^L) depend on the row h
 * only, so they are built and factorised once per h for all the channels.
 */
export function cFromCtilde(params: SSMParams, L: number): Tensor {
  const Ct = params.Ctilde;
  if (Ct === undefined || params.C !== undefined) throw new RangeError('cFromCtilde: needs params.Ctilde (and no C)');
  if (params.logDt.ndim !== 1) throw new ShapeError(`cFromCtilde: logDt must be [H], got ${fmt(params.logDt.shape)}`);
  const H = params.logDt.shape[0];
  const N2 = params.Lambda.shape[params.Lambda.ndim - 2];
  const N = 2 * N2;
  const channels = Ct.ndim > 3;
  if (channels && (Ct.shape[Ct.ndim - 3] !== H || Ct.shape[Ct.ndim - 2] !== N2 || Ct.shape[Ct.ndim - 1] !== 2)) {
    throw new ShapeError(`cFromCtilde: Ctilde with channel axes must be [..., H = ${H}, ${N2}, 2], got ${fmt(Ct.shape)}`);
  }
  const G = channels ? Ct.numel / (H * N2 * 2) : 1;
  const out = new Float64Array(G * H * N2 * 2);
  for (let h = 0; h < H; h++) {
    const sys = denseSystem(params, h, 'bilinear');
    const rhs = new Float64Array(2 * N * G); // column g is pair(C̃[g, h]ᵀ)  N × G
    for (let g = 0; g < G; g++) {
      const row = channels ? cPair(Ct.data, N2, (g * H + h) * N2 * 2) : cPair(rowOf('Ctilde', Ct, h, H, N2), N2);
      for (let i = 0; i < N; i++) { rhs[2 * (i * G + g)] = row[2 * i]; rhs[2 * (i * G + g) + 1] = row[2 * i + 1]; }
    }
    const X = solveC(sys.Ab, rhs, N, G, L); // N × G
    for (let g = 0; g < G; g++) for (let i = 0; i < N2; i++) {
      out[2 * ((g * H + h) * N2 + i)] = X[2 * (i * G + g)];
      out[2 * ((g * H + h) * N2 + i) + 1] = X[2 * (i * G + g) + 1];
    }
  }
  return new Tensor(out, channels ? [...Ct.shape] : [H, N2, 2]);
}
