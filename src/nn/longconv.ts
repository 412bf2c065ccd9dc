// nn.LongConv and its kernel module nn.LongConvKernel: the long convolutions of Fu et al. 2023,
// "Simple Hardware-Efficient Long Convolutions for Sequence Modeling", as HazyResearch/safari's
// LongConv layer computes them with transposed=False (src/models/sequence/long_conv.py,
// long_conv_kernel.py; SPEC 3.1, 3.2, 3.3, 3.5). The kernel operators are the plain functions
// of src/nn/longconv-kernel.ts.
//
// Dimensions: B batch, L length, H = dModel, C channels, C' = C·(2 if bidirectional) kernel
// channels, Lk = lMax the stored kernel length.
//
//   K   = Dropout(Squash_λ(Smooth(K_raw)))                     [C', H, Lk]     (SPEC 3.2)
//   K'  = K[..., :min(L, Lk)]                                  [C', H, ≤ L]
//   y   = K' ∗ v + D[c,h]·v,  v = uᵀ  (two-sided if bidir.)   [B, C, H, L]    (SPEC 3.3 steps 2-5)
//   z   = Dropout(σ(flatten_{c·H+h}(y)ᵀ))                      [B, L, C·H]     (step 6)
//   out = GLU(z Wᵀ + b),  W [2H, C·H]     (postact 'glu')      [B, L, H]
//
// The one departure from the reference is deliberate (SPEC 3.3 step 4 caveat): safari pads to
// n = min(L, Lk) + L without cutting the kernel, so for L < Lk taps past L wrap around onto
// future inputs. Here the kernel is cut to min(L, Lk) taps first and the convolution is strictly
// causal; for L = Lk (every shipped config, and the fixtures) the two are identical.
//
// The kernel parameter carries the hints { lr: kernelLr, weightDecay: 0 } (SPEC 3.1): weight
// decay 0 whatever the global setting, and its own learning rate. kernelLr null gives
// { weightDecay: 0 } alone; kernelLr 0 stores the kernel as a frozen buffer, as OptimModule does.

import { randn } from '../tensor/create.js';
import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/binary.js';
import { dropout } from '../ops/activation.js';
import { fftConv } from '../ops/conv.js';
import { reshape, slice, transpose, unsqueeze } from '../ops/shape.js';
import { type Sequential } from './containers.js';
import { type Activation, checkPositiveInteger, outputLinear, pointwise } from './layer-utils.js';
import { type Linear } from './linear.js';
import { longConvKernel, longConvKernelInit } from './longconv-kernel.js';
import { type LayerOptions, Module } from './module.js';
import { Parameter } from './parameter.js';

// ---- the kernel module -----------------------------------------------------------------------

export interface LongConvKernelModuleOptions extends LayerOptions {
  /** C', the kernel channels. Default 1. */
  channels?: number;
  /** The kernel's learning-rate hint; null: none (weight decay 0 still); 0: a frozen buffer. Default null. */
  lr?: number | null;
  /** The Squash threshold λ. Default 0.003 (the layer config; SPEC 3.2 on why not the class's 0.1). */
  lam?: number;
  /** Kernel dropout probability (training only). Default 0. */
  kernelDropout?: number;
  /** 'random' (default): N(0, 1)·0.002; 'double_exp': a per-row exponential envelope. */
  weightInit?: 'random' | 'double_exp';
  /** Moving-average smoothing of the kernel before Squash. Default false. */
  useMaSmoothing?: boolean;
  /** Its window (odd). Default 7. */
  maWindowLen?: number;
}

/** The raw kernel K_raw [C', H, Lk] and its re-parametrisation Smooth → Squash → Dropout (SPEC 3.1, 3.2). */
export class LongConvKernel extends Module {
  readonly H: number;
  readonly lMax: number;
  readonly channels: number;
  readonly lam: number;
  readonly kernelDropout: number;
  readonly smoothWindow: number | null;
  readonly generator: Generator;
  /** K_raw [C', H, Lk]: a Parameter, or (lr = 0) the persistent buffer 'kernel'. */
  readonly kernel: Tensor;

  constructor(H: number, lMax: number, opts: LongConvKernelModuleOptions = {}) {
    super();
    checkPositiveInteger('LongConvKernel', 'H', H);
    checkPositiveInteger('LongConvKernel', 'lMax', lMax);
    this.H = H;
    this.lMax = lMax;
    this.channels = opts.channels ?? 1;
    this.lam = opts.lam ?? 0.003;
    if (!(this.lam >= 0 && Number.isFinite(this.lam))) throw new RangeError(`LongConvKernel: lam must be a finite number ≥ 0, got ${this.lam}`);
    this.kernelDropout = opts.kernelDropout ?? 0;
    if (!(this.kernelDropout >= 0 && this.kernelDropout < 1)) throw new RangeError(`LongConvKernel: kernelDropout must be in [0, 1), got ${this.kernelDropout}`);
    this.smoothWindow = opts.useMaSmoothing ? opts.maWindowLen ?? 7 : null;
    if (this.smoothWindow !== null && !(Number.isInteger(this.smoothWindow) && this.smoothWindow % 2 === 1)) {
      throw new RangeError(`LongConvKernel: maWindowLen must be an odd positive integer, got ${this.smoothWindow}`);
    }
    this.generator = opts.generator ?? defaultGenerator;
    const raw = longConvKernelInit(this.channels, H, lMax, { init: opts.weightInit, dtype: opts.dtype, generator: this.generator }); // [C', H, Lk]
    const lr = opts.lr ?? null;
    this.kernel = lr === 0 ? this.registerBuffer('kernel', raw) : new Parameter(raw, lr === null ? { weightDecay: 0 } : { lr, weightDecay: 0 });
  }

