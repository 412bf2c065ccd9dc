// Complex arithmetic on real tensors whose last dimension is 2 (re, im), as torch.view_as_real
// lays complex numbers out. Every op is a composition of real ops, so its gradient is the
// ordinary real gradient with respect to (re, im): exactly PyTorch's convention for a real loss
// (grad z = ∂ℓ/∂Re z + i·∂ℓ/∂Im z), with no Wirtinger bookkeeping.
//   (a + ib)(c + id) = (ac − bd) + i(ad + bc)
//   (a + ib)/(c + id) = ((ac + bd) + i(bc − ad)) / (c² + d²)
//   exp(a + ib) = eᵃ(cos b + i sin b)

import { ShapeError, fmt } from '../tensor/errors.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, div, mul, neg, sub } from './binary.js';
import { narrow, reshape, stack } from './shape.js';
import { cos, exp, sin, sqrt } from './unary.js';

function checkPair(op: string, z: Tensor): void {
  if (z.ndim < 1 || z.shape[z.ndim - 1] !== 2) {
    throw new ShapeError(`${op}: expected a complex tensor with last dim 2 (re, im), got ${fmt(z.shape)}`);
  }
}

/** Pair real and imaginary parts: re, im [...] → [..., 2]. */
export function complex(re: Tensor, im: Tensor): Tensor {
  return stack([re, im], -1);
}

/** Re z: [..., 2] → [...]. */
export function real(z: Tensor): Tensor {
  checkPair('real', z);
  return reshape(narrow(z, -1, 0, 1), z.shape.slice(0, -1));
}

/** Im z: [..., 2] → [...]. */
export function imag(z: Tensor): Tensor {
  checkPair('imag', z);
  return reshape(narrow(z, -1, 1, 1), z.shape.slice(0, -1));
}

/** The complex conjugate a − ib. */
export function conj(z: Tensor): Tensor {
  return complex(real(z), neg(imag(z)));
}

/** Complex product with broadcasting over the leading dims. */
export function cmul(x: Tensor, y: Tensor): Tensor {
  const [a, b, c, d] = [real(x), imag(x), real(y), imag(y)];
  return complex(sub(mul(a, c), mul(b, d)), add(mul(a, d), mul(b, c)));
}

/** Complex quotient x / y. */
export function cdiv(x: Tensor, y: Tensor): Tensor {
  const [a, b, c, d] = [real(x), imag(x), real(y), imag(y)];
  const denom = add(mul(c, c), mul(d, d));
  return complex(div(add(mul(a, c), mul(b, d)), denom), div(sub(mul(b, c), mul(a, d)), denom));
}

/** |z| = √(a² + b²) (its gradient is undefined at 0, as for any modulus). */
export function cabs(z: Tensor): Tensor {
  const [a, b] = [real(z), imag(z)];
  return sqrt(add(mul(a, a), mul(b, b)));
}

/** The complex exponential e^(a + ib). */
export function cexp(z: Tensor): Tensor {
  const [a, b] = [real(z), imag(z)];
  const r = exp(a);
  return complex(mul(r, cos(b)), mul(r, sin(b)));
}
