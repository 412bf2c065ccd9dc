// The S4 convolution kernel from DPLR parameters (SPEC 4.5–4.6; S4 paper Alg. 1; The Annotated
// S4, "Diagonal Plus Low-Rank"). Per row h (independent SSMs), with N2 stored modes whose
// conjugates are implicit, A = diag(Λ_f) − P_f P_f* and Δ = exp(logDt):
//
//   C̃ = C(I − Ā^L)                    (C as parameter: inside the graph; or C̃ given directly)
//   ω_k = e^{−2πik/L},  z_k = 2(1 − ω_k)/(1 + ω_k) = 2i·tan(πk/L),  k = 0..L//2
//   r_{a,b}(z) = Σ_n Δ a_n b_n/(z − ΔΛ_n) + conj(Δ a_n b_n)/(z − conj(ΔΛ_n))        (cauchy.ts)
//   K̂(ω_k) = 2/(1 + ω_k) · ( r_{B,C̃} − r_{P,C̃}·r_{B,Q}/(1 + r_{P,Q}) ),  Q = conj(P)
//   K = irfft(K̂, L)                                                              [H, L]
//
// Why (full conjugate basis): for ω^L = 1, Σ_{j<L} K_j ω^j = C̃(I − ωĀ)⁻¹B̄, and with the
// bilinear Ā, B̄, (I − ωĀ)⁻¹B̄ = 2/(1 + ω)·(z − ΔA)⁻¹ΔB. Woodbury on zI − ΔA = (zI − ΔΛ) + ΔPP*
// (R = (zI − ΔΛ)⁻¹) gives (zI − ΔA)⁻¹ = R − RΔP(1 + P*RΔP)⁻¹P*R: the four Cauchy products.
// Nyquist bin (even L, ω = −1): z = ∞ and 1 + ω = 0; the exact limit is the closed form
//   K̂(−1) = ½·Σ_full C̃_n ΔB_n = Δ·Re Σ_n C̃_n B_n        (P drops out)
// used instead of the near-singular product. Every step is a differentiable op, so gradients
// reach Λ, P, B, C (or C̃) and logDt. Computed in float64 whatever the parameters' dtype; the
// kernel is returned in the parameters' dtype.

import { ShapeError, fmt } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { eye, zerosLike } from '../../tensor/create.js';
import { add, cdiv, cmul, complex, concat, conj, div, exp, expand, imag, matmul, mul, narrow, neg, real, reshape, stack, sub, sum, transpose, unsqueeze } from '../../ops/index.js';
import { irfft } from '../../ops/fft.js';
import { cauchy } from './cauchy.js';

/** Parameters of H independent DPLR SSMs. Complex tensors are [..., N2, 2] broadcastable to [H, N2, 2]. */
export interface DPLRParams {
  /** Diagonal Λ (stored modes; conjugates implicit). */
  Lambda: Tensor;
  /** Low-rank factor: A = diag(Λ_f) − P_f P_f*. */
  P: Tensor;
  B: Tensor;
  /** The original C; the kernel then forms C̃ = C(I − Ā^L) inside the graph. */
  C?: Tensor;
  /** Or C̃ itself, as the S4 module stores it after its first forward (SPEC 4.5). */
  Ctilde?: Tensor;
  /** log Δ, [H]. */
  logDt: Tensor;
}

const ONE = new Tensor(new Float64Array([1, 0]), [2]); // the complex number 1

/**
 * Check the shapes, move to float64 and broadcast the complex parameters to [H, N2, 2]. With
 * `channels`, C or C̃ may instead carry leading channel axes, [..., H, N2, 2] (kept as given).
 */
export function prepare(op: string, p: DPLRParams, opts: { channels?: boolean } = {}): { Lambda: Tensor; P: Tensor; B: Tensor; C: Tensor | null; Ctilde: Tensor | null; dt: Tensor; H: number; N2: number } {
  if (p.logDt.ndim !== 1) throw new ShapeError(`${op}: logDt must be [H], got ${fmt(p.logDt.shape)}`);
  if ((p.C === undefined) === (p.Ctilde === undefined)) throw new RangeError(`${op}: give exactly one of C and Ctilde`);
  const H = p.logDt.shape[0];
  const N2 = p.Lambda.shape[p.Lambda.ndim - 2];
  const full = (name: string, x: Tensor): Tensor => {
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== 2 || x.shape[x.ndim - 2] !== N2) {
      throw new ShapeError(`${op}: ${name} must be complex [..., ${N2}, 2] like Lambda ${fmt(p.Lambda.shape)}, got ${fmt(x.shape)}`);
    }
    const x64 = x.to('float64');
    return x.ndim === 3 && x.shape[0] === H ? x64 : expand(x64, [H, N2, 2]);
  };
  const rows = (name: string, x: Tensor | undefined): Tensor | null => {
    if (x === undefined) return null;
    if (!opts.channels || x.ndim <= 3) return full(name, x);
    if (x.shape[x.ndim - 3] !== H || x.shape[x.ndim - 2] !== N2 || x.shape[x.ndim - 1] !== 2) {
      throw new ShapeError(`${op}: ${name} with channel axes must be [..., H = ${H}, ${N2}, 2], got ${fmt(x.shape)}`);
    }
    return x.to('float64');
  };
  return {
    Lambda: full('Lambda', p.Lambda), P: full('P', p.P), B: full('B', p.B),
    C: rows('C', p.C), Ctilde: rows('Ctilde', p.Ctilde),
    dt: exp(p.logDt.to('float64')), H, N2,
  };
}

