// Residual blocks (SPEC 2.7 for SGConv, 3.3/3.5 for long convolutions, 5.4 for the layouts).
// One block wraps any sequence mixer the same way — SGConv, LongConv, S4, S4D or attention,
// each mapping [B, L, H] → [B, L, H]:
//
//   pre-norm:   x ← x + Drop(Mixer(Norm₁(x)));   [x ← x + Drop(MLP(Norm₂(x)))]
//   post-norm:  x ← Norm₁(x + Drop(Mixer(x)));   [x ← Norm₂(x + Drop(MLP(x)))]
//
// The bracketed MLP sub-layer (Linear(H, rH) → GELU → Linear(rH, H)) makes it a Transformer
// block; the LRA backbones of S4 and SGConv use the mixer alone, its own output Linear + GLU
// playing the MLP's part. Norm is LayerNorm, or BatchNorm1d over the H features with statistics
// over batch and time (the LRA configs), or none. Drop is inverted dropout on the residual
// branch: elementwise, or tied (tieDropout: one mask [B, 1, H] for the whole sequence, as the
// CIFAR configs of SPEC 2.7 and 3.5 use).

import { ShapeError, fmt } from '../tensor/errors.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { type Tensor } from '../tensor/tensor.js';
import { add } from '../ops/binary.js';
import { dropout, gelu } from '../ops/activation.js';
import { transpose } from '../ops/shape.js';
import { MultiheadAttention, type MultiheadAttentionOptions } from './attention.js';
import { Linear } from './linear.js';
import { type LayerOptions, Module } from './module.js';
import { BatchNorm1d, LayerNorm } from './norm.js';

export type NormKind = 'layer' | 'batch' | 'none';

/** A sequence mixer: [B, L, H] → [B, L, H]; steppable ones also run one position at a time. */
export interface SequenceLayer extends Module {
  /** Attention mixers take a key-padding mask [B, L] (1 = padding); the others ignore it. */
  forward(x: Tensor, opts?: { keyPaddingMask?: Tensor }): Tensor;
  setupStep?(): void;
  initialState?(batch: number): unknown;
  step?(x: Tensor, state: unknown): { y: Tensor; state: unknown };
}

/** Normalisation over the feature axis of [B, L, H] (or of one position, [B, H], in eval mode). */
export class SequenceNorm extends Module {
  readonly kind: NormKind;
  readonly norm: LayerNorm | BatchNorm1d | null;

  constructor(dModel: number, kind: NormKind = 'layer', opts: LayerOptions = {}) {
    super();
    if (kind !== 'layer' && kind !== 'batch' && kind !== 'none') throw new RangeError(`SequenceNorm: kind must be 'layer', 'batch' or 'none', got '${String(kind)}'`);
    this.kind = kind;
    this.norm = kind === 'layer' ? new LayerNorm(dModel, { dtype: opts.dtype }) : kind === 'batch' ? new BatchNorm1d(dModel, { dtype: opts.dtype }) : null;
  }

  forward(x: Tensor): Tensor {
    if (this.norm === null) return x;
    if (this.norm instanceof LayerNorm || x.ndim === 2) return this.norm.forward(x); // [B, L, H] or [B, H]
    return transpose(this.norm.forward(transpose(x, 1, 2)), 1, 2); // BatchNorm1d wants [B, H, L]
  }
}

export interface BlockOptions extends LayerOptions {
  prenorm?: boolean;
  norm?: NormKind;
  /** Dropout on each residual branch. Default 0. */
  dropout?: number;
  /** Tie that dropout across time: one mask [B, 1, H] per call (SPEC 2.7, 3.5 "tied"). Default false. */
  tieDropout?: boolean;
  /** Add the MLP sub-layer with this width ratio (Transformer block); 0 or absent: none. */
  mlpRatio?: number;
  /** GELU of the MLP: exact or the tanh approximation (GPT-2). */
  mlpActivation?: 'gelu' | 'gelu_tanh';
}

/** Linear(H, rH) → GELU → Linear(rH, H), position-wise. */
export class MLP extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly approximate: 'none' | 'tanh';

  constructor(dModel: number, hidden: number, opts: LayerOptions & { activation?: 'gelu' | 'gelu_tanh' } = {}) {
    super();
    this.fc1 = new Linear(dModel, hidden, opts);
    this.fc2 = new Linear(hidden, dModel, opts);
    this.approximate = opts.activation === 'gelu_tanh' ? 'tanh' : 'none';
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(gelu(this.fc1.forward(x), this.approximate));
  }
}

