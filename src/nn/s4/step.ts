// The recurrent view of S4 and S4D (SPEC 4.1, 4.10 #6; The Annotated S4, "The DPLR RNN"):
//   x_k = Ā x_{k−1} + B̄ u_k,     y_k = C x_k          (the D·u skip term belongs to the layer)
// which equals the causal convolution y = K * u with K_k = C Ā^k B̄. States keep the N2 stored
// modes only, x [..., H, N2, 2]: the full state [x, x̄] is conjugate-symmetric for real inputs,
// so y_k = 2·Re Σ_n C_n x_n and every full-basis sum is 2·Re of a half-basis one.
//
// Diagonal (S4D): Ā, B̄ elementwise (s4d.ts discretizeDiag), O(N) per step.
// DPLR (S4), O(N) per step without forming Ā: with M = (2/Δ − A)⁻¹ (Woodbury, see dAbar),
//   Ā = (4/Δ)M − I and B̄ = 2MB, so   x_k = M((4/Δ)x_{k−1} + 2B u_k) − x_{k−1},
//   M q = D⊙q − (D⊙P)·s/ρ,   D = 1/(2/Δ − Λ),   s = P_f* (D⊙q)_f = 2·Re Σ_n P̄_n D_n q_n,
//   ρ = 1 + P_f* D_f P_f = 1 + 2·Σ_n |P_n|² Re D_n          (real for conjugate-symmetric q).
// Stepping uses the original C; from a C̃ parameter it is recovered densely for length L
// (C = C̃(I − Ā^L)⁻¹, no gradient): inference-time bookkeeping, as in the reference.

import { Tensor } from '../../tensor/tensor.js';
import { add, cdiv, cmul, complex, conj, div, imag, mul, narrow, neg, real, reshape, stack, sub, sum, unsqueeze } from '../../ops/index.js';
import { type DPLRParams, prepare } from './kernel-dplr.js';
import { cFromCtilde } from './kernel-naive.js';
import { type S4DDiscretization, type S4DParams, discretizeDiag } from './s4d.js';

const ONE = new Tensor(new Float64Array([1, 0]), [2]);

/** One step of a recurrent SSM: state and input in, output and new state out. */
export type Step<S> = (ssm: S, x: Tensor, u: Tensor) => { y: Tensor; x: Tensor };

/** The discrete diagonal SSM (Ā, B̄, C, each [H, N2, 2]) of S4D parameters. */
export interface DiagSSM {
  dA: Tensor;
  dB: Tensor;
  C: Tensor;
}

export function discreteDiag(params: S4DParams, disc: S4DDiscretization = 'zoh'): DiagSSM {
  const { dA, dB, C } = discretizeDiag(params, disc);
  return { dA, dB, C };
}

/** y_k = 2·Re Σ_n C_n x_n (the sum over the full conjugate basis). */
function output(C: Tensor, x: Tensor): Tensor {
  return mul(real(sum(cmul(C, x), -2)), 2); // [..., H]
}

/** x' = Ā⊙x + B̄·u, y = 2·Re(C·x'), for x [..., H, N2, 2] and u [..., H]. */
export function stepDiag(ssm: DiagSSM, x: Tensor, u: Tensor): { y: Tensor; x: Tensor } {
  const next = add(cmul(ssm.dA, x), mul(ssm.dB, unsqueeze(unsqueeze(u, -1), -1))); // [..., H, N2, 2]
  return { y: output(ssm.C, next), x: next };
}

/** The structured discrete DPLR system: D = 1/(2/Δ − Λ), D⊙P, P, B, C (each [H, N2, 2]), 4/Δ and ρ ([H]). */
export interface DPLRSSM {
  D: Tensor;
  DP: Tensor;
  P: Tensor;
  B: Tensor;
  C: Tensor;
  fourOverDt: Tensor;
  rho: Tensor;
}

/**
 * The DPLR recurrence of parameters with C (or C̃ for the internal length L, converted back to
 * C densely without gradient), ready for O(N) steps.
 */
export function discreteDPLR(params: DPLRParams, L: number): DPLRSSM {
  const p = prepare('discreteDPLR', params);
  const H = p.H;
  const dt = reshape(p.dt, [H, 1]);
  const D = cdiv(ONE, complex(sub(div(2, dt), real(p.Lambda)), neg(imag(p.Lambda)))); // [H, N2, 2]
  const absP2 = add(mul(real(p.P), real(p.P)), mul(imag(p.P), imag(p.P))); // |P|²  [H, N2]
  const rho = add(mul(sum(mul(absP2, real(D)), -1), 2), 1); // [H]
  const C = p.C ?? cFromCtilde({ ...params, Lambda: p.Lambda, P: p.P, B: p.B, Ctilde: p.Ctilde!, logDt: params.logDt.to('float64') }, L);
  return { D, DP: cmul(D, p.P), P: p.P, B: p.B, C, fourOverDt: div(4, p.dt), rho };
}

/** x' = M((4/Δ)x + 2B·u) − x, y = 2·Re(C·x'), for x [..., H, N2, 2] and u [..., H]. */
export function stepDPLR(ssm: DPLRSSM, x: Tensor, u: Tensor): { y: Tensor; x: Tensor } {
  const H = ssm.rho.shape[0];
  const q = add(mul(x, reshape(ssm.fourOverDt, [H, 1, 1])), mul(ssm.B, mul(unsqueeze(unsqueeze(u, -1), -1), 2))); // [..., H, N2, 2]
  const Dq = cmul(ssm.D, q); // [..., H, N2, 2]
  const s = mul(real(sum(cmul(conj(ssm.P), Dq), -2)), 2); // P_f*(Dq)_f  [..., H]
  const Mq = sub(Dq, mul(ssm.DP, unsqueeze(unsqueeze(div(s, ssm.rho), -1), -1))); // [..., H, N2, 2]
  const next = sub(Mq, x);
  return { y: output(ssm.C, next), x: next };
}

/**
 * Run a recurrence over u [..., H, L] from the state x0 (zeros [..., H, N2, 2] by default), in
 * float64: y [..., H, L] and the final state. The Annotated S4's scan_SSM.
 */
export function scanSSM<S extends { C: Tensor }>(step: Step<S>, ssm: S, u: Tensor, x0?: Tensor): { y: Tensor; x: Tensor } {
  const u64 = u.to('float64');
  const L = u.shape[u.ndim - 1];
  const [H, N2] = ssm.C.shape.slice(-3, -1);
  const lead = u.shape.slice(0, -2);
  let x = x0 ?? new Tensor(new Float64Array((u.numel / L) * N2 * 2), [...lead, H, N2, 2]);
  const ys: Tensor[] = [];
  for (let k = 0; k < L; k++) {
    const r = step(ssm, x, reshape(narrow(u64, -1, k, 1), [...lead, H])); // u_k  [..., H]
    ys.push(r.y);
    x = r.x;
  }
  return { y: stack(ys, -1), x }; // [..., H, L]
}