/** pair(x) = [x, x̄] along the mode axis: [H, N2, 2] → [H, N, 2]. */
export function pair(x: Tensor): Tensor {
  return concat([x, conj(x)], -2);
}

/** Product of complex matrices given as real and imaginary parts, [..., n, k]·[..., k, m]: four real matmuls. */
function cmatmul([xr, xi]: [Tensor, Tensor], [yr, yi]: [Tensor, Tensor]): [Tensor, Tensor] {
  return [sub(matmul(xr, yr), matmul(xi, yi)), add(matmul(xr, yi), matmul(xi, yr))];
}

/**
 * Dense bilinear Ā of each row in the full basis, [H, N, N, 2], inside the graph. With
 * M = (2/Δ − A)⁻¹ = D − D P_f (1 + P_f* D P_f)⁻¹ P_f* D, D = diag(1/(2/Δ − Λ_f)) (Woodbury),
 *   Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A) = M(2/Δ + A) = (4/Δ)·M − I     (as 2/Δ + A = 4/Δ − M⁻¹).
 */
export function dAbar(Lambda: Tensor, P: Tensor, dt: Tensor): Tensor {
  const [H, N] = [dt.shape[0], 2 * Lambda.shape[Lambda.ndim - 2]];
  const Lf = pair(Lambda); // [H, N, 2]
  const Pf = pair(P); // [H, N, 2]
  const D = cdiv(ONE, complex(sub(reshape(div(2, dt), [H, 1]), real(Lf)), neg(imag(Lf)))); // [H, N, 2]
  const u = cmul(D, Pf); // D P_f  [H, N, 2]
  const vt = cmul(conj(Pf), D); // P_f* D  [H, N, 2]
  const rho = add(sum(cmul(conj(Pf), u), -2), ONE); // 1 + P_f* D P_f  [H, 2]
  const low = cdiv(cmul(unsqueeze(u, -2), unsqueeze(vt, -3)), reshape(rho, [H, 1, 1, 2])); // [H, N, N, 2]
  const I = eye(N, N, { dtype: 'float64' });
  const M = sub(mul(unsqueeze(D, -2), unsqueeze(I, -1)), low); // [H, N, N, 2]
  return sub(mul(M, reshape(div(4, dt), [H, 1, 1, 1])), complex(I, zerosLike(I))); // [H, N, N, 2]
}

/**
 * x·Ā^L for row vectors x [H, G, N, 2] (G per row h), by repeated squaring (log₂ L complex
 * matmuls of Ā). Real and imaginary parts stay apart through the loop and are interleaved once
 * at the end, since splitting and re-interleaving every product cost as much as the products.
 */
function timesPower(x: Tensor, Ab: Tensor, L: number): Tensor {
  let v: [Tensor, Tensor] = [real(x), imag(x)]; //                                        [H, G, N] twice
  let Q: [Tensor, Tensor] = [real(Ab), imag(Ab)]; //                                      [H, N, N] twice
  for (let e = L; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) v = cmatmul(v, Q);
    if (e > 1) Q = cmatmul(Q, Q);
  }
  return complex(v[0], v[1]); //                                                          [H, G, N, 2]
}

/**
 * First N2 entries of pair(c)(I + sign·Ā^L) for c [..., H, N2, 2]: C̃ for sign −1, the doubling
 * step for sign +1. Ā depends on the row h only (Λ, P, Δ), so it is formed and powered once per
 * h, and the G = ∏(leading axes) channels are the rows of one [G, N]·[N, N] product per h: the
 * dense O(N³ log L) part costs H, not G·H.
 */
