// Pieces shared by the convolutional sequence layers (nn.SGConv, nn.LongConv and the SSM layers
// nn.S4, nn.S4D): the pointwise activation after the convolution (SPEC 2.5 step 6, 3.3 step 6,
// 4.9), the output linear with its optional GLU (SPEC 2.5 step 8, as state-spaces'
// LinearActivation builds it), and the positive-integer check of their size options.

import { type Tensor } from '../tensor/tensor.js';
import { gelu, relu, silu } from '../ops/activation.js';
import { sigmoid, tanh } from '../ops/unary.js';
import { GLU } from './activation.js';
import { Sequential } from './containers.js';
import { Linear } from './linear.js';
import { type LayerOptions } from './module.js';

/** The pointwise activations of the state-spaces `Activation` helper that these layers accept. */
export type Activation = 'gelu' | 'relu' | 'silu' | 'swish' | 'tanh' | 'sigmoid' | 'identity' | 'id';

/** The function of an activation name (GELU is the exact erf form, SPEC 2.5 step 6). */
export function pointwise(name: Activation, who: string): (x: Tensor) => Tensor {
  switch (name) {
    case 'gelu': return (x) => gelu(x);
    case 'relu': return relu;
    case 'silu': case 'swish': return silu;
    case 'tanh': return tanh;
    case 'sigmoid': return sigmoid;
    case 'identity': case 'id': return (x) => x;
    default: throw new RangeError(`${who}: unknown activation '${String(name)}' (expected gelu, relu, silu, swish, tanh, sigmoid or identity)`);
  }
}

/**
 * The output linear C·H → H: bare (postact null), or Sequential(Linear(C·H, 2H), GLU) /
 * Sequential(Linear(C·H, H)) as LinearActivation builds it (the Sequential gives the
 * reference's state-dict names `output_linear.0.*`).
 */
export function outputLinear(inFeatures: number, H: number, postact: 'glu' | 'id' | null, opts: LayerOptions, who: string): Linear | Sequential {
  if (postact === null) return new Linear(inFeatures, H, opts);
  if (postact === 'glu') return new Sequential(new Linear(inFeatures, 2 * H, opts), new GLU(-1));
  if (postact === 'id') return new Sequential(new Linear(inFeatures, H, opts));
  throw new RangeError(`${who}: postact must be 'glu', 'id' or null, got '${String(postact)}'`);
}

/** Refuse a size option (width, length, channels…) that is not an integer ≥ 1, naming the op and the option. */
export function checkPositiveInteger(who: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${who}: ${name} must be a positive integer, got ${v}`);
}
