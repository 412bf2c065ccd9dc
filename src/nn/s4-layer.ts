// nn.S4: the S4 layer with the DPLR (diagonal plus low-rank) kernel of HiPPO-LegS (Gu, Goel and
// Ré 2021), its parameters and initialisation as S4-v4's `SSMKernelDPLR` (SPEC 4.4, 4.5), the
// kernel from src/nn/s4/kernel-dplr.ts (4.6), the layer around it from ssm-layer.ts (4.9).
//
// State of the child module `kernel` (state-dict names S4-v4's, except `log_dt`, S4-v3's name of
// what v4 calls `inv_dt` with the "exp" transform, stored [H] rather than [H, 1]):
//   log_dt    [H]             log Δ ~ U[log dtMin, log dtMax]                    lr hint, wd 0
//   A_real    [S, N2]         log(−Re Λ) = log ½                                 lr hint, wd 0
//   A_imag    [S, N2]         −Im Λ > 0                                          lr hint, wd 0
//   P         [1, S, N2, 2]   P̃ (real positive in the canonical phase, 4.3)      lr hint, wd 0
//   B         [1, S, N2, 2]   B̃ = √2·P̃                                          lr hint, wd 0
//   C         [C', H, N2, 2]  C̃ = C(I − Ā^{L_int}) of a complex-normal C (4.5)  global settings
//   l_kernel  []              buffer: L_int, the length C̃ is tied to (0: C holds C itself)
// with Λ = −exp(A_real) − i·A_imag built in the forward, and (Λ, P, B) copy s = h mod S used by
// row c·H + h. The trainable parameter is C̃ itself, as in S4-v4's `_setup_C`:
//   lMax given   C̃ = C(I − Ā^lMax) at construction (what the reference computes at its first
//                forward, from the same, untouched parameters); L_int = lMax for good, and
//                kernels have min(L, lMax) taps (longer inputs see only lMax taps).
//   lMax absent  C holds C until the first forward at length L sets C̃ = C(I − Ā^L), L_int = L;
//                whenever a longer input arrives, C̃ ← C̃(I + Ā^{L_int}) and L_int doubles
//                (I − Ā^{2L} = (I − Ā^L)(I + Ā^L)) until L ≤ L_int. Kernels have L taps.
// Both updates run without gradient, with the parameters' values of that moment. The kernel is
// always generated at L_int (the roots of unity of the truncated generating function) and cut.
// l_kernel is a persistent buffer, as in the reference, so that a loaded C̃ is read for the
// length it was made for: a state dict saved before the first forward (l_kernel 0, C original)
// is attuned at the next forward, one saved after it is not attuned twice.
//
// Stepping (SPEC 4.1; step.ts): the structured bilinear recurrence
//   x_k = M((4/Δ)x_{k−1} + 2B u_k) − x_{k−1},  M = (2/Δ − A)⁻¹ by Woodbury,   O(N) per row,
// with the original C = C̃(I − Ā^{L_int})⁻¹ recovered densely at setupStep() (no gradient; C itself
// while L_int = 0).

