// nn.SGConv: the Structured Global Convolution layer of Li et al. 2022, "What Makes
// Convolutional Models Great on Long Sequence Modeling?", computed as the official GConv module
// computes it with transposed=False (ctlllll/SGConv gconv_standalone.py @ 97862df; SPEC 2.1,
// 2.4, 2.5, 2.6, 2.8). The kernel is the plain function sgconvKernel (src/nn/sgconv/kernel.ts).
//
// Dimensions: B batch, L length, H = dModel, C channels, C' = C·(2 if bidirectional) kernel
// channels, S scales, d = kernelDim.
//
//   v   = uᵀ                                                   [B, H, L]
//   K   = fit(Cat_i Up(W_i·m^(S−1−i)), L) / Z                  [C', H, L]      (SPEC 2.2)
//   y   = K ∗ v + D[c,h]·v      (two-sided when bidirectional) [B, C, H, L]    (SPEC 2.5 steps 2-4)
//   z   = Dropout(σ(flatten_{c·H+h}(y)))ᵀ                      [B, L, C·H]     (steps 5-7)
//   out = z Wᵀ + b                   postact null, W [H, C·H]  [B, L, H]       (step 8)
//       = GLU(z Wᵀ + b)              postact 'glu', W [2H, C·H]
//
// Z, the normalisation constant (SPEC 2.4), is computed lazily, exactly when the reference
// computes it: the persistent buffers `kernel_norm` [C', H, 1] (ones) and
// `kernel_norm_initialized` (0) start unset; the first forward (or kernel()) call takes
// Z = ‖K_full‖₂ of the weights of that moment, without gradient, writes it into the buffer and
// sets the flag to 1; afterwards Z is only read. Both buffers travel in the state dict, so a
// loaded flag of 1 keeps the loaded Z, and weights loaded into a fresh layer (a PyTorch module
// that never ran, or the fixtures) get their Z from those weights, not from the random init a
// construction-time Z would have frozen.
//
// Dropout is elementwise over [B, L, C·H] by default, as the reference's nn.Dropout in the
// (B, L, H) layout. With tieDropout one mask [B, 1, C·H] is shared along time: the "tied"
// dropout of the LRA CIFAR config (SPEC 2.7, state-spaces DropoutNd), and the same mask as the
// reference's Dropout2d in its transposed (B, C·H, L) layout (whole feature rows zeroed).

import { full, ones, randn, tensor } from '../tensor/create.js';
import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/binary.js';
import { dropout } from '../ops/activation.js';
import { fftConv } from '../ops/conv.js';
import { reshape, transpose, unsqueeze } from '../ops/shape.js';
import { ParameterList, type Sequential } from './containers.js';
import { type Activation, checkPositiveInteger, outputLinear, pointwise } from './layer-utils.js';
import { type Linear } from './linear.js';
import { type LayerOptions, Module } from './module.js';
import { type OptimHints, Parameter } from './parameter.js';
import { type SgconvKernelResult, parseSgconvMode, sgconvCosInit, sgconvDecayInit, sgconvKernel, sgconvMultiplier, sgconvScales } from './sgconv/kernel.js';

// ---- the layer -----------------------------------------------------------------------------

export interface SGConvOptions extends LayerOptions {
  /** H, the width (d_model). */
  dModel: number;
  /** Maximum sequence length: fixes the number of scales S = 1 + ⌈log2(lMax/d)⌉ − initScale. */
  lMax: number;
  /** C, kernel heads; the output linear reads C·H features. Default 1. */
  channels?: number;
  /** d, the length of every sub-kernel. Default 64. */
  kernelDim?: number;
  /** A second, anti-causal kernel set (C' = 2C). Default false. */
  bidirectional?: boolean;
  /** The multiplier m_h = linspace(decayMin, decayMax, H) (or the range of t in 'learnable' modes). Default 2, 2. */
  decayMin?: number;
  decayMax?: number;
  /** s₀, an extra upsampling exponent of every scale. Default 0. */
  initScale?: number;
  /** The reference's mode string: 'cat_randn' (default), 'cat_cos', 'cat_randn_learnable[_fixed]', 'sum_…', '…_nearest'. */
  mode?: string;
  /** Pointwise activation after the convolution. Default 'gelu'. */
  activation?: Activation;
  /** null (default): Linear(C·H, H); 'glu': Linear(C·H, 2H) + GLU; 'id': Sequential(Linear(C·H, H)). */
  postact?: 'glu' | 'id' | null;
  /** Dropout after the activation. Default 0. */
  dropout?: number;
  /** Tie the dropout mask across time: one mask [B, 1, C·H] (DropoutNd, the LRA CIFAR config, SPEC 2.7). Default false. */
  tieDropout?: boolean;
  /** The learning rate hint on every sub-kernel (and the learnable decay); weight decay is inherited (SPEC 2.8). null: no hint. Default 0.001. */
  kernelLr?: number | null;
}

