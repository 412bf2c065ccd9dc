import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { complex, real, imag, conj, cmul, cdiv, cabs, cexp, tensor, sum, mul, grad, ShapeError } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGradGrad, rnd } from '../helpers/check.js';

const cx = suite('complex ops');

cx('arithmetic on (re, im) pairs matches complex numbers', () => {
  const a = tensor([[1, 2], [0, -1]], { dtype: 'float64' }); // 1 + 2i, −i
  const b = tensor([[3, -1], [2, 2]], { dtype: 'float64' }); // 3 − i, 2 + 2i
  allClose(cmul(a, b), [5, 5, 2, -2], { atol: 1e-15 }); // (1+2i)(3−i) = 5+5i; −i(2+2i) = 2−2i
  allClose(cdiv(a, b), [0.1, 0.7, -0.25, -0.25], { atol: 1e-15 });
  allClose(conj(a), [1, -2, 0, 1]);
  allClose(cabs(a), [Math.sqrt(5), 1], { atol: 1e-15 });
  allClose(cexp(tensor([[0, Math.PI]], { dtype: 'float64' })), [-1, 0], { atol: 1e-15 });
  allClose(real(a), [1, 0]);
  allClose(imag(a), [2, -1]);
  assert.equal(complex(real(a), imag(a)).toArray(), a.toArray());
});

cx('gradcheck and gradgradcheck of every complex op, with broadcasting', () => {
  const z = rnd([3, 2], 1, { awayFromZero: 0.2 });
  const w = rnd([2, 3, 2], 2, { awayFromZero: 0.2 });
  checkGradGrad(cmul, [z, w], {}, 'cmul');
  checkGradGrad(cdiv, [z, w], {}, 'cdiv');
  checkGradGrad(conj, [z], {}, 'conj');
  checkGradGrad(cabs, [z], {}, 'cabs');
  checkGradGrad(cexp, [z], {}, 'cexp');
  checkGradGrad((r, i) => complex(r, i), [rnd([4], 3), rnd([4], 4)], {}, 'complex');
  checkGradGrad(real, [z], {}, 'real');
  checkGradGrad(imag, [z], {}, 'imag');
  // size 0: an empty batch of complex numbers, alone and broadcast against a [3, 1, 2] operand
  const none = rnd([0, 2], 5);
  const col = rnd([3, 1, 2], 6, { awayFromZero: 0.2 });
  for (const [name, op, out] of [['cmul', cmul, [3, 0, 2]], ['cdiv', cdiv, [3, 0, 2]]] as const) {
    assert.equal(op(none, col).shape, out, `${name} size 0`);
    checkGradGrad(op, [none, col], {}, `${name} size 0`);
  }
  for (const [name, op, out] of [['conj', conj, [0, 2]], ['cabs', cabs, [0]], ['cexp', cexp, [0, 2]], ['real', real, [0]], ['imag', imag, [0]]] as const) {
    assert.equal(op(none).shape, out, `${name} size 0`);
    checkGradGrad(op, [none], {}, `${name} size 0`);
  }
});

cx('cabs at z = 0: value 0, gradient 0 (PyTorch: abs of complex 0 backpropagates 0), finite second derivative', () => {
  const z = tensor([[0, 0], [3, -4], [0, 0]], { dtype: 'float64', requiresGrad: true });
  const r = cabs(z);
  assert.equal(Array.from(r.data), [0, 5, 0]);
  const [dz] = grad(sum(r), [z], undefined, { createGraph: true });
  assert.equal(Array.from(dz!.data), [0, 0, 0.6, -0.8, 0, 0]);
  // d/dz ⟨dz, w⟩: 0 on the rows where z = 0 (PyTorch masks sgn's derivative there), finite elsewhere.
  const w = tensor([[1, 2], [0.5, -1], [-3, 1]], { dtype: 'float64' });
  const [ddz] = grad(sum(mul(dz!, w)), [z]);
  assert.equal([ddz!.data[0], ddz!.data[1], ddz!.data[4], ddz!.data[5]], [0, 0, 0, 0]);
  // Hessian of |z| at (3, −4) is (I − ẑẑᵀ)/|z|: ẑ = (0.6, −0.8), applied to w = (0.5, −1).
  allClose([ddz!.data[2], ddz!.data[3]], [(0.5 - 0.6 * 1.1) / 5, (-1 + 0.8 * 1.1) / 5], { atol: 1e-15 });
});

cx('cabs neither overflows nor underflows where |z| is representable (hypot scaling)', () => {
  const z = tensor([[1e200, 1e200], [-3e-200, 4e-200], [1e308, 1e308]], { dtype: 'float64', requiresGrad: true });
  const r = cabs(z);
  allClose(r, [Math.SQRT2 * 1e200, 5e-200, Math.SQRT2 * 1e308], { rtol: 1e-15, atol: 0 });
  sum(mul(r, tensor([1, 1, 0], { dtype: 'float64' }))).backward();
  allClose(z.grad!, [Math.SQRT1_2, Math.SQRT1_2, -0.6, 0.8, 0, 0], { atol: 1e-15 });
  assert.throws(() => cabs(tensor([1, 2, 3])), /cabs: expected a complex tensor with last dim 2 \(re, im\), got \[3\]/);
});

cx('bad input: last dim must be 2', () => {
  assert.throws(() => real(tensor([1, 2, 3])), (e: Error) => e instanceof ShapeError && /real: expected a complex tensor with last dim 2 \(re, im\), got \[3\]/.test(e.message));
  assert.throws(() => cmul(tensor([[1, 2, 3]]), tensor([[1, 2]])), /last dim 2/);
});

cx.run();
