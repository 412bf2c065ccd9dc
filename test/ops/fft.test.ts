import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fft, tensor, sum, mul, ShapeError, getBackend, setBackend, type Backend, type Tensor } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, checkGradGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../helpers/fixtures.js';

const f = suite('fft ops');

/** The textbook O(n²) DFT of complex rows [batch, n, 2], sign −1 forward. */
function naiveDft(x: Tensor, inverse: boolean): number[] {
  const [batch, n] = x.shape;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const a = ((inverse ? 2 : -2) * Math.PI * ((k * t) % n)) / n;
      const xr = x.data[(b * n + t) * 2];
      const xi = x.data[(b * n + t) * 2 + 1];
      re += xr * Math.cos(a) - xi * Math.sin(a);
      im += xr * Math.sin(a) + xi * Math.cos(a);
    }
    out.push(re, im);
  }
  return out;
}

f('fft, ifft, rfft, irfft match every PyTorch fixture case, values and gradients', () => {
  const file = loadFixture('fft');
  const run: Record<string, (x: Tensor, n: number) => Tensor> = {
    fft: (x, n) => fft.fft(x, n), ifft: (x, n) => fft.ifft(x, n), rfft: (x, n) => fft.rfft(x, n), irfft: (x, n) => fft.irfft(x, n),
  };
  for (const c of file.cases) {
    const n = c.options.n as number;
    const op = run[c.op];
    checkFixtureCase(c, (inputs) => ({ y: op(inputs.x ?? inputs.X, n) }), { atol: 1e-11, rtol: 1e-9 });
  }
  assert.ok(file.cases.length >= 50, `${file.cases.length} cases`);
});

f('complex fft and ifft match a naive DFT for many lengths (powers of two, primes, composites)', () => {
  for (const n of [1, 2, 3, 5, 7, 8, 12, 17, 64, 100, 1000, 1024]) {
    const x = rnd([2, n, 2], n);
    const tol = { atol: 1e-12 * Math.sqrt(n) * Math.log2(n + 1), rtol: 0 };
    allClose(fft.fft(x), naiveDft(x, false), tol, `fft n=${n}`);
    allClose(mul(fft.ifft(x), n), naiveDft(x, true), tol, `ifft n=${n}`);
  }
});

f('rfft equals the first n//2+1 bins of the complex fft; irfft inverts it (n = 1..64 and 4096)', () => {
  for (const n of [...Array.from({ length: 64 }, (_, i) => i + 1), 4096]) {
    const x = rnd([3, n], 100 + n);
    const X = fft.rfft(x);
    const full = fft.fft(tensor(Float64Array.from({ length: 3 * n * 2 }, (_, i) => (i % 2 === 0 ? x.data[i / 2] : 0)), { shape: [3, n, 2] }));
    const bins = Math.floor(n / 2) + 1;
    const expected: number[] = [];
    for (let b = 0; b < 3; b++) for (let k = 0; k < bins; k++) expected.push(full.data[(b * n + k) * 2], full.data[(b * n + k) * 2 + 1]);
    allClose(X, expected, { atol: 1e-11 }, `rfft n=${n}`);
    allClose(fft.irfft(X, n), x, { atol: 1e-13 }, `irfft(rfft(x)) n=${n}`);
  }
});

f('SPEC 1.8 values: padding, truncation, ignored imaginary DC/Nyquist, Parseval', () => {
  const x = tensor([1, 2, 3, 4], { dtype: 'float64' });
  allClose(fft.rfft(x), [10, 0, -2, 2, -2, 0], { atol: 1e-15 });
  allClose(fft.rfft(x, 6), [10, 0, -3.5, -4.330127, 2.5, 0.866025, -2, 0], { atol: 1e-6 });
  allClose(fft.rfft(x, 3), [6, 0, -1.5, 0.866025], { atol: 1e-6 });
  allClose(fft.irfft(tensor([[10, 5], [-2, 2], [-2, 7]], { dtype: 'float64' })), [1, 2, 3, 4], { atol: 1e-15 });
  allClose(fft.irfft(tensor([[10, 0], [-2, 2], [-2, 0]], { dtype: 'float64' }), 5), [0.4, 1.639155, 1.929772, 2.870228, 3.160845], { atol: 1e-6 });
  const X = fft.rfft(x);
  const power = (k: number): number => X.data[2 * k] ** 2 + X.data[2 * k + 1] ** 2;
  assert.ok(Math.abs((power(0) + 2 * power(1) + power(2)) / 4 - 30) < 1e-12, 'Parseval');
});

