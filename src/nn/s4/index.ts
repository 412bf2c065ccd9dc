// The S4 and S4D kernel mathematics, as two plain objects of functions (DESIGN "Public names"):
//   s4.hippoLegS(N), s4.makeDPLR(N), s4.kernelDPLR(params, L), s4.kernelNaive(params, L), …
//   s4d.kernel(params, L, { disc }), s4d.init(N, kind), …
// Each is also exported by name. Walk-through in paper order: docs/s4.md.

import { cauchy, cauchyNaive } from './cauchy.js';
import { discretizeBilinear, discretizeZOH } from './discretize.js';
import { makeDPLR, reconstructHiPPO, reconstructionError } from './dplr.js';
import { hippoLegS } from './hippo.js';
import { jacobiEigh } from './jacobi.js';
import { cTilde, dAbar, doubleCTilde, kGenDPLR, kernelDPLR } from './kernel-dplr.js';
import { cFromCtilde, kernelNaive } from './kernel-naive.js';
import { clog, discretizeDiag, s4dInit, s4dKernel } from './s4d.js';
import { discreteDiag, discreteDPLR, scanSSM, stepDiag, stepDPLR } from './step.js';
import { vandermonde, vandermondeNaive, vandermondeT } from './vandermonde.js';

export const s4 = {
  hippoLegS, jacobiEigh, makeDPLR, reconstructHiPPO, reconstructionError,
  discretizeBilinear, discretizeZOH,
  cauchy, cauchyNaive, cTilde, doubleCTilde, dAbar, kGenDPLR, kernelDPLR, kernelNaive, cFromCtilde,
  discreteDPLR, stepDPLR, scanSSM,
} as const;

export const s4d = {
  kernel: s4dKernel, init: s4dInit, kernelNaive, discretize: discretizeDiag, clog,
  vandermonde, vandermondeT, vandermondeNaive,
  discrete: discreteDiag, step: stepDiag, scanSSM,
} as const;

export {
  cauchy, cauchyNaive, discretizeBilinear, discretizeZOH, makeDPLR, reconstructHiPPO, reconstructionError,
  hippoLegS, jacobiEigh, cTilde, dAbar, doubleCTilde, kGenDPLR, kernelDPLR, cFromCtilde, kernelNaive,
  clog, discretizeDiag, s4dInit, s4dKernel, discreteDiag, discreteDPLR, scanSSM, stepDiag, stepDPLR,
  vandermonde, vandermondeNaive, vandermondeT,
};
export type { HiPPO } from './hippo.js';
export type { Eigh, JacobiOptions } from './jacobi.js';
export type { DPLR } from './dplr.js';
export type { DPLRParams } from './kernel-dplr.js';
export type { Discretization, SSMParams, DenseSSM } from './kernel-naive.js';
export type { S4DParams, S4DDiscretization, S4DInit } from './s4d.js';
export type { DiagSSM, DPLRSSM, Step } from './step.js';
