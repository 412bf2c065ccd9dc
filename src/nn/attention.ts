// nn.MultiheadAttention, after torch.nn.MultiheadAttention (batch_first, self-attention), with
// its parameter names and initialisation, so a PyTorch state dict loads by name:
//   in_proj_weight [3E, E] (rows q, k, v), Xavier-uniform over the whole matrix
//   in_proj_bias [3E], zeros;  out_proj: Linear(E, E) with its bias zeroed.
// The mask is part of the layer's configuration (causal, or a sliding window that requires a
// size: SPEC 5.3), because in the sequence models here a layer always attends the same way.
// The maths lives in attention-functional.ts.

import { defaultGenerator } from '../tensor/random.js';
import { zeros } from '../tensor/create.js';
import { type Tensor } from '../tensor/tensor.js';
import { type AttentionOptions, multiheadSelfAttention } from './attention-functional.js';
import { xavierUniform_, zeros_ } from './init.js';
import { Linear } from './linear.js';
import { type LayerOptions, Module } from './module.js';
import { Parameter } from './parameter.js';

export interface MultiheadAttentionOptions extends LayerOptions {
  /** Dropout on the attention weights (training only). */
  dropout?: number;
  bias?: boolean;
  /** Query i sees keys j ≤ i. */
  causal?: boolean;
  /** Sliding-window causal attention over the `window` most recent positions (implies causal). */
  window?: number;
}

export class MultiheadAttention extends Module {
  static override stateNames = { inProjWeight: 'in_proj_weight', inProjBias: 'in_proj_bias', outProj: 'out_proj' };

  readonly embedDim: number;
  readonly numHeads: number;
  readonly inProjWeight: Parameter; // [3E, E]
  readonly inProjBias: Parameter | null; // [3E]
  readonly outProj: Linear; // E → E
  readonly dropout: number;
  readonly causal: boolean;
  readonly window: number | undefined;
  readonly #generator;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    if (!Number.isInteger(embedDim) || embedDim < 1) throw new RangeError(`MultiheadAttention: embedDim must be a positive integer, got ${embedDim}`);
    if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0) {
      throw new RangeError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    }
    if (opts.window !== undefined && (!Number.isInteger(opts.window) || opts.window < 1)) {
      throw new RangeError(`MultiheadAttention: window must be a positive integer, got ${opts.window}`);
    }
    const dropout = opts.dropout ?? 0;
    if (!(dropout >= 0 && dropout <= 1)) throw new RangeError(`MultiheadAttention: dropout must be in [0, 1], got ${dropout}`);
    const generator = opts.generator ?? defaultGenerator;
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.dropout = dropout;
    this.causal = (opts.causal ?? false) || opts.window !== undefined;
    this.window = opts.window;
    this.#generator = generator;
    this.inProjWeight = new Parameter(xavierUniform_(zeros([3 * embedDim, embedDim], { dtype: opts.dtype }), { generator }));
    this.inProjBias = (opts.bias ?? true) ? new Parameter(zeros([3 * embedDim], { dtype: opts.dtype })) : null;
    this.outProj = new Linear(embedDim, embedDim, { bias: opts.bias ?? true, generator, dtype: opts.dtype });
    if (this.outProj.bias !== null) zeros_(this.outProj.bias);
  }

  /** Self-attention over x [B, L, E] → [B, L, E]. */
  forward(x: Tensor, opts: Pick<AttentionOptions, 'keyPaddingMask'> = {}): Tensor {
    return this.attend(x, opts).output;
  }

  /** The output and the attention weights per head [B, h, L, L]. */
  attend(x: Tensor, opts: Pick<AttentionOptions, 'keyPaddingMask'> = {}): { output: Tensor; weights: Tensor } {
    const { output, weights } = multiheadSelfAttention(
      x,
      { inProjWeight: this.inProjWeight, inProjBias: this.inProjBias, outProjWeight: this.outProj.weight, outProjBias: this.outProj.bias },
      this.numHeads,
      {
        causal: this.causal,
        window: this.window,
        keyPaddingMask: opts.keyPaddingMask,
        dropout: this.dropout,
        training: this.training,
        generator: this.#generator,
      },
    );
    return { output, weights };
  }
}