  /** K = Dropout(Squash(Smooth(K_raw))), applied afresh at every call.  [C', H, Lk] */
  forward(): Tensor {
    return longConvKernel(this.kernel, {
      lambda: this.lam, smoothWindow: this.smoothWindow, dropout: this.kernelDropout, training: this.training, generator: this.generator,
    });
  }
}

// ---- the layer -----------------------------------------------------------------------------

export interface LongConvOptions extends LayerOptions {
  /** H, the width (d_model). */
  dModel: number;
  /** Lk, the stored kernel length. Default 1024. */
  lMax?: number;
  /** C, kernel heads; the output linear reads C·H features. Default 1. */
  channels?: number;
  /** A second, anti-causal kernel set (C' = 2C). Default false. */
  bidirectional?: boolean;
  /** Pointwise activation after the convolution. Default 'gelu'. */
  activation?: Activation;
  /** 'glu' (default): Linear(C·H, 2H) + GLU; 'id': Linear(C·H, H); null: no output linear (C·H features out). */
  postact?: 'glu' | 'id' | null;
  /** Dropout after the activation. Default 0. */
  dropout?: number;
  /** Tie the dropout mask across time (one mask [B, 1, C·H]). Default false. */
  tieDropout?: boolean;
  /** The kernel's learning-rate hint (weight decay is always 0); null: none; 0: frozen. Default 0.001. */
  kernelLr?: number | null;
  /** Squash threshold λ. Default 0.003. */
  lam?: number;
  kernelDropout?: number;
  weightInit?: 'random' | 'double_exp';
  useMaSmoothing?: boolean;
  maWindowLen?: number;
}

export class LongConv extends Module {
  static override stateNames = { outputLinear: 'output_linear' };

  readonly dModel: number;
  readonly lMax: number;
  readonly channels: number;
  readonly bidirectional: boolean;
  readonly activation: Activation;
  readonly postact: 'glu' | 'id' | null;
  readonly dropout: number;
  readonly tieDropout: boolean;
  readonly generator: Generator;
  readonly #act: (x: Tensor) => Tensor;

  // State, in the reference's state-dict order.
  readonly D: Parameter; //                               [C, H]          skip, N(0, 1)
  readonly kernel: LongConvKernel; //                     kernel.kernel   [C', H, Lk]
  readonly outputLinear: Linear | Sequential | null; //   output_linear.0 [2H, C·H] + bias

  constructor(opts: LongConvOptions) {
    super();
    const who = 'LongConv';
    const H = opts.dModel;
    checkPositiveInteger(who, 'dModel', H);
    this.dModel = H;
    this.lMax = opts.lMax ?? 1024;
    this.channels = opts.channels ?? 1;
    checkPositiveInteger(who, 'channels', this.channels);
    this.bidirectional = opts.bidirectional ?? false;
    this.activation = opts.activation ?? 'gelu';
    this.#act = pointwise(this.activation, who);
    this.postact = opts.postact === undefined ? 'glu' : opts.postact;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new RangeError(`${who}: dropout must be in [0, 1), got ${this.dropout}`);
    this.tieDropout = opts.tieDropout ?? false;
    this.generator = opts.generator ?? defaultGenerator;
    const dtype = opts.dtype;
    const generator = this.generator;

    this.D = new Parameter(randn([this.channels, H], { dtype, generator }));
    this.kernel = new LongConvKernel(H, this.lMax, {
      channels: this.bidirectional ? 2 * this.channels : this.channels,
      lr: opts.kernelLr === undefined ? 0.001 : opts.kernelLr,
      lam: opts.lam, kernelDropout: opts.kernelDropout, weightInit: opts.weightInit,
      useMaSmoothing: opts.useMaSmoothing, maWindowLen: opts.maWindowLen, dtype, generator,
    });
    this.outputLinear = this.postact === null ? null : outputLinear(this.channels * H, H, this.postact, { dtype, generator }, who);
  }

  /** u [B, L, H] → [B, L, H] ([B, L, C·H] without an output linear) (SPEC 3.3). */
  forward(u: Tensor): Tensor {
    const { dModel: H, channels: C } = this;
    if (u.ndim !== 3 || u.shape[2] !== H) throw new ShapeError(`LongConv: input must be [B, L, H = ${H}], got ${fmt(u.shape)}`);
    if (u.dtype !== this.D.dtype) throw new DTypeError(`LongConv: input is ${u.dtype} but the layer is ${this.D.dtype}; convert one of them with .to()`);
    const [B, L] = u.shape;
    const v = transpose(u, 1, 2); //                                                  [B, H, L]
    const K = this.kernel.forward(); //                                               [C', H, Lk]
    const Kfit = L < this.lMax ? slice(K, 2, 0, L) : K; //                            [C', H, min(L, Lk)]
    const conv = fftConv(v, Kfit, { bidirectional: this.bidirectional }); //          [B, C, H, L]
    const skip = mul(unsqueeze(v, 1), reshape(this.D, [1, C, H, 1])); //              [B, C, H, L]
    const y = reshape(add(conv, skip), [B, C * H, L]); //                             [B, C·H, L]  feature c·H + h
    const z = this.#act(transpose(y, 1, 2)); //                                       [B, L, C·H]
    const dropped = dropout(z, this.dropout, this.training, this.generator, { tie: this.tieDropout }); // [B, L, C·H], tied mask [B, 1, C·H]
    return this.outputLinear === null ? dropped : this.outputLinear.forward(dropped); // [B, L, H]
  }
}