import { noGrad } from '../autograd/grad-mode.js';
import { zeros } from '../tensor/create.js';
import { type Tensor } from '../tensor/tensor.js';
import { narrow, reshape } from '../ops/shape.js';
import { makeDPLR } from './s4/dplr.js';
import { type DPLRParams, cTilde, doubleCTilde, kernelDPLR } from './s4/kernel-dplr.js';
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
  /** The layer's lMax: a fixed internal length, or null for one that grows with the inputs. */
  readonly lMax: number | null;

  readonly logDt: Parameter; //   [H]
  readonly Areal: Parameter; //   [S, N2]
  readonly Aimag: Parameter; //   [S, N2]
  readonly P: Parameter; //       [1, S, N2, 2]
  readonly B: Parameter; //       [1, S, N2, 2]
  readonly C: Parameter; //       [C', H, N2, 2]  C̃ for L_int (C itself while L_int = 0)
  readonly #lKernel: Tensor; //   []  the buffer l_kernel = L_int

  constructor(cfg: KernelConfig) {
    super();
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
    this.C = new Parameter(complexNormal([Cp, H, N / 2], cfg)); // the original C  [C', H, N2, 2]
    this.#lKernel = this.registerBuffer('l_kernel', zeros([], { dtype: cfg.dtype }), { integer: true }); // int64 in the reference
    if (this.lMax !== null) this.attune(this.lMax);
  }

  /** L_int, the internal kernel length C̃ is tied to; 0 while C holds the original C. */
  get lKernel(): number {
    const L = this.#lKernel.data[0];
    if (!Number.isInteger(L) || L < 0) throw new RangeError(`S4: the buffer l_kernel must hold a length ≥ 0, got ${L}`);
    return L;
  }

  /**
   * Make L_int ≥ L (S4-v4 `_setup_C`, SPEC 4.5), without gradient: at L_int = 0, C ← C̃ =
   * C(I − Ā^L) and L_int = L; then, while L > L_int, C̃ ← C̃(I + Ā^{L_int}) and L_int doubles.
   * Called by forward; nothing to do when L ≤ L_int.
   */
  attune(L: number): void {
    if (!Number.isInteger(L) || L < 1) throw new RangeError(`S4.kernel.attune: L must be a positive integer, got ${L}`);
    if (L <= this.lKernel) return;
    noGrad(() => {
      const sys = this.systemParams();
      if (this.lKernel === 0) {
        this.C.data.set(cTilde({ ...sys, C: this.C }, L).data); //                  C(I − Ā^L)  [C', H, N2, 2]
        this.#lKernel.data[0] = L;
      }
      while (L > this.lKernel) {
        const Lint = this.lKernel;
        this.C.data.set(doubleCTilde({ ...sys, Ctilde: this.C }, Lint).data); //   C̃(I + Ā^{L_int})  [C', H, N2, 2]
        this.#lKernel.data[0] = 2 * Lint;
      }
    });
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

  /**
   * The parameters as kernelDPLR wants them for the C'·H rows: Λ, P, B [S or C'·H, N2, 2], log Δ
   * [C'·H], and C̃ [C'·H, N2, 2] (C while L_int = 0).
   */
  params(): DPLRParams {
    const R = this.channels * this.dModel;
    const N2 = this.dState / 2;
    const S = this.Areal.shape[0];
    const C = reshape(this.C, [R, N2, 2]); //                                [R, N2, 2]
    return {
      Lambda: tileRows(lambdaOf(this.Areal, this.Aimag), R), //             [S or R, N2, 2]
      P: tileRows(reshape(this.P, [S, N2, 2]), R), //                      [S or R, N2, 2]
      B: tileRows(reshape(this.B, [S, N2, 2]), R), //                      [S or R, N2, 2]
      ...(this.lKernel === 0 ? { C } : { Ctilde: C }),
      logDt: logDtRows(this.logDt, this.channels), //                      [R]
    };
  }

  /**
   * K [C', H, Lk], Lk = min(L, lMax) (L without lMax): L_int is first made ≥ lMax (≥ L without
   * lMax), then the kernel is generated at L_int from the truncated generating function and cut.
   */
  forward(L: number): Tensor {
    this.attune(this.lMax ?? L);
    const Lint = this.lKernel;
    const Lk = Math.min(L, Lint);
    const K = kernelDPLR(this.params(), Lint); //                             [C'·H, L_int]
    const cut = Lk === Lint ? K : narrow(K, 1, 0, Lk); //                     [C'·H, Lk]
    return reshape(cut, [this.channels, this.dModel, Lk]); //                 [C', H, Lk]
  }

  recurrence(): Recurrence {
    const R = this.channels * this.dModel;
    const Lint = this.lKernel;
    const C = Lint === 0 ? this.C : cFromCtilde({ ...this.systemParams(), Ctilde: this.C }, Lint); // C = C̃(I − Ā^{L_int})⁻¹, one solve per h  [C', H, N2, 2]
    const ssm = discreteDPLR({ ...this.params(), Ctilde: undefined, C: reshape(C, [R, this.dState / 2, 2]) }, Lint); // D, D⊙P, ρ, 4/Δ, C, float64
    return (x, u) => stepDPLR(ssm, x, u);
  }
}

/** nn.S4's options: those of the SSM layer; lMax optional (see the header). */
export type S4Options = SSMLayerOptions;

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
