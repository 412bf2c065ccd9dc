// Unary elementwise ops: forward and VJP side by side. Where the derivative is a function of
// the output (exp, sqrt, tanh, sigmoid) the VJP reuses the output tensor, which is itself part
// of the graph, so second derivatives come out right under `createGraph`.

import { record } from '../autograd/graph.js';
import { type Storage } from '../tensor/dtype.js';
import { type Tensor } from '../tensor/tensor.js';
import { mul, div, neg, sub } from './binary.js';
import { erf as erfScalar } from './special.js';
import { empty } from './util.js';

/** Apply a scalar function to every element (a new tensor of the same shape and dtype). */
export function map(x: Tensor, f: (v: number) => number): Tensor {
  const out = empty(x.shape, x.dtype);
  const X: Storage = x.data;
  const O: Storage = out.data;
  for (let i = 0; i < X.length; i++) O[i] = f(X[i]);
  return out;
}

// ---- exp, log: d e^x = e^x dx;  d ln x = dx / x ---------------------------------------------

export function exp(x: Tensor): Tensor {
  const out = map(x, Math.exp);
  return record(out, 'exp', [x], (g) => [mul(g, out)]);
}

export function log(x: Tensor): Tensor {
  return record(map(x, Math.log), 'log', [x], (g) => [div(g, x)]);
}

// ---- sqrt: d √x = dx / (2√x) ------------------------------------------------------------------

export function sqrt(x: Tensor): Tensor {
  const out = map(x, Math.sqrt);
  return record(out, 'sqrt', [x], (g) => [div(g, mul(out, 2))]);
}

/** 1/√x, as a composition. */
export function rsqrt(x: Tensor): Tensor {
  return div(1, sqrt(x));
}

// ---- abs, sign: d|x| = sign(x) dx (0 at 0, as PyTorch); sign is piecewise constant -----------

export function abs(x: Tensor): Tensor {
  return record(map(x, Math.abs), 'abs', [x], (g) => [mul(g, sign(x))]);
}

/** −1, 0 or +1 (NaN stays NaN). Not differentiable: its gradient is zero almost everywhere. */
export function sign(x: Tensor): Tensor {
  return map(x, Math.sign);
}

// ---- sin, cos: d sin x = cos x dx;  d cos x = −sin x dx ----------------------------------------

export function sin(x: Tensor): Tensor {
  return record(map(x, Math.sin), 'sin', [x], (g) => [mul(g, cos(x))]);
}

export function cos(x: Tensor): Tensor {
  return record(map(x, Math.cos), 'cos', [x], (g) => [neg(mul(g, sin(x)))]);
}

// ---- tanh, sigmoid: d tanh x = (1 − tanh²x) dx;  d σ(x) = σ(x)(1 − σ(x)) dx ---------------------

export function tanh(x: Tensor): Tensor {
  const out = map(x, Math.tanh);
  return record(out, 'tanh', [x], (g) => [mul(g, sub(1, mul(out, out)))]);
}

/** σ(x) = 1/(1 + e^(−x)), computed without overflow for large |x|. */
export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

export function sigmoid(x: Tensor): Tensor {
  const out = map(x, sigmoidScalar);
  return record(out, 'sigmoid', [x], (g) => [mul(g, mul(out, sub(1, out)))]);
}

// ---- erf: d erf(x) = (2/√π) e^(−x²) dx --------------------------------------------------------

export function erf(x: Tensor): Tensor {
  return record(map(x, erfScalar), 'erf', [x], (g) => [mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))]);
}

/** 1/x, as a composition. */
export function reciprocal(x: Tensor): Tensor {
  return div(1, x);
}