function correct(c: Tensor, Lambda: Tensor, P: Tensor, dt: Tensor, L: number, sign: 1 | -1): Tensor {
  const H = dt.shape[0];
  const N2 = c.shape[c.ndim - 2];
  const G = c.numel / (H * N2 * 2);
  const cf = transpose(reshape(pair(c), [G, H, 2 * N2, 2]), 0, 1); //                    [H, G, N, 2]
  const cAL = timesPower(cf, dAbar(Lambda, P, dt), L); //                                [H, G, N, 2]
  const full = sign === 1 ? add(cf, cAL) : sub(cf, cAL); //                              [H, G, N, 2]
  return reshape(narrow(transpose(full, 0, 1), 2, 0, N2), c.shape); //                   [..., H, N2, 2]
}

/**
 * C̃ = C(I − Ā^L) (first N2 entries; the rest are their conjugates), differentiable. C may carry
 * leading channel axes, [..., H, N2, 2], sharing Ā of row h.
 */
export function cTilde(params: DPLRParams, L: number): Tensor {
  const p = prepare('cTilde', params, { channels: true });
  if (p.C === null) throw new RangeError('cTilde: needs params.C');
  return correct(p.C, p.Lambda, p.P, p.dt, L, -1).to(params.C!.dtype);
}

/**
 * C̃ for length 2L from C̃ for length L: C̃(I + Ā^L), since I − Ā^{2L} = (I − Ā^L)(I + Ā^L).
 * C̃ may carry leading channel axes, as in cTilde.
 */
export function doubleCTilde(params: DPLRParams, L: number): Tensor {
  const p = prepare('doubleCTilde', params, { channels: true });
  if (p.Ctilde === null) throw new RangeError('doubleCTilde: needs params.Ctilde');
  return correct(p.Ctilde, p.Lambda, p.P, p.dt, L, 1).to(params.Ctilde!.dtype);
}

/**
 * The points z_k = 2(1 − ω_k)/(1 + ω_k) = 2i·tan(πk/L) and the bilinear factors
 * 2/(1 + ω_k) = 1 + z_k/2 for the regular bins k = 0..⌈L/2⌉ − 1 (the Nyquist bin excluded).
 */
export function rootsOfUnityNodes(L: number): { z: Tensor; factor: Tensor } {
  const M = Math.ceil(L / 2);
  const z = new Float64Array(2 * M);
  const factor = new Float64Array(2 * M);
  for (let k = 0; k < M; k++) {
    const t = Math.tan((Math.PI * k) / L);
    z[2 * k + 1] = 2 * t;
    factor[2 * k] = 1;
    factor[2 * k + 1] = t;
  }
  return { z: new Tensor(z, [M, 2]), factor: new Tensor(factor, [M, 2]) };
}

/** K̂ at ω_k = e^{−2πik/L}, k = 0..L//2: the truncated generating function, [H, L//2 + 1, 2]. */
export function kGenDPLR(params: DPLRParams, L: number): Tensor {
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`kGenDPLR: L must be a positive integer, got ${L}`);
  const p = prepare('kGenDPLR', params);
  const H = p.H;
  const Ct = p.Ctilde ?? correct(p.C!, p.Lambda, p.P, p.dt, L, -1); // [H, N2, 2]
  const dt3 = reshape(p.dt, [H, 1, 1]);
  const w = mul(p.Lambda, dt3); // ΔΛ  [H, N2, 2]
  const Q = conj(p.P);
  const v = mul(stack([cmul(p.B, Ct), cmul(p.P, Ct), cmul(p.B, Q), cmul(p.P, Q)], 0), dt3); // Δ·a·b  [4, H, N2, 2]
  const { z, factor } = rootsOfUnityNodes(L);
  const r = cauchy(v, w, z); // [4, H, M, 2]
  const [k00, k01, k10, k11] = [0, 1, 2, 3].map((i) => reshape(narrow(r, 0, i, 1), r.shape.slice(1))); // [H, M, 2]
  const woodbury = sub(k00, cdiv(cmul(k01, k10), add(k11, ONE))); // [H, M, 2]
  const regular = cmul(woodbury, factor); // [H, M, 2]
  if (L % 2 === 1) return regular;
  const nyquist = mul(real(sum(cmul(Ct, p.B), 1)), p.dt); // Δ·Re Σ C̃B  [H]
  return concat([regular, reshape(complex(nyquist, zerosLike(nyquist)), [H, 1, 2])], 1); // [H, L/2 + 1, 2]
}

/** The S4 kernel K [H, L] of DPLR parameters: irfft of K̂ at the L-th roots of unity. */
export function kernelDPLR(params: DPLRParams, L: number): Tensor {
  return irfft(kGenDPLR(params, L), L).to(params.Lambda.dtype); // [H, L]
}
