// Parameter-free layers, after torch.nn.Dropout, GELU and GLU: thin modules over the ops in
// src/ops/activation.ts, so that they can sit in a Sequential and follow train()/eval().

import { type Generator, defaultGenerator } from '../tensor/random.js';
import { type Tensor } from '../tensor/tensor.js';
import { dropout, gelu, glu } from '../ops/activation.js';
import { Module } from './module.js';

/** Inverted dropout: zero with probability p and scale by 1/(1 − p) while training; identity in eval. */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
    this.p = p;
    this.generator = opts.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
}

/** x·Φ(x) (exact, erf) or its tanh approximation. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

/** a ⊙ σ(b), with a and b the two halves of x along `dim` (which halves in size). */
export class GLU extends Module {
  readonly dim: number;

  constructor(dim = -1) {
    super();
    if (!Number.isInteger(dim)) throw new RangeError(`GLU: dim must be an integer, got ${dim}`);
    this.dim = dim;
  }

  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
}