export class SGConv extends Module {
  static override stateNames = { kernelList: 'kernel_list', outputLinear: 'output_linear' };

  readonly dModel: number;
  readonly lMax: number;
  readonly channels: number;
  readonly kernelDim: number;
  readonly bidirectional: boolean;
  readonly decayMin: number;
  readonly decayMax: number;
  readonly initScale: number;
  readonly mode: string;
  readonly nScales: number;
  readonly activation: Activation;
  readonly postact: 'glu' | 'id' | null;
  readonly dropout: number;
  readonly tieDropout: boolean;
  readonly generator: Generator;
  readonly #act: (x: Tensor) => Tensor;

  // State, in the reference's state-dict order: own parameters, buffers, then children.
  readonly D: Parameter; //                              [C, H]        skip, N(0, 1)
  readonly decay: Parameter | null; //                   [H]           t of 'learnable' modes
  readonly outputLinear: Linear | Sequential; //         [H or 2H, C·H] + bias
  readonly kernelList: ParameterList; //                 S × [C', H, d]

  constructor(opts: SGConvOptions) {
    super();
    const who = 'SGConv';
    const H = opts.dModel;
    checkPositiveInteger(who, 'dModel', H);
    const C = opts.channels ?? 1;
    checkPositiveInteger(who, 'channels', C);
    this.dModel = H;
    this.lMax = opts.lMax;
    this.channels = C;
    this.kernelDim = opts.kernelDim ?? 64;
    this.bidirectional = opts.bidirectional ?? false;
    this.decayMin = opts.decayMin ?? 2;
    this.decayMax = opts.decayMax ?? 2;
    this.initScale = opts.initScale ?? 0;
    this.mode = opts.mode ?? 'cat_randn';
    this.activation = opts.activation ?? 'gelu';
    this.#act = pointwise(this.activation, who);
    this.postact = opts.postact ?? null;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new RangeError(`${who}: dropout must be in [0, 1), got ${this.dropout}`);
    this.tieDropout = opts.tieDropout ?? false;
    this.generator = opts.generator ?? defaultGenerator;
    const mode = parseSgconvMode(this.mode);
    const { nScales: S } = sgconvScales(this.lMax, this.kernelDim, this.initScale, mode.recipe);
    this.nScales = S;
    const Cp = this.bidirectional ? 2 * C : C;
    const lr = opts.kernelLr === undefined ? 0.001 : opts.kernelLr;
    const hints: OptimHints | undefined = lr === null ? undefined : { lr };
    const dtype = opts.dtype;
    const generator = this.generator;

    // Initialisation in the reference's order: D, the output linear, the sub-kernels, t.
    this.D = new Parameter(randn([C, H], { dtype, generator }));
    this.outputLinear = outputLinear(C * H, H, this.postact, { dtype, generator }, who);
    const weights = mode.init === 'cos'
      ? sgconvCosInit(Cp, H, this.kernelDim, S, { dtype, generator })
      : Array.from({ length: S }, () => randn([Cp, H, this.kernelDim], { dtype, generator }));
    this.kernelList = new ParameterList(weights.map((w) => new Parameter(w, hints)));
    if (mode.learnable) {
      this.decay = new Parameter(sgconvDecayInit(H, this.decayMin, this.decayMax, { dtype, generator }), mode.fixed ? undefined : hints);
      if (mode.fixed) this.decay.requiresGrad = false;
    } else {
      this.decay = null;
    }

    // m_h (a constant: recorded for PyTorch compatibility; a scalar 1 in 'learnable' modes).
    const m = sgconvMultiplier(this.decayMin, this.decayMax, H, dtype ?? 'float32').data;
    this.registerBuffer('multiplier', mode.learnable ? full([], 1, { dtype }) : tensor(m, { shape: [1, H, 1] })); // [1, H, 1] or []
    this.registerBuffer('kernel_norm', ones([Cp, H, 1], { dtype })); //            [C', H, 1]
    this.registerBuffer('kernel_norm_initialized', full([], 0, { dtype }), { bool: true }); // [], 0 or 1 (a bool in PyTorch)
  }

