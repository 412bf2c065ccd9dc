// nn.S4D: the S4 layer with a diagonal state matrix (Gu et al. 2022, "On the Parameterization
// and Initialization of Diagonal State Space Models"; S4-v4 `SSMKernelDiag`, SPEC 4.8), the
// minimal variant beside nn.S4 (STYLE #12): no low-rank term, no C̃, and the kernel evaluated
// directly in time (src/nn/s4/s4d.ts), inside the same layer (ssm-layer.ts, SPEC 4.9).
//
// Parameters of the child module `kernel` (names as in s4-layer.ts):
//   log_dt  [H]              log Δ ~ U[log dtMin, log dtMax]                     lr hint, wd 0
//   A_real  [S, N2]          log(−Re Λ)                                          lr hint, wd 0
//   A_imag  [S, N2]          −Im Λ (clamped to ≥ 1e−4)                           lr hint, wd 0
//   B       [1, S, N2, 2]    ones ('lin', 'inv', 'real') or B̃ of HiPPO ('legs')  lr hint, wd 0
//   C       [C', H, N2, 2]   complex normal, variance ½ per part                 global settings
// Λ by `init` (n = 0..N2−1):  lin  −½ − iπn,   inv  −½ − i(N/π)(N/(2n+1) − 1),
//                             legs the DPLR Λ of HiPPO-LegS,   real  −(n+1).
// Per row c·H + h (copy s = h mod S of Λ, B), w = ΔΛ:
//   zoh:       Ā = e^{w},                  B̄ = B(e^{w} − 1)/Λ
//   bilinear:  Ā = (1 + w/2)/(1 − w/2),    B̄ = ΔB/(1 − w/2)
//   K_l = 2·Re Σ_n C_n B̄_n Ā_n^l,   l < min(L, lMax)         (lMax absent: the input length)
// Stepping: x_k = Ā⊙x_{k−1} + B̄u_k, y_k = 2·Re Σ_n C_n x_n, O(N) per row.

import { type Tensor } from '../tensor/tensor.js';
import { reshape } from '../ops/shape.js';
import { type S4DDiscretization, type S4DInit, type S4DParams, s4dInit, s4dKernel } from './s4/s4d.js';
import { discreteDiag, stepDiag } from './s4/step.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import {
  type KernelConfig, type Recurrence, type SSMKernelModule, type SSMLayerOptions,
  SSMLayer, complexNormal, initLogDt, lambdaOf, lambdaParams, logDtRows, repeatCopies, tileRows,
} from './ssm-layer.js';

/** The diagonal kernel's parameters and its kernel and recurrence for the C'·H rows. */
export class DiagKernel extends Module implements SSMKernelModule {
  static override stateNames = { logDt: 'log_dt', Areal: 'A_real', Aimag: 'A_imag' };

  readonly dModel: number;
  readonly dState: number;
  readonly channels: number;
  readonly lMax: number | null;
  readonly init: S4DInit;
  readonly disc: S4DDiscretization;

  readonly logDt: Parameter; //   [H]
  readonly Areal: Parameter; //   [S, N2]
  readonly Aimag: Parameter; //   [S, N2]
  readonly B: Parameter; //       [1, S, N2, 2]
  readonly C: Parameter; //       [C', H, N2, 2]

  constructor(cfg: KernelConfig, init: S4DInit, disc: S4DDiscretization) {
    super();
    if (disc !== 'zoh' && disc !== 'bilinear') throw new RangeError(`S4D: disc must be 'zoh' or 'bilinear', got '${String(disc)}'`);
    const { Lambda, B } = s4dInit(cfg.N, init); // [N2, 2] float64 (checks init)
    this.dModel = cfg.H;
    this.dState = cfg.N;
    this.channels = cfg.channels;
    this.lMax = cfg.lMax;
    this.init = init;
    this.disc = disc;
    const { Areal, Aimag } = lambdaParams(Lambda, cfg);
    this.logDt = new Parameter(initLogDt(cfg), cfg.hints);
    this.Areal = new Parameter(Areal, cfg.hints);
    this.Aimag = new Parameter(Aimag, cfg.hints);
    this.B = new Parameter(repeatCopies(B, cfg), cfg.hints);
    this.C = new Parameter(complexNormal([cfg.channels, cfg.H, cfg.N / 2], cfg));
  }

  /** The parameters as s4d.kernel wants them for the C'·H rows. */
  params(): S4DParams {
    const R = this.channels * this.dModel;
    const [S, N2] = this.Areal.shape;
    return {
      Lambda: tileRows(lambdaOf(this.Areal, this.Aimag), R), //             [S or R, N2, 2]
      B: tileRows(reshape(this.B, [S, N2, 2]), R), //                      [S or R, N2, 2]
      C: reshape(this.C, [R, N2, 2]), //                                   [R, N2, 2]
      logDt: logDtRows(this.logDt, this.channels), //                      [R]
    };
  }

  /** K [C', H, min(L, lMax)] by the Vandermonde product. */
  forward(L: number): Tensor {
    const Lk = this.lMax === null ? L : Math.min(L, this.lMax);
    const K = s4dKernel(this.params(), Lk, { disc: this.disc }); //           [C'·H, Lk]
    return reshape(K, [this.channels, this.dModel, Lk]); //                   [C', H, Lk]
  }

  recurrence(): Recurrence {
    const ssm = discreteDiag(this.params(), this.disc); // Ā, B̄, C [C'·H, N2, 2], float64
    return (x, u) => stepDiag(ssm, x, u);
  }
}

export interface S4DOptions extends SSMLayerOptions {
  /** Initialisation of Λ (and B). Default 'lin'. */
  init?: S4DInit;
  /** Discretisation. Default 'zoh'. */
  disc?: S4DDiscretization;
}

/**
 * The S4D layer: as nn.S4 with a diagonal kernel; lMax optional.
 * @example const layer = new S4D({ dModel: 8, dState: 16, init: 'inv' }); const y = layer.forward(randn([2, 100, 8]));
 */
export class S4D extends SSMLayer {
  declare readonly kernel: DiagKernel;

  constructor(opts: S4DOptions) {
    super('S4D', opts, (cfg) => new DiagKernel(cfg, opts.init ?? 'lin', opts.disc ?? 'zoh'));
  }

  get init(): S4DInit {
    return this.kernel.init;
  }

  get disc(): S4DDiscretization {
    return this.kernel.disc;
  }
}
