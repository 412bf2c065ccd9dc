import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { complex, real, imag, conj, cmul, cdiv, cabs, cexp, tensor, ShapeError } from '../../src/index.js';
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
});

cx('bad input: last dim must be 2', () => {
  assert.throws(() => real(tensor([1, 2, 3])), (e: Error) => e instanceof ShapeError && /real: expected a complex tensor with last dim 2 \(re, im\), got \[3\]/.test(e.message));
  assert.throws(() => cmul(tensor([[1, 2, 3]]), tensor([[1, 2]])), /last dim 2/);
});

cx.run();
