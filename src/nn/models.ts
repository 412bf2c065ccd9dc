// Models assembled from blocks: a backbone from a layer pattern, a sequence classifier (LRA
// style: encoder, backbone, pooling, head) and a causal language model with generation.

import { noGrad } from '../autograd/grad-mode.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { zeros } from '../tensor/create.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { type NestedArray, Tensor } from '../tensor/tensor.js';
import { softmax } from '../ops/activation.js';
import { type IndexLike, toIndex } from '../ops/indexing.js';
import { mm } from '../ops/matmul.js';
import { mean } from '../ops/reduce.js';
import { narrow, reshape } from '../ops/shape.js';
import { readPaddingMask } from './attention-functional.js';
import { type BlockOptions, type NormKind, ResidualBlock, SequenceNorm } from './blocks.js';
import { ModuleList } from './containers.js';
import { normal_ } from './init.js';
import { Embedding, Linear } from './linear.js';
import { type MixerOptions, makeMixer } from './mixers.js';
import { type LayerOptions, Module } from './module.js';
import { type LayerLetter, expandPattern } from './pattern.js';

export interface BackboneOptions extends BlockOptions, MixerOptions {
  dModel: number;
  /** Layer pattern, e.g. "C", "AAC*3+ACC*3" (see pattern.ts). */
  pattern: string;
  /** Number of layers; the pattern repeats to fill it. Default: the pattern's own length. */
  layers?: number;
  /** LayerNorm after the last block (pre-norm stacks), as GPT-2's ln_f. Default: prenorm. */
  finalNorm?: boolean;
}

/** A stack of residual blocks built from a pattern string. */
export class Backbone extends Module {
  readonly letters: LayerLetter[];
  readonly layers: ModuleList<ResidualBlock>;
  readonly norm: SequenceNorm | null;

  constructor(opts: BackboneOptions) {
    super();
    this.letters = expandPattern(opts.pattern, opts.layers);
    const blocks = this.letters.map((letter) => {
      const attention = letter === 'A' || letter === 'W';
      // Unless mlpRatio is given, attention blocks carry their own MLP (Transformer); the
      // convolution and SSM layers have an output Linear + GLU and stand alone, as in the
      // S4/SGConv LRA backbones.
      return new ResidualBlock(makeMixer(letter, opts), opts.dModel, { ...opts, mlpRatio: opts.mlpRatio ?? (attention ? 4 : 0) });
    });
    this.layers = new ModuleList(blocks);
    const prenorm = opts.prenorm ?? true;
    this.norm = (opts.finalNorm ?? prenorm) ? new SequenceNorm(opts.dModel, opts.norm === 'batch' ? 'batch' : 'layer', opts) : null;
  }

  /** x [B, L, H] → [B, L, H]; attention layers ignore the keys that keyPaddingMask [B, L] marks with 1. */
  forward(x: Tensor, opts: { keyPaddingMask?: Tensor } = {}): Tensor {
    let h = x; // [B, L, H]
    for (const block of this.layers) h = block.forward(h, opts);
    return this.norm === null ? h : this.norm.forward(h);
  }

  get steppable(): boolean {
    return [...this.layers].every((b) => b.steppable) && this.norm?.kind !== 'batch';
  }
}

export interface SequenceClassifierOptions extends BackboneOptions {
  /** Token inputs: vocabulary size (an Embedding encoder). Otherwise `inputDim` (a Linear encoder). */
  vocabSize?: number;
  inputDim?: number;
  /** Output size: classes, or 1 for regression. */
  numClasses: number;
  pooling?: 'mean' | 'last';
}

/** Encoder → backbone → mean or last-position pooling → linear head (the LRA model). */
export class SequenceClassifier extends Module {
  readonly encoder: Embedding | Linear;
  readonly backbone: Backbone;
  readonly head: Linear;
  readonly pooling: 'mean' | 'last';

  constructor(opts: SequenceClassifierOptions) {
    super();
    if ((opts.vocabSize === undefined) === (opts.inputDim === undefined)) {
      throw new RangeError('SequenceClassifier: give exactly one of vocabSize (token inputs) and inputDim (real-valued inputs)');
    }
    const layer: LayerOptions = { generator: opts.generator, dtype: opts.dtype };
    this.encoder = opts.vocabSize !== undefined ? new Embedding(opts.vocabSize, opts.dModel, layer) : new Linear(opts.inputDim!, opts.dModel, layer);
    this.backbone = new Backbone(opts);
    this.head = new Linear(opts.dModel, opts.numClasses, layer);
    this.pooling = opts.pooling ?? 'mean';
  }

