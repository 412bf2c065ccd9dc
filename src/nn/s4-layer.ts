// nn.S4: the S4 layer with the DPLR (diagonal plus low-rank) kernel of HiPPO-LegS (Gu, Goel and
// Ré 2021), its parameters and initialisation as S4-v4's `SSMKernelDPLR` (SPEC 4.4, 4.5), the
// kernel from src/nn/s4/kernel-dplr.ts (4.6), the layer around it from ssm-layer.ts (4.9).
//
// Parameters of the child module `kernel` (state-dict names S4-v4's, except `log_dt`, S4-v3's
// name of what v4 calls `inv_dt` with the "exp" transform, stored [H] rather than [H, 1]):
//   log_dt  [H]              log Δ ~ U[log dtMin, log dtMax]                     lr hint, wd 0
//   A_real  [S, N2]          log(−Re Λ) = log ½                                  lr hint, wd 0
//   A_imag  [S, N2]          −Im Λ > 0                                           lr hint, wd 0
//   P       [1, S, N2, 2]    P̃ (real positive in the canonical phase, 4.3)       lr hint, wd 0
//   B       [1, S, N2, 2]    B̃ = √2·P̃                                           lr hint, wd 0
//   C       [C', H, N2, 2]   C̃ = C(I − Ā^lMax) of a complex-normal C (4.5)      global settings
// with Λ = −exp(A_real) − i·A_imag built in the forward, and (Λ, P, B) copy s = h mod S used by
// row c·H + h. The trainable parameter is C̃ itself: it is computed once at construction from
// the initial Λ, P, B, Δ (what the reference computes at its first forward), so lMax, the
// internal kernel length L_int, is required. The kernel is generated at lMax and truncated to
// min(L, lMax) taps; longer inputs see only lMax taps.
//
// Stepping (SPEC 4.1; step.ts): the structured bilinear recurrence
//   x_k = M((4/Δ)x_{k−1} + 2B u_k) − x_{k−1},  M = (2/Δ − A)⁻¹ by Woodbury,   O(N) per row,
// with the original C = C̃(I − Ā^lMax)⁻¹ recovered densely at setupStep() (no gradient).

import { noGrad } from '../autograd/grad-mode.js';
import { type Tensor } from '../tensor/tensor.js';
import { narrow, reshape } from '../ops/shape.js';
import { makeDPLR } from './s4/dplr.js';
import { type DPLRParams, cTilde, kernelDPLR } from './s4/kernel-dplr.js';
import { cFromCtilde } from './s4/kernel-naive.js';
import { discreteDPLR, stepDPLR } from './s4/step.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import {
  type KernelConfig, type Recurrence, type SSMKernelModule, type SSMLayerOptions,
  SSMLayer, complexNormal, initLogDt, lambdaOf, lambdaParams, logDtRows, repeatCopies, tileRows,
} from './ssm-layer.js';

/** The DPLR kernel's parameters and its kernel and recurrence for the C'·H rows. */
export class DPLRKernel extends Module implements SSMKernelModule {
  static override stateNames = { logDt: 'log_dt', Areal: 'A_real', Aimag: 'A_imag' };

  readonly dModel: number;
  readonly dState: number;
  readonly channels: number;
  readonly lMax: number;

  readonly logDt: Parameter; //   [H]
  readonly Areal: Parameter; //   [S, N2]
  readonly Aimag: Parameter; //   [S, N2]
  readonly P: Parameter; //       [1, S, N2, 2]
  readonly B: Parameter; //       [1, S, N2, 2]
  readonly C: Parameter; //       [C', H, N2, 2]  holds C̃