f('norms: ortho is unitary, forward moves the 1/n to the forward transform', () => {
  const x = rnd([2, 12, 2], 5);
  allClose(fft.ifft(fft.fft(x, undefined, 'ortho'), undefined, 'ortho'), x, { atol: 1e-14 });
  allClose(fft.ifft(fft.fft(x, undefined, 'forward'), undefined, 'forward'), x, { atol: 1e-14 });
  allClose(fft.fft(x, undefined, 'forward'), mul(fft.fft(x), 1 / 12), { atol: 1e-15 });
  const r = rnd([2, 7], 6);
  const energy = (t: Tensor): number => sum(mul(t, t)).item();
  assert.ok(Math.abs(energy(fft.fft(tensor(Float64Array.from({ length: 28 }, (_, i) => (i % 2 ? 0 : r.data[i >> 1])), { shape: [2, 7, 2] }), undefined, 'ortho')) - energy(r)) < 1e-12);
  assert.throws(() => fft.fft(x, undefined, 'unitary' as never), /norm must be 'backward', 'ortho' or 'forward'/);
});

f('gradcheck and gradgradcheck of every transform at even, odd and prime n, with padding, truncation and norms', () => {
  for (const n of [8, 9, 7]) {
    for (const norm of ['backward', 'ortho', 'forward'] as const) {
      checkGradGrad((x) => fft.fft(x, undefined, norm), [rnd([2, n, 2], n)], {}, `fft n=${n} ${norm}`);
      checkGradGrad((x) => fft.ifft(x, n + 2, norm), [rnd([n, 2], n)], {}, `ifft padded n=${n} ${norm}`);
      checkGradGrad((x) => fft.rfft(x, undefined, norm), [rnd([2, n], n)], {}, `rfft n=${n} ${norm}`);
      checkGradGrad((X) => fft.irfft(X, n, norm), [rnd([2, Math.floor(n / 2) + 1, 2], n)], {}, `irfft n=${n} ${norm}`);
    }
    checkGrad((x) => fft.rfft(x, n - 3), [rnd([n], n)], {}, `rfft truncated n=${n}`);
    checkGrad((X) => fft.irfft(X, 2 * n), [rnd([3, 2], n)], {}, `irfft zero-padded bins n=${n}`);
    checkGrad((X) => fft.irfft(X, 4), [rnd([n, 2], n)], {}, `irfft truncated bins n=${n}`);
  }
  // a batch of one and length 1
  checkGradGrad((x) => fft.fft(x), [rnd([1, 4, 2], 2)], {}, 'fft of a batch of one');
  checkGradGrad((x) => fft.rfft(x), [rnd([1, 1], 2)], {}, 'rfft n = 1');
  checkGradGrad((X) => fft.irfft(X, 1), [rnd([1, 1, 2], 2)], {}, 'irfft n = 1');
  // an empty batch: empty results of the right shape, empty gradients
  const cases: [string, (t: Tensor) => Tensor, number[], number[]][] = [
    ['fft', (x) => fft.fft(x), [0, 4, 2], [0, 4, 2]], ['ifft', (x) => fft.ifft(x), [0, 5, 2], [0, 5, 2]],
    ['rfft', (x) => fft.rfft(x), [0, 4], [0, 3, 2]], ['irfft', (X) => fft.irfft(X, 4), [0, 3, 2], [0, 4]],
  ];
  for (const [name, op, shape, out] of cases) {
    assert.equal(op(rnd(shape, 1)).shape, out, `${name} of an empty batch`);
    checkGradGrad(op, [rnd(shape, 1)], {}, `${name} of an empty batch`);
  }
});

f('adjoint identities (SPEC 1.8 item 6): <rfft x, G> = <x, rfft_vjp G> and <irfft X, g> = <X, irfft_vjp g>, even and odd n', () => {
  for (const n of [10, 9, 64, 1]) {
    const bins = Math.floor(n / 2) + 1;
    const x = rnd([3, n], n);
    const G = rnd([3, bins, 2], n + 1).detach();
    const Xf = fft.rfft(x);
    sum(mul(Xf, G)).backward();
    const lhs = sum(mul(Xf, G)).item();
    const rhs = sum(mul(x.detach(), x.grad!)).item();
    assert.ok(Math.abs(lhs - rhs) < 1e-12, `rfft n=${n}: ${lhs} vs ${rhs}`);

    // irfft is adjoint to its VJP on spectra with real DC and (even n) Nyquist, the ones it reads whole.
    const X = rnd([3, bins, 2], n + 2);
    for (let b = 0; b < 3; b++) { X.data[2 * b * bins + 1] = 0; if (n % 2 === 0) X.data[2 * b * bins + 2 * bins - 1] = 0; }
    const g = rnd([3, n], n + 3).detach();
    const y = fft.irfft(X, n);
    sum(mul(y, g)).backward();
    const lhs2 = sum(mul(y, g)).item();
    const rhs2 = sum(mul(X.detach(), X.grad!)).item();
    assert.ok(Math.abs(lhs2 - rhs2) < 1e-12, `irfft n=${n}: ${lhs2} vs ${rhs2}`);
  }
});