export class ResidualBlock extends Module {
  readonly mixer: SequenceLayer;
  readonly norm1: SequenceNorm;
  readonly mlp: MLP | null;
  readonly norm2: SequenceNorm | null;
  readonly dropout: number;
  readonly tieDropout: boolean;
  readonly generator: Generator;
  readonly prenorm: boolean;
  readonly dModel: number;

  constructor(mixer: SequenceLayer, dModel: number, opts: BlockOptions = {}) {
    super();
    const ratio = opts.mlpRatio ?? 0;
    if (!(ratio >= 0)) throw new RangeError(`ResidualBlock: mlpRatio must be ≥ 0, got ${ratio}`);
    this.dModel = dModel;
    this.prenorm = opts.prenorm ?? true;
    this.mixer = mixer;
    this.norm1 = new SequenceNorm(dModel, opts.norm ?? 'layer', opts);
    this.mlp = ratio > 0 ? new MLP(dModel, Math.round(ratio * dModel), { ...opts, activation: opts.mlpActivation }) : null;
    this.norm2 = ratio > 0 ? new SequenceNorm(dModel, opts.norm ?? 'layer', opts) : null;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`ResidualBlock: dropout must be in [0, 1], got ${this.dropout}`);
    this.tieDropout = opts.tieDropout ?? false;
    this.generator = opts.generator ?? defaultGenerator;
  }

  /** x [B, L, H] → [B, L, H]; a key-padding mask [B, L] (1 = padding) goes to the mixer. */
  forward(x: Tensor, mixerOpts?: { keyPaddingMask?: Tensor }): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.dModel) {
      throw new ShapeError(`ResidualBlock: input must be [B, L, ${this.dModel}], got ${fmt(x.shape)}`);
    }
    let h = this.sublayer(x, this.norm1, (z) => this.mixer.forward(z, mixerOpts)); // [B, L, H]
    if (this.mlp !== null) h = this.sublayer(h, this.norm2!, (z) => this.mlp!.forward(z)); // [B, L, H]
    return h;
  }

  private sublayer(x: Tensor, norm: SequenceNorm, f: (z: Tensor) => Tensor): Tensor {
    return this.prenorm
      ? add(x, this.drop(f(norm.forward(x)))) //   x + Drop(f(Norm(x)))    [B, L, H]
      : norm.forward(add(x, this.drop(f(x)))); //  Norm(x + Drop(f(x)))    [B, L, H]
  }

  /** Drop on a residual branch [B, L, H]: the identity in eval mode. */
  private drop(z: Tensor): Tensor {
    return dropout(z, this.dropout, this.training, this.generator, { tie: this.tieDropout });
  }

  /** Whether the block can run one position at a time (its mixer steps, and its norms are per position). */
  get steppable(): boolean {
    return typeof this.mixer.step === 'function' && this.norm1.kind !== 'batch';
  }

  setupStep(): void {
    this.mixer.setupStep?.();
  }

  initialState(batch: number): unknown {
    if (!this.steppable) throw new Error(`ResidualBlock: the ${this.mixer.constructor.name} mixer cannot run step by step`);
    return this.mixer.initialState!(batch);
  }

  /** One position: x_t [B, H] → y_t [B, H] (evaluation mode). */
  step(x: Tensor, state: unknown): { y: Tensor; state: unknown } {
    if (!this.steppable) throw new Error(`ResidualBlock: the ${this.mixer.constructor.name} mixer cannot run step by step`);
    let next: unknown = state;
    const mix = (z: Tensor): Tensor => {
      const r = this.mixer.step!(z, state);
      next = r.state;
      return r.y;
    };
    let h = this.prenorm ? add(x, mix(this.norm1.forward(x))) : this.norm1.forward(add(x, mix(x)));
    if (this.mlp !== null) {
      h = this.prenorm ? add(h, this.mlp.forward(this.norm2!.forward(h))) : this.norm2!.forward(add(h, this.mlp.forward(h)));
    }
    return { y: h, state: next };
  }
}

/** Pre- or post-LN Transformer block: multi-head self-attention and an MLP (width 4H). */
export class TransformerBlock extends ResidualBlock {
  constructor(dModel: number, numHeads: number, opts: BlockOptions & Pick<MultiheadAttentionOptions, 'causal' | 'window'> & { attentionDropout?: number } = {}) {
    const attn = new MultiheadAttention(dModel, numHeads, { causal: opts.causal, window: opts.window, dropout: opts.attentionDropout ?? 0, generator: opts.generator, dtype: opts.dtype });
    super(attn, dModel, { ...opts, mlpRatio: opts.mlpRatio ?? 4 }); // an explicit `mlpRatio: undefined` still gets 4
  }
}