  constructor(cfg: KernelConfig) {
    super();
    if (cfg.lMax === null) throw new RangeError('S4: lMax is required: the trainable C̃ = C(I − Ā^lMax) is tied to the internal kernel length (SPEC 4.5)');
    const { H, N, channels: Cp, hints } = cfg;
    this.dModel = H;
    this.dState = N;
    this.channels = Cp;
    this.lMax = cfg.lMax;
    const dplr = makeDPLR(N); // Λ, P̃, B̃ [N2, 2], float64
    const { Areal, Aimag } = lambdaParams(dplr.Lambda, cfg);
    this.logDt = new Parameter(initLogDt(cfg), hints);
    this.Areal = new Parameter(Areal, hints);
    this.Aimag = new Parameter(Aimag, hints);
    this.P = new Parameter(repeatCopies(dplr.P, cfg), hints);
    this.B = new Parameter(repeatCopies(dplr.B, cfg), hints);
    const C = complexNormal([Cp, H, N / 2], cfg); // the original C  [C', H, N2, 2]
    this.C = new Parameter(C);
    noGrad(() => this.C.data.set(cTilde({ ...this.systemParams(), C }, this.lMax).data)); // C̃  [C', H, N2, 2]
  }

  /**
   * The H distinct SSMs: Λ, P, B [S or H, N2, 2] and log Δ [H] of row h (copy h mod S). Ā depends
   * on these only, not on the channel, so the dense C̃ ↔ C conversions use them once per h.
   */
  systemParams(): Omit<DPLRParams, 'C' | 'Ctilde'> {
    const H = this.dModel;
    const N2 = this.dState / 2;
    const S = this.Areal.shape[0];
    return {
      Lambda: tileRows(lambdaOf(this.Areal, this.Aimag), H), //             [S or H, N2, 2]
      P: tileRows(reshape(this.P, [S, N2, 2]), H), //                      [S or H, N2, 2]
      B: tileRows(reshape(this.B, [S, N2, 2]), H), //                      [S or H, N2, 2]
      logDt: this.logDt, //                                                [H]
    };
  }

  /** The parameters as kernelDPLR wants them for the C'·H rows: Λ, P, B [S or C'·H, N2, 2], C̃ [C'·H, N2, 2], log Δ [C'·H]. */
  params(): DPLRParams {
    const R = this.channels * this.dModel;
    const N2 = this.dState / 2;
    const S = this.Areal.shape[0];
    return {
      Lambda: tileRows(lambdaOf(this.Areal, this.Aimag), R), //             [S or R, N2, 2]
      P: tileRows(reshape(this.P, [S, N2, 2]), R), //                      [S or R, N2, 2]
      B: tileRows(reshape(this.B, [S, N2, 2]), R), //                      [S or R, N2, 2]
      Ctilde: reshape(this.C, [R, N2, 2]), //                              [R, N2, 2]
      logDt: logDtRows(this.logDt, this.channels), //                      [R]
    };
  }

  /** K [C', H, min(L, lMax)]: generated at lMax from the truncated generating function, then cut. */
  forward(L: number): Tensor {
    const K = kernelDPLR(this.params(), this.lMax); //                        [C'·H, lMax]
    const Lk = Math.min(L, this.lMax);
    const cut = Lk === this.lMax ? K : narrow(K, 1, 0, Lk); //                [C'·H, Lk]
    return reshape(cut, [this.channels, this.dModel, Lk]); //                 [C', H, Lk]
  }

  recurrence(): Recurrence {
    const R = this.channels * this.dModel;
    const C = cFromCtilde({ ...this.systemParams(), Ctilde: this.C }, this.lMax); // C = C̃(I − Ā^lMax)⁻¹, one solve per h  [C', H, N2, 2]
    const ssm = discreteDPLR({ ...this.params(), Ctilde: undefined, C: reshape(C, [R, this.dState / 2, 2]) }, this.lMax); // D, D⊙P, ρ, 4/Δ, C, float64
    return (x, u) => stepDPLR(ssm, x, u);
  }
}

export interface S4Options extends SSMLayerOptions {
  /** The internal kernel length L_int (required for S4, see the header). */
  lMax: number;
}

/**
 * The S4 layer: u [B, L, H] → [B, L, H], kernel → FFT convolution → D skip → GELU → dropout →
 * Linear + GLU, with a recurrent mode (setupStep, initialState, step).
 * @example const layer = new S4({ dModel: 8, dState: 16, lMax: 64 }); const y = layer.forward(randn([2, 64, 8]));
 */
export class S4 extends SSMLayer {
  declare readonly kernel: DPLRKernel;

  constructor(opts: S4Options) {
    super('S4', opts, (cfg) => new DPLRKernel(cfg));
  }
}
