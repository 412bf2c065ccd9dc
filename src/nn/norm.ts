// Normalisation layers, after torch.nn.LayerNorm and torch.nn.BatchNorm1d (SPEC 5.4).
//
// LayerNorm over the trailing `normalizedShape` axes, through the `layerNorm` op:
//   y = (x − μ)/√(σ² + ε) · γ + β,  μ, σ² (biased) per position.
//
// BatchNorm1d over channels, input [N, C] or [N, C, L] (PyTorch layout). Dimensions: N batch,
// C channels (numFeatures), L length. Per channel c, over the n = N·L values:
//   training:  μ_c = mean(x), σ²_c = mean((x − μ_c)²) (biased), y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c,
//              and, without gradient, with f = momentum (or 1/numBatchesTracked when null):
//                running_mean ← (1 − f)·running_mean + f·μ_c
//                running_var  ← (1 − f)·running_var  + f·σ²_c · n/(n − 1)   (unbiased)
//                num_batches_tracked ← num_batches_tracked + 1
//   eval:      the same normalisation with running_mean, running_var in place of μ_c, σ²_c.
// Built from differentiable ops, so the batch-statistics path has exact gradients.

import { noGrad } from '../autograd/grad-mode.js';
import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { full, ones, zeros } from '../tensor/create.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { layerNorm } from '../ops/norm.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { rsqrt } from '../ops/unary.js';
import { type LayerOptions, Module } from './module.js';
import { Parameter } from './parameter.js';

function checkEps(who: string, eps: number): void {
  if (!(Number.isFinite(eps) && eps >= 0)) throw new RangeError(`${who}: eps must be a finite number ≥ 0, got ${eps}`);
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: Parameter | null; // normalizedShape, init 1
  readonly bias: Parameter | null; //   normalizedShape, init 0

  constructor(normalizedShape: number | readonly number[], opts: Omit<LayerOptions, 'generator'> & { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(`LayerNorm: normalizedShape must be one or more positive integers, got ${fmt(shape)}`);
    }
    this.normalizedShape = shape;
    this.eps = opts.eps ?? 1e-5;
    checkEps('LayerNorm', this.eps);
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(shape, { dtype: opts.dtype })) : null;
    this.bias = affine ? new Parameter(zeros(shape, { dtype: opts.dtype })) : null;
  }

  /** x [..., *normalizedShape] → same shape. */
  forward(x: Tensor): Tensor {
    if (this.weight !== null && x.dtype !== this.weight.dtype) {
      throw new DTypeError(`LayerNorm: input is ${x.dtype} but the weight is ${this.weight.dtype}; convert one of them with .to()`);
    }
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

export interface BatchNormOptions extends Omit<LayerOptions, 'generator'> {
  eps?: number;
  /** Weight of the new batch in the running estimates; null for a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;
  readonly weight: Parameter | null; // [C], init 1
  readonly bias: Parameter | null; //   [C], init 0

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`BatchNorm1d: numFeatures must be a positive integer, got ${numFeatures}`);
    const momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new RangeError(`BatchNorm1d: momentum must be in [0, 1] or null, got ${momentum}`);
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    checkEps('BatchNorm1d', this.eps);
    this.momentum = momentum;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const affine = opts.affine ?? true;
    const dtype = opts.dtype;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype })); // [C]
      this.registerBuffer('running_var', ones([numFeatures], { dtype })); //   [C]
      // A count, int64 in PyTorch: marked so that state dicts carry it as one (see Module).
      this.registerBuffer('num_batches_tracked', full([], 0, { dtype }), { integer: true }); // []
    }
  }

  /** Running mean [C] (null without trackRunningStats). */
  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean');
  }

  /** Running (unbiased) variance [C] (null without trackRunningStats). */
  get runningVar(): Tensor | null {
    return this.getBuffer('running_var');
  }

  /** Number of training batches seen, as a 0-d tensor (null without trackRunningStats). */
  get numBatchesTracked(): Tensor | null {
    return this.getBuffer('num_batches_tracked');
  }

  /** x [N, C] or [N, C, L] → same shape. */
  forward(x: Tensor): Tensor {
    const C = this.numFeatures;
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== C) {
      throw new ShapeError(`BatchNorm1d: expected input [N, ${C}] or [N, ${C}, L], got ${fmt(x.shape)}`);
    }
    const like = this.weight ?? this.runningMean;
    if (like !== null && x.dtype !== like.dtype) {
      throw new DTypeError(`BatchNorm1d: input is ${x.dtype} but the layer is ${like.dtype}; convert one of them with .to()`);
    }
    const axes = x.ndim === 2 ? [0] : [0, 2];
    const channelShape = x.ndim === 2 ? [1, C] : [1, C, 1]; // broadcasts over N (and L)
    const n = x.ndim === 2 ? x.shape[0] : x.shape[0] * x.shape[2];
    const useBatchStats = this.training || !this.trackRunningStats;

    let centered: Tensor; // x − μ,  [N, C(, L)]
    let variance: Tensor; // σ²,     [1, C(, 1)]
    if (useBatchStats) {
      if (this.training && n < 2) {
        throw new ShapeError(`BatchNorm1d: training needs more than one value per channel, got input ${fmt(x.shape)}`);
      }
      const mu = mean(x, axes, true); //                          [1, C(, 1)]
      centered = sub(x, mu); //                                   [N, C(, L)]
      variance = mean(mul(centered, centered), axes, true); //   [1, C(, 1)]  biased
      if (this.training && this.trackRunningStats) this.#updateRunningStats(mu, variance, n);
    } else {
      centered = sub(x, reshape(this.runningMean!, channelShape)); // [N, C(, L)]
      variance = reshape(this.runningVar!, channelShape); //          [1, C(, 1)]
    }
    let y = mul(centered, rsqrt(add(variance, this.eps))); //      [N, C(, L)]
    if (this.weight !== null) y = mul(y, reshape(this.weight, channelShape));
    if (this.bias !== null) y = add(y, reshape(this.bias, channelShape));
    return y;
  }

  /** The momentum update of the running estimates, in place and outside the graph. */
  #updateRunningStats(mu: Tensor, biasedVar: Tensor, n: number): void {
    noGrad(() => {
      const count = this.numBatchesTracked!.data;
      count[0] += 1;
      const f = this.momentum ?? 1 / count[0];
      const runMean = this.runningMean!.data;
      const runVar = this.runningVar!.data;
      for (let c = 0; c < this.numFeatures; c++) {
        runMean[c] = (1 - f) * runMean[c] + f * mu.data[c];
        runVar[c] = (1 - f) * runVar[c] + f * biasedVar.data[c] * (n / (n - 1));
      }
    });
  }
}
