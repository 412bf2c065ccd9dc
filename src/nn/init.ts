// Parameter initialisation, after torch.nn.init: each function writes into a tensor's storage
// in place (hence the trailing underscore) from a seeded generator, and returns the tensor.
//
// Fans of a weight of shape [out, in, *kernel]: receptive = Π kernel,
//   fanIn = in · receptive,   fanOut = out · receptive.
// Bounds:
//   kaimingUniform_ (He et al. 2015):   U(−b, b),  b = gain · √(3 / fan),
//                                       gain = √(2 / (1 + a²)) for leaky_relu with slope a
//   xavierUniform_ (Glorot & Bengio 2010): U(−b, b),  b = gain · √(6 / (fanIn + fanOut))
// so nn.Linear's default, kaiming with a = √5 over fanIn, is U(±1/√in).

import { type Generator, defaultGenerator } from '../tensor/random.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { Tensor } from '../tensor/tensor.js';

/** Refuse to write into anything but a leaf: an op result's storage belongs to the graph. */
function target(op: string, t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof t}`);
  if (!t.isLeaf) throw new TypeError(`${op}: cannot initialise a tensor produced by ${t.gradFn!.name}; only leaves (parameters, buffers) can be written in place`);
  return t;
}

/** Fill with samples of U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  target('uniform_', t);
  if (!(Number.isFinite(a) && Number.isFinite(b) && a <= b)) throw new RangeError(`uniform_: need finite a ≤ b, got a=${a}, b=${b}`);
  const data = t.data;
  for (let i = 0; i < data.length; i++) data[i] = a + (b - a) * generator.random();
  return t;
}

/** Fill with samples of N(mean, std²), drawn in Box-Muller pairs as randn draws them. */
export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  target('normal_', t);
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) throw new RangeError(`normal_: need a finite mean and std ≥ 0, got mean=${mean}, std=${std}`);
  const data = t.data;
  for (let i = 0; i < data.length; i += 2) {
    const [z0, z1] = generator.normalPair();
    data[i] = mean + std * z0;
    if (i + 1 < data.length) data[i + 1] = mean + std * z1;
  }
  return t;
}

/** Fill with a constant. */
export function constant_(t: Tensor, value: number): Tensor {
  target('constant_', t).data.fill(value);
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** fanIn and fanOut of a weight [out, in, *kernel] (torch's _calculate_fan_in_and_fan_out). */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ShapeError(`init: fan in and fan out need a tensor of rank ≥ 2, got shape ${fmt(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((n, d) => n * d, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    default:
      throw new RangeError(`calculateGain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

export interface KaimingOptions {
  /** Negative slope of the leaky_relu that follows (torch's `a`, default 0). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** He-uniform: U(−b, b), b = gain · √(3 / fan); with the defaults b = √(6 / fanIn). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  target('kaimingUniform_', t);
  const { fanIn, fanOut } = fans(t);
  const mode = opts.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new RangeError(`kaimingUniform_: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) throw new ShapeError(`kaimingUniform_: cannot initialise a tensor with a zero fan, shape ${fmt(t.shape)}`);
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = gain * Math.sqrt(3 / fan);
  return uniform_(t, -bound, bound, opts.generator);
}

/** Glorot-uniform: U(−b, b), b = gain · √(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, opts: { gain?: number; generator?: Generator } = {}): Tensor {
  target('xavierUniform_', t);
  const { fanIn, fanOut } = fans(t);
  if (fanIn + fanOut === 0) throw new ShapeError(`xavierUniform_: cannot initialise a tensor with zero fans, shape ${fmt(t.shape)}`);
  const bound = (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, opts.generator);
}