  /** Z [C', H, 1], the frozen normalisation constant (meaningful once kernelNormInitialized). */
  get kernelNorm(): Tensor {
    return this.getBuffer('kernel_norm')!;
  }

  /** Whether Z has been fixed (by a first call or a loaded state dict). */
  get kernelNormInitialized(): boolean {
    return this.getBuffer('kernel_norm_initialized')!.data[0] !== 0;
  }

  /**
   * The kernel at input length L, K = fit(K_full, L)/Z [C', H, L] (causal channels first), with
   * Z [C', H, 1] and K_full [C', H, T]. The first call fixes Z (see the header).
   */
  kernel(L: number): SgconvKernelResult {
    this.#checkMultiplier();
    const initialized = this.kernelNormInitialized;
    const result = sgconvKernel([...this.kernelList], {
      lMax: this.lMax, kernelDim: this.kernelDim, L, decayMin: this.decayMin, decayMax: this.decayMax,
      initScale: this.initScale, mode: this.mode, decay: this.decay, kernelNorm: initialized ? this.kernelNorm : null,
    });
    if (!initialized) {
      this.kernelNorm.data.set(result.kernelNorm.data);
      this.getBuffer('kernel_norm_initialized')!.data[0] = 1;
    }
    return result;
  }

  /** u [B, L, H] → [B, L, H] (SPEC 2.5). */
  forward(u: Tensor): Tensor {
    const { dModel: H, channels: C } = this;
    if (u.ndim !== 3 || u.shape[2] !== H) throw new ShapeError(`SGConv: input must be [B, L, H = ${H}], got ${fmt(u.shape)}`);
    if (u.dtype !== this.D.dtype) throw new DTypeError(`SGConv: input is ${u.dtype} but the layer is ${this.D.dtype}; convert one of them with .to()`);
    const [B, L] = u.shape;
    const v = transpose(u, 1, 2); //                                                  [B, H, L]
    const K = this.kernel(L).kernel; //                                               [C', H, L]
    const conv = fftConv(v, K, { bidirectional: this.bidirectional }); //             [B, C, H, L]
    const skip = mul(unsqueeze(v, 1), reshape(this.D, [1, C, H, 1])); //              [B, C, H, L]
    const y = reshape(add(conv, skip), [B, C * H, L]); //                             [B, C·H, L]  feature c·H + h
    const z = this.#act(transpose(y, 1, 2)); //                                       [B, L, C·H]
    const dropped = dropout(z, this.dropout, this.training, this.generator, { tie: this.tieDropout }); // [B, L, C·H], tied mask [B, 1, C·H]
    return this.outputLinear.forward(dropped); //                                     [B, L, H]
  }

  /** The multiplier is a function of (decayMin, decayMax, H); refuse a loaded one that is not. */
  #checkMultiplier(): void {
    const m = this.getBuffer('multiplier')!;
    const expected = this.decay === null ? sgconvMultiplier(this.decayMin, this.decayMax, this.dModel, 'float64').data : [1];
    for (let h = 0; h < expected.length; h++) {
      if (!(Math.abs(m.data[h] - expected[h]) <= 1e-6 * Math.max(1, Math.abs(expected[h])))) {
        throw new RangeError(`SGConv: the multiplier buffer holds ${m.data[h]} at ${h}, but decayMin ${this.decayMin}, decayMax ${this.decayMax} give ${expected[h]}; build the layer with the options the state dict was saved with`);
      }
    }
  }
}
