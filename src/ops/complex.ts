// Complex arithmetic on real tensors whose last dimension is 2 (re, im), as torch.view_as_real
// lays complex numbers out. Every op is a composition of real ops, so its gradient is the
// ordinary real gradient with respect to (re, im): exactly PyTorch's convention for a real loss
// (grad z = ∂ℓ/∂Re z + i·∂ℓ/∂Im z), with no Wirtinger bookkeeping.
//   (a + ib)(c + id) = (ac − bd) + i(ad + bc)
//   (a + ib)/(c + id) = ((ac + bd) + i(bc − ad)) / (c² + d²)
//   exp(a + ib) = eᵃ(cos b + i sin b)
// The one exception is cabs, a primitive of its own (see there).

import { record } from '../autograd/graph.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { type Tensor } from '../tensor/tensor.js';
import { add, div, eq, mul, neg, sub, where } from './binary.js';
import { narrow, reshape, stack, unsqueeze } from './shape.js';
import { cos, exp, sin } from './unary.js';
import { empty } from './util.js';

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

// ---- cabs: |z| = hypot(a, b);  d|z| = (a·da + b·db)/|z|, so z̄ = ḡ·z/|z| ----------------------
// A primitive, not √(a² + b²), for two reasons. (1) The composition's gradient at z = 0 is
// 0·(1/(2√0)) = NaN; the modulus has no derivative there, and PyTorch takes the subgradient 0
// (its sgn(0) = 0), as abs does for reals. (2) a² overflows for |a| > ~1.3e154 in float64 (and
// underflows to 0 below ~1e−162); Math.hypot scales by max(|a|, |b|) first, so |z| is right
// wherever it is representable.
// The VJP is written with library ops and reuses the output |z|, itself in the graph, so
// gradients of gradients work too (they are 0 at z = 0, again as in PyTorch).

/** |z| = hypot(Re z, Im z): [..., 2] → [...]; its gradient at z = 0 is 0, as PyTorch's. */
export function cabs(z: Tensor): Tensor {
  checkPair('cabs', z);
  const out = empty(z.shape.slice(0, -1), z.dtype);
  const Z = z.data;
  const O = out.data;
  for (let i = 0; i < O.length; i++) O[i] = Math.hypot(Z[2 * i], Z[2 * i + 1]);
  return record(out, 'cabs', [z], (g) => [mul(unsqueeze(g, -1), unitPhase(z, out))]);
}

/**
 * sgn z = z/|z|, and 0 where |z| = 0: [..., 2]. The zero entries divide by 1 instead (a constant
 * mask added to r), so no NaN is ever formed, and `where` routes no gradient through them.
 */
function unitPhase(z: Tensor, r: Tensor): Tensor {
  const zero = unsqueeze(eq(r, 0), -1); // [..., 1], 1 where |z| = 0; a constant
  return where(zero, 0, div(z, add(unsqueeze(r, -1), zero)));
}

/** The complex exponential e^(a + ib). */
export function cexp(z: Tensor): Tensor {
  const [a, b] = [real(z), imag(z)];
  const r = exp(a);
  return complex(mul(r, cos(b)), mul(r, sin(b)));
}
