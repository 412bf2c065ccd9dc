// Linear and Embedding, after torch.nn.Linear and torch.nn.Embedding, with PyTorch's default
// initialisation so that a model built here starts from the same distribution as the reference.
//
//   Linear:     y = x Wᵀ + b,  W [out, in] ~ U(±1/√in) (kaiming-uniform, a = √5),  b ~ U(±1/√in)
//   Embedding:  y = W[ids],    W [num, dim] ~ N(0, 1), the padding row (if any) zeroed

import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { defaultGenerator } from '../tensor/random.js';
import { zeros } from '../tensor/create.js';
import { type NestedArray, type Tensor } from '../tensor/tensor.js';
import { add } from '../ops/binary.js';
import { type IndexLike, embedding } from '../ops/indexing.js';
import { mm } from '../ops/matmul.js';
import { reshape } from '../ops/shape.js';
import { kaimingUniform_, normal_, uniform_ } from './init.js';
import { type LayerOptions, Module } from './module.js';
import { Parameter } from './parameter.js';

function checkSize(who: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${who}: ${name} must be a positive integer, got ${n}`);
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter; // [out, in]
  readonly bias: Parameter | null; // [out]

  constructor(inFeatures: number, outFeatures: number, opts: LayerOptions & { bias?: boolean } = {}) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures);
    checkSize('Linear', 'outFeatures', outFeatures);
    const generator = opts.generator ?? defaultGenerator;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype: opts.dtype }));
    // kaiming-uniform with a = √5: gain √(2/6), bound gain·√(3/in) = 1/√in.
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (opts.bias ?? true) {
      const bound = 1 / Math.sqrt(inFeatures);
      this.bias = new Parameter(uniform_(zeros([outFeatures], { dtype: opts.dtype }), -bound, bound, generator));
    } else {
      this.bias = null;
    }
  }

  /** x [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear: input ${fmt(x.shape)} must end in inFeatures = ${this.inFeatures}`);
    }
    if (x.dtype !== this.weight.dtype) {
      throw new DTypeError(`Linear: input is ${x.dtype} but the weight is ${this.weight.dtype}; convert the input with .to() or the layer with .to()`);
    }
    const lead = x.shape.slice(0, -1);
    const rows = lead.reduce((n, d) => n * d, 1);
    const x2 = reshape(x, [rows, this.inFeatures]); //             [N, in]
    let y = mm(x2, this.weight, false, true); //                    [N, out]  (x Wᵀ, no transpose copied)
    if (this.bias !== null) y = add(y, this.bias); //              [N, out]
    return reshape(y, [...lead, this.outFeatures]); //              [..., out]
  }
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row (normalised to be non-negative): zero at init and never updated by gradients. */
  readonly paddingIdx: number | null;
  readonly weight: Parameter; // [num, dim]

  constructor(numEmbeddings: number, embeddingDim: number, opts: LayerOptions & { paddingIdx?: number } = {}) {
    super();
    checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    checkSize('Embedding', 'embeddingDim', embeddingDim);
    const p = opts.paddingIdx;
    if (p !== undefined && !(Number.isInteger(p) && p >= -numEmbeddings && p < numEmbeddings)) {
      throw new RangeError(`Embedding: paddingIdx ${p} must be an integer in [${-numEmbeddings}, ${numEmbeddings})`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = p === undefined ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = new Parameter(normal_(zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype }), 0, 1, opts.generator ?? defaultGenerator));
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  /** ids [...] (integers in [0, numEmbeddings)) → [..., dim]. */
  forward(ids: IndexLike | NestedArray): Tensor {
    return embedding(ids, this.weight, this.paddingIdx ?? undefined);
  }
}