  /**
   * Token ids [B, L] (or features [B, L, inputDim]) → logits [B, numClasses]. With
   * `paddingMask` [B, L] (1 = padding, PyTorch's key_padding_mask convention) the pooling uses
   * only the real positions (mean over them, or the last of them) and attention layers ignore
   * padded keys. Convolution and SSM layers still run over the padding; causal ones (the
   * default) cannot carry it back into earlier positions, so trailing padding then changes
   * nothing.
   */
  forward(x: Tensor | IndexLike | NestedArray, opts: { paddingMask?: Tensor | readonly (readonly (number | boolean)[])[] } = {}): Tensor {
    const e = encode(this.encoder, x); // [B, L, H]
    const [B, L, H] = e.shape;
    const mask = opts.paddingMask === undefined ? undefined : readPaddingMask(opts.paddingMask, B, L, 'SequenceClassifier: paddingMask');
    // Refuse a sequence with nothing to pool before any layer runs (BatchNorm statistics, dropout draws).
    if (mask !== undefined) for (let b = 0; b < B; b++) if (mask.subarray(b * L, (b + 1) * L).every((v) => v !== 0)) throw new RangeError(`SequenceClassifier: sequence ${b} is all padding; there is nothing to pool`);
    const keyPaddingMask = mask === undefined ? undefined : new Tensor(Float64Array.from(mask), [B, L]);
    const h = this.backbone.forward(e, { keyPaddingMask }); // [B, L, H]
    let pooled: Tensor; // [B, H]
    if (mask === undefined) {
      pooled = this.pooling === 'mean' ? mean(h, 1) : reshape(narrow(h, 1, L - 1, 1), [B, H]);
    } else {
      pooled = reshape(mm(poolingWeights(mask, B, L, this.pooling, h.dtype), h), [B, H]); // [B, 1, L]·[B, L, H]
    }
    return this.head.forward(pooled); // [B, classes]
  }
}

/**
 * Pooling over the real positions as weights w [B, 1, L], so that pooled = w·h: 1/n at each
 * of a row's n real positions (mean), or 1 at the last of them (last).
 */
function poolingWeights(mask: Uint8Array, B: number, L: number, pooling: 'mean' | 'last', dtype: Tensor['dtype']): Tensor {
  const w = zeros([B, 1, L], { dtype });
  for (let b = 0; b < B; b++) {
    const real: number[] = [];
    for (let l = 0; l < L; l++) if (!mask[b * L + l]) real.push(l);
    if (real.length === 0) throw new RangeError(`SequenceClassifier: sequence ${b} is all padding; there is nothing to pool`);
    if (pooling === 'mean') for (const l of real) w.data[b * L + l] = 1 / real.length;
    else w.data[b * L + real[real.length - 1]] = 1;
  }
  return w;
}

function encode(encoder: Embedding | Linear, x: Tensor | IndexLike | NestedArray): Tensor {
  if (encoder instanceof Linear) {
    if (!(x instanceof Tensor) || x.ndim !== 3) throw new ShapeError(`model: real-valued inputs must be a [B, L, inputDim] tensor, got ${x instanceof Tensor ? fmt(x.shape) : typeof x}`);
    return encoder.forward(x); // [B, L, H]
  }
  if (x instanceof Tensor && x.ndim !== 2) throw new ShapeError(`model: token ids must be [B, L], got ${fmt(x.shape)}`);
  return encoder.forward(x as IndexLike); // [B, L, H]
}

export interface LanguageModelOptions extends BackboneOptions {
  vocabSize: number;
}

/** Token embedding → causal backbone → final norm → head tied to the embedding. */
export class LanguageModel extends Module {
  readonly embedding: Embedding;
  readonly backbone: Backbone;
  readonly vocabSize: number;

  constructor(opts: LanguageModelOptions) {
    super();
    this.vocabSize = opts.vocabSize;
    this.embedding = new Embedding(opts.vocabSize, opts.dModel, { generator: opts.generator, dtype: opts.dtype });
    // The embedding is also the output head. Embedding's own N(0, 1) (PyTorch's default) would
    // give logits of std ≈ √H after the final LayerNorm and a starting loss far above ln V;
    // N(0, 0.02), as GPT-2 and SPEC 5.1, starts the model near the uniform guess.
    normal_(this.embedding.weight, 0, 0.02, opts.generator ?? defaultGenerator);
    this.backbone = new Backbone({ ...opts, causal: true, bidirectional: false, finalNorm: true });
  }

