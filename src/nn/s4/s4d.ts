// S4D: the diagonal state space kernel and its initialisations (SPEC 4.8; Gu et al. 2022,
// "On the Parameterization and Initialization of Diagonal State Space Models"; state-spaces/s4
// models/s4/s4d.py). A minimal variant beside the DPLR kernel: no low-rank term, no C̃, and the
// kernel is evaluated directly in time by a Vandermonde product (vandermonde.ts).
//
// Per row h, with w_n = ΔΛ_n, Δ = exp(logDt), l = 0..L−1, N2 stored modes (+ conjugates):
//   ZOH:       Ā_n = e^{w_n},                    B̄_n = B_n (e^{w_n} − 1)/Λ_n
//   bilinear:  Ā_n = (1 + w_n/2)/(1 − w_n/2),    B̄_n = ΔB_n/(1 − w_n/2)
//   K_l = 2·Re Σ_n C_n B̄_n Ā_n^l = vandermonde(c = C ⊙ B̄, a = log Ā)_l          [H, L]
// (ZOH: log Ā = w exactly; bilinear: the principal complex logarithm, `clog` below.)
// Computed in float64 whatever the parameters' dtype (the phases l·Im w must be float64 for long
// L, SPEC 4.8), returned in the parameters' dtype.

import { record } from '../../autograd/graph.js';
import { allocate } from '../../tensor/dtype.js';
import { ShapeError, fmt } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { add, cdiv, cexp, cmul, conj, exp, mul, reshape, sub } from '../../ops/index.js';
import { makeDPLR } from './dplr.js';
import { vandermonde } from './vandermonde.js';

export type S4DDiscretization = 'zoh' | 'bilinear';

/** Parameters of H diagonal SSMs. Complex tensors [..., N2, 2], broadcastable to [H, N2, 2]. */
export interface S4DParams {
  Lambda: Tensor;
  /** Omitted: B ≡ 1 (S4D-min folds B into C). */
  B?: Tensor;
  C: Tensor;
  /** log Δ, [H]. */
  logDt: Tensor;
}

const ONE = new Tensor(new Float64Array([1, 0]), [2]); // the complex number 1

/**
 * The principal complex logarithm log z = ln|z| + i·arg z, one primitive (the engine has no
 * atan2). Holomorphic with derivative 1/z, so grad z = conj(1/z)·g = g / z̄.
 */
export function clog(z: Tensor): Tensor {
  if (z.ndim < 1 || z.shape[z.ndim - 1] !== 2) throw new ShapeError(`clog: expected a complex tensor [..., 2], got ${fmt(z.shape)}`);
  const out = new Tensor(allocate(z.dtype, z.numel), z.shape);
  for (let i = 0; i < z.numel; i += 2) {
    out.data[i] = Math.log(Math.hypot(z.data[i], z.data[i + 1]));
    out.data[i + 1] = Math.atan2(z.data[i + 1], z.data[i]);
  }
  return record(out, 'clog', [z], (g) => [cdiv(g, conj(z))]);
}

/** The discretised diagonal system: Ā, B̄ and log Ā, each [H, N2, 2] (float64). */
export function discretizeDiag(params: S4DParams, disc: S4DDiscretization = 'zoh'): { dA: Tensor; dB: Tensor; logdA: Tensor; C: Tensor } {
  const { logDt, Lambda } = params;
  if (logDt.ndim !== 1) throw new ShapeError(`s4d: logDt must be [H], got ${fmt(logDt.shape)}`);
  if (Lambda.ndim < 2 || Lambda.shape[Lambda.ndim - 1] !== 2) throw new ShapeError(`s4d: Lambda must be complex [..., N2, 2], got ${fmt(Lambda.shape)}`);
  const H = logDt.shape[0];
  const L64 = Lambda.to('float64');
  const B = params.B === undefined ? ONE : params.B.to('float64');
  const dt = reshape(exp(logDt.to('float64')), [H, 1, 1]);
  const w = mul(L64, dt); // ΔΛ  [H, N2, 2]
  if (disc === 'zoh') {
    const dA = cexp(w); // [H, N2, 2]
    return { dA, dB: cmul(B, cdiv(sub(dA, ONE), L64)), logdA: w, C: params.C.to('float64') };
  }
  if (disc !== 'bilinear') throw new RangeError(`s4d: disc must be 'zoh' or 'bilinear', got '${String(disc)}'`);
  const half = mul(w, 0.5);
  const inv = cdiv(ONE, sub(ONE, half)); // 1/(1 − w/2)  [H, N2, 2]
  const dA = cmul(add(ONE, half), inv); // [H, N2, 2]
  return { dA, dB: mul(cmul(B, inv), dt), logdA: clog(dA), C: params.C.to('float64') };
}

/** The S4D convolution kernel K [H, L] (Vandermonde), differentiable in Λ, B, C and logDt. */
export function s4dKernel(params: S4DParams, L: number, opts: { disc?: S4DDiscretization } = {}): Tensor {
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`s4d.kernel: L must be a positive integer, got ${L}`);
  const { dB, logdA, C } = discretizeDiag(params, opts.disc ?? 'zoh');
  return vandermonde(cmul(C, dB), logdA, L).to(params.C.dtype); // [H, L]
}

export type S4DInit = 'lin' | 'inv' | 'legs' | 'real';

/**
 * Λ and B for a state of size N (N2 = N/2 stored modes), float64 [N2, 2], with the S4-v4 sign
 * convention Im Λ ≤ 0 (equivalent to +i with conjugated C, SPEC 4.8):
 *   lin:  Λ_n = −½ − iπn                            inv:  Λ_n = −½ − i(N/π)(N/(2n+1) − 1)
 *   legs: Λ, B = the DPLR form of HiPPO-LegS         real: Λ_n = −(n+1)
 * B is all ones except for legs.
 */
export function s4dInit(N: number, kind: S4DInit = 'lin'): { Lambda: Tensor; B: Tensor } {
  if (!Number.isInteger(N) || N < 2 || N % 2 !== 0) throw new RangeError(`s4d.init: N must be an even integer ≥ 2, got ${N}`);
  if (kind === 'legs') {
    const d = makeDPLR(N);
    return { Lambda: d.Lambda, B: d.B };
  }
  const N2 = N / 2;
  const Lambda = new Float64Array(2 * N2);
  const B = new Float64Array(2 * N2);
  for (let n = 0; n < N2; n++) {
    B[2 * n] = 1;
    if (kind === 'lin') [Lambda[2 * n], Lambda[2 * n + 1]] = [-0.5, -Math.PI * n];
    else if (kind === 'inv') [Lambda[2 * n], Lambda[2 * n + 1]] = [-0.5, -(N / Math.PI) * (N / (2 * n + 1) - 1)];
    else if (kind === 'real') Lambda[2 * n] = -(n + 1);
    else throw new RangeError(`s4d.init: kind must be 'lin', 'inv', 'legs' or 'real', got '${String(kind)}'`);
  }
  return { Lambda: new Tensor(Lambda, [N2, 2]), B: new Tensor(B, [N2, 2]) };
}