/**
 * A backend held to nothing beyond Backend's contract: its rfft leaves garbage in Im X_0 and
 * (even n) Im X_{n/2}, and its irfft, rather than ignore those parts, refuses them if nonzero.
 */
function sloppyBackend(): Backend {
  const js = getBackend();
  const edges = (n: number): number[] => (n % 2 === 0 ? [1, n + 1] : [1]); // Im of DC, Nyquist in a row of n//2+1 bins
  return {
    name: 'sloppy',
    matmul: (a) => js.matmul(a),
    fft: (a) => js.fft(a),
    rfft: (a) => {
      js.rfft(a);
      const row = 2 * (Math.floor(a.n / 2) + 1);
      for (let b = 0; b < a.batch; b++) for (const i of edges(a.n)) a.output[b * row + i] = 123.25 + b;
    },
    irfft: (a) => {
      const row = 2 * (Math.floor(a.n / 2) + 1);
      for (let b = 0; b < a.batch; b++) for (const i of edges(a.n)) {
        if (a.input[b * row + i] !== 0) throw new Error(`sloppy irfft: Im of bin ${(i - 1) / 2} is ${a.input[b * row + i]}`);
      }
      js.irfft(a);
    },
  };
}

f('rfft and irfft VJPs zero Im of DC and Nyquist themselves, whatever the backend leaves there', () => {
  for (const n of [6, 7]) {
    const bins = Math.floor(n / 2) + 1;
    // irfft's VJP, X̄ = c ⊙ rfft(g): Im X̄ must be exactly 0 at DC (and Nyquist), as with js.
    const X = rnd([3, bins, 2], n);
    for (let b = 0; b < 3; b++) { X.data[b * 2 * bins + 1] = 0; if (n % 2 === 0) X.data[b * 2 * bins + 2 * bins - 1] = 0; }
    const g = rnd([3, n], n + 1).detach();
    // rfft's VJP, x̄ = irfft(w ⊙ G): G has nonzero Im at DC and Nyquist, which must not reach irfft.
    const x = rnd([3, n], n + 2);
    const G = rnd([3, bins, 2], n + 3).detach();
    const grads = (): [number[], number[]] => {
      X.grad = null;
      x.grad = null;
      sum(mul(fft.irfft(X, n), g)).backward();
      sum(mul(fft.rfft(x), G)).backward();
      return [Array.from(X.grad!.data), Array.from(x.grad!.data)];
    };
    const [dXjs, dxjs] = grads();
    const js = getBackend();
    setBackend(sloppyBackend());
    try {
      const [dX, dx] = grads();
      allClose(dX, dXjs, { atol: 1e-15 }, `irfft VJP n=${n}`);
      for (let b = 0; b < 3; b++) {
        assert.is(dX[b * 2 * bins + 1], 0, `Im of DC, row ${b}, n=${n}`);
        if (n % 2 === 0) assert.is(dX[b * 2 * bins + 2 * bins - 1], 0, `Im of Nyquist, row ${b}, n=${n}`);
      }
      allClose(dx, dxjs, { atol: 1e-15 }, `rfft VJP n=${n}`);
    } finally {
      setBackend(js);
    }
  }
});

f('bad input: n < 1, not complex, wrong bins', () => {
  assert.throws(() => fft.rfft(rnd([4], 1), 0), /rfft: n must be a positive integer, got 0/);
  assert.throws(() => fft.fft(rnd([4, 3], 1)), (e: Error) => e instanceof ShapeError && /fft: expected a complex tensor \[..., n, 2\]/.test(e.message));
  assert.throws(() => fft.irfft(rnd([4], 1)), /irfft: expected a complex tensor/);
  assert.throws(() => fft.irfft(rnd([1, 2], 1)), /n must be a positive integer, got 0/);
  assert.throws(() => fft.ifft(rnd([3, 2], 1), 2.5), /positive integer/);
  // Past the kernels' 2^28 the op says so, instead of failing to allocate ("Invalid typed array length").
  assert.throws(() => fft.fft(rnd([4, 2], 1), 1e12), (e: Error) => e instanceof RangeError && /^fft: n = 1000000000000 is larger than the longest supported transform, 2\^28 = 268435456$/.test(e.message));
  assert.throws(() => fft.rfft(rnd([4], 1), 2 ** 28 + 1), /rfft: n = 268435457 is larger than the longest supported transform/);
  assert.throws(() => fft.irfft(rnd([3, 2], 1), 2 ** 40), /irfft: n = 1099511627776 is larger/);
  assert.throws(() => fft.ifft(rnd([3, 2], 1), 2 ** 29, 'ortho'), /ifft: n = 536870912 is larger/);
});

f.run();