  /** Token ids [B, L] → next-token logits [B, L, vocab] (the head is the embedding, transposed). */
  forward(ids: Tensor | IndexLike | NestedArray): Tensor {
    const h = this.backbone.forward(encode(this.embedding, ids)); // [B, L, H]
    return mm(h, this.embedding.weight, false, true); // [B, L, V]
  }

  /**
   * Sample `maxNewTokens` tokens after `prompt` (1-D ids), with temperature and top-k. Models
   * made only of S4/S4D layers run recurrently, O(N) per token; the others re-run the causal
   * forward pass on the growing sequence.
   */
  generate(prompt: readonly number[], opts: { maxNewTokens: number; temperature?: number; topK?: number; generator?: Generator }): number[] {
    const temperature = opts.temperature ?? 1;
    if (!(temperature > 0)) throw new RangeError(`generate: temperature must be > 0, got ${temperature}`);
    if (prompt.length === 0) throw new RangeError('generate: the prompt must hold at least one token');
    toIndex('generate', [...prompt], this.vocabSize);
    const gen = opts.generator ?? defaultGenerator;
    const wasTraining = this.training;
    this.eval();
    try {
      return noGrad(() => (this.backbone.steppable ? this.generateRecurrent(prompt, opts.maxNewTokens, temperature, opts.topK, gen) : this.generateFull(prompt, opts.maxNewTokens, temperature, opts.topK, gen)));
    } finally {
      this.train(wasTraining);
    }
  }

  private generateFull(prompt: readonly number[], n: number, temperature: number, topK: number | undefined, gen: Generator): number[] {
    const tokens = [...prompt];
    for (let i = 0; i < n; i++) {
      const logits = this.forward([tokens]); // [1, T, V]
      const last = narrow(logits, 1, tokens.length - 1, 1).data;
      tokens.push(sample(last, temperature, topK, gen));
    }
    return tokens;
  }

  /**
   * Run the model one token at a time (evaluation mode, S4/S4D-only models): each call of the
   * returned function feeds the next token and returns the next-token logits [V], equal to the
   * convolutional forward pass's logits at that position.
   */
  stepper(): (token: number) => Tensor {
    if (!this.backbone.steppable) throw new Error('LanguageModel: only models made of S4/S4D layers (with LayerNorm) can run step by step');
    const blocks = [...this.backbone.layers];
    blocks.forEach((b) => b.setupStep());
    const states = blocks.map((b) => b.initialState(1));
    return (token) => {
      let h = reshape(this.embedding.forward([token]), [1, this.embedding.embeddingDim]); // [1, H]
      blocks.forEach((b, i) => {
        const r = b.step(h, states[i]);
        h = r.y;
        states[i] = r.state;
      });
      if (this.backbone.norm !== null) h = this.backbone.norm.forward(h);
      return reshape(mm(h, this.embedding.weight, false, true), [this.vocabSize]); // [V]
    };
  }

  private generateRecurrent(prompt: readonly number[], n: number, temperature: number, topK: number | undefined, gen: Generator): number[] {
    const advance = this.stepper();
    const tokens = [...prompt];
    let logits: Tensor | null = null;
    for (const t of prompt) logits = advance(t);
    for (let i = 0; i < n; i++) {
      const next = sample(logits!.data, temperature, topK, gen);
      tokens.push(next);
      logits = advance(next);
    }
    return tokens;
  }
}

/** Draw one index from softmax(logits / temperature), restricted to the top k logits. */
export function sample(logits: ArrayLike<number>, temperature: number, topK: number | undefined, gen: Generator): number {
  const V = logits.length;
  const order = Array.from({ length: V }, (_, i) => i);
  let keep = order;
  if (topK !== undefined) {
    if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`generate: topK must be a positive integer, got ${topK}`);
    keep = order.sort((a, b) => logits[b] - logits[a]).slice(0, Math.min(topK, V));
  }
  const scaled = new Tensor(Float64Array.from(keep, (i) => logits[i] / temperature), [keep.length]);
  const p = softmax(scaled, 0).data;
  let r = gen.random();
  for (let j = 0; j < keep.length; j++) {
    r -= p[j];
    if (r < 0) return keep[j];
  }
  return keep[keep.length - 1];
}

export type { NormKind };
