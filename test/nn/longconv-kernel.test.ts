// Squash, Smooth, kernel dropout and longConvKernel (SPEC 3.1, 3.2, 3.6) against safari's
// LongConv (test/fixtures/squash.json: squash, the long-conv core, the layer as a functional
// composition with GLU), the worked examples, the statistical checks, and float64 gradchecks.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { add, fftConv, gelu, glu, matmul, mul, reshape, tensor, transpose, unsqueeze, type Tensor } from '../../src/index.js';
import { Generator } from '../../src/tensor/random.js';
import { kernelDropout, longConvKernel, longConvKernelInit, smooth, squash } from '../../src/nn/longconv-kernel.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, checkGradGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../helpers/fixtures.js';

const lc = suite('long conv kernel');

const f64 = (v: number[], shape = [v.length]): Tensor => tensor(new Float64Array(v), { shape });

function sumOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

/** The long-conv core: conv(u, squash(K, λ)) + D·u.  u [B, H, L], K [C, H, L], D [C, H] → [B, C, H, L] */
function longConvCore(u: Tensor, raw: Tensor, D: Tensor, lambda: number): { y: Tensor; kernel: Tensor } {
  const [C, H] = D.shape;
  const kernel = longConvKernel(raw, { lambda }); // [C, H, L]
  const y = add(fftConv(u, kernel), mul(unsqueeze(u, 1), reshape(D, [1, C, H, 1]))); // [B, C, H, L]
  return { y, kernel };
}

lc('squash.json: squash (λ = 0.1, 0, 0.5), the long-conv core and the LongConv layer with GLU', () => {
  const cases = loadFixture('squash').cases;
  assert.is(cases.length, 6);
  const tol = { atol: 1e-12, rtol: 1e-10 };
  for (const c of cases.filter((x) => x.op === 'squash')) {
    checkFixtureCase(c, ({ k }) => ({ y: squash(k, c.options.lambda as number) }), tol);
  }
  for (const c of cases.filter((x) => x.op === 'long_conv')) {
    checkFixtureCase(c, ({ u, kernel, D }) => {
      const r = longConvCore(u, kernel, D, c.options.lam as number);
      return { y: r.y, kernel_squashed: r.kernel };
    }, tol);
  }
  for (const c of cases.filter((x) => x.op === 'long_conv_layer')) {
    const { B, C, H, L, lam } = c.options as Record<string, number>;
    checkFixtureCase(c, (p) => {
      const u = transpose(p.u, 1, 2); // [B, H, L]
      const core = longConvCore(u, p['kernel.kernel'], p.D, lam).y; // [B, C, H, L]
      const z = transpose(gelu(reshape(core, [B, C * H, L])), 1, 2); // [B, L, C·H], feature c·H + h
      const lin = add(matmul(z, transpose(p['output_linear.0.weight'], 0, 1)), p['output_linear.0.bias']); // [B, L, 2H]
      return { y: glu(lin, -1) }; // [B, L, H]
    }, tol);
  }
});

lc('SPEC 3.6 #1: the squash example, its gradient mask, oddness and |Ksq| ≤ |K|', () => {
  const k = tensor([-0.5, -0.1, 0, 0.05, 0.2, 1.0], { dtype: 'float64', requiresGrad: true });
  const y = squash(k, 0.1);
  allClose(y, [-0.4, 0, 0, 0, 0.1, 0.9], { atol: 1e-15 });
  y.backward(f64([1, 1, 1, 1, 1, 1]));
  assert.equal(Array.from(k.grad!.data), [1, 0, 0, 0, 1, 1]);
  const x = rnd([200], 7, { scale: 0.3 }).detach();
  const plus = squash(x, 0.1);
  const minus = squash(mul(x, -1), 0.1);
  allClose(minus, mul(plus, -1), { atol: 0, rtol: 0 }, 'odd');
  assert.ok(x.data.every((v, i) => Math.abs(plus.data[i]) <= Math.abs(v)), '|Ksq| ≤ |K|');
  allClose(squash(x, 0), x, { atol: 0, rtol: 0 }, 'λ = 0 is the identity');
});

lc('SPEC 3.6 #2: AvgPool example with division by w at the borders (w = 7 on 1..10)', () => {
  const ramp = f64([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 10]);
  allClose(smooth(ramp, 7), [1.428571, 2.142857, 3, 4, 5, 6, 7, 6.428571, 5.714286, 4.857143], { atol: 1e-6, rtol: 0 });
  allClose(smooth(ramp, 1), ramp, { atol: 0, rtol: 0 }, 'window 1 is the identity');
  allClose(smooth(f64([3, 6]), 5), [9 / 5, 9 / 5], { atol: 1e-15 }, 'window wider than the kernel');
  assert.throws(() => smooth(ramp, 4), /window must be an odd positive integer .* got 4/);
  assert.throws(() => smooth(ramp, 0), /got 0/);
});

lc('SPEC 3.6 #3: kernel dropout keeps E[K]/Ksq = 1 in training, is the identity in eval, one seeded mask per call', () => {
  const n = 200_000;
  const ones = tensor(new Float64Array(n).fill(1), { shape: [1, 1, n] });
  for (const p of [0.1, 0.3]) {
    const dropped = kernelDropout(ones, p, true, new Generator(5));
    const kept = dropped.data.filter((v) => v !== 0);
    allClose(kept[0], 1 / (1 - p), { atol: 1e-12 }, 'kept taps scaled by 1/(1 − p)');
    const mean = sumOf(dropped.data) / n;
    const sigma = Math.sqrt(p / (1 - p) / n);
    assert.ok(Math.abs(mean - 1) < 5 * sigma, `p=${p}: mean ${mean} vs 1 (σ ${sigma.toExponential(2)})`);
  }
  const raw = rnd([2, 3, 50], 8, { scale: 0.01 });
  const evalKernel = longConvKernel(raw, { lambda: 0.003, dropout: 0.3, training: false });
  allClose(evalKernel, squash(raw, 0.003), { atol: 0, rtol: 0 }, 'eval: K = Ksq');
  const a = longConvKernel(raw, { dropout: 0.5, training: true, generator: new Generator(9) });
  const b = longConvKernel(raw, { dropout: 0.5, training: true, generator: new Generator(9) });
  assert.equal(Array.from(a.data), Array.from(b.data), 'same seed, same mask');
  assert.throws(() => kernelDropout(raw, 1, true), /p must be in \[0, 1\)/);
});

lc('SPEC 3.6 #4: with λ = 0 and no smoothing or dropout the core is a plain causal conv + D·u (direct O(L²) sum)', () => {
  const [B, C, H, L] = [2, 2, 3, 40];
  const u = rnd([B, H, L], 20).detach();
  const raw = rnd([C, H, L], 21).detach();
  const D = rnd([C, H], 22).detach();
  const y = longConvCore(u, raw, D, 0).y;
  const expected: number[] = [];
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let t = 0; t < L; t++) {
    let s = D.data[c * H + h] * u.data[(b * H + h) * L + t];
    for (let j = 0; j <= t; j++) s += raw.data[(c * H + h) * L + j] * u.data[(b * H + h) * L + t - j];
    expected.push(s);
  }
  allClose(y, expected, { atol: 1e-12, rtol: 0 });
});

lc('longConvKernel composes Smooth → Squash (the order matters)', () => {
  const raw = rnd([1, 2, 30], 30, { scale: 0.02 }).detach();
  allClose(longConvKernel(raw, { lambda: 0.004, smoothWindow: 5 }), squash(smooth(raw, 5), 0.004), { atol: 0, rtol: 0 });
  assert.ok(longConvKernel(raw, { lambda: 0.004 }).data.some((v, i) => v !== squash(smooth(raw, 5), 0.004).data[i]));
  assert.throws(() => longConvKernel(rnd([2, 30], 1)), /raw kernel must be \[C', H, Lk\], got \[2,30\]/);
  assert.throws(() => squash(raw, -0.1), /lambda must be a finite number ≥ 0, got -0.1/);
});

lc('initialisation: std 0.002, and the share of taps that Squash zeroes (≈ 87% for λ = 0.003, ≈ 38% for 0.001)', () => {
  const k = longConvKernelInit(2, 64, 1024, { dtype: 'float64', generator: new Generator(11) }); // 131,072 taps
  assert.equal(k.shape, [2, 64, 1024]);
  const n = k.numel;
  const std = Math.sqrt(sumOf(k.data.map((v) => v * v)) / n);
  assert.ok(Math.abs(std - 0.002) < 0.00002, `std ${std}`);
  const zeroShare = (lambda: number): number => squash(k, lambda).data.filter((v) => v === 0).length / n;
  assert.ok(Math.abs(zeroShare(0.003) - 0.8664) < 0.005, `λ 0.003: ${zeroShare(0.003)}`); // P(|z| < 1.5)
  assert.ok(Math.abs(zeroShare(0.001) - 0.3829) < 0.005, `λ 0.001: ${zeroShare(0.001)}`); // P(|z| < 0.5)
  assert.is(zeroShare(0.1), 1, 'the class default λ = 0.1 zeroes every tap');
  const de = longConvKernelInit(1, 4, 8, { init: 'double_exp', dtype: 'float64', generator: new Generator(12) });
  const z = longConvKernelInit(1, 4, 8, { init: 'random', dtype: 'float64', generator: new Generator(12) });
  for (let h = 0; h < 4; h++) for (let j = 0; j < 8; j++) {
    const envelope = Math.exp(-(j / 8) * 2 ** (h / 4)); // q = ⌊H/2⌋ = 2
    allClose(de.data[h * 8 + j], (z.data[h * 8 + j] / 0.002) * 0.02 * envelope, { atol: 1e-15 });
  }
});

lc('gradcheck (f64): squash away from |k| = λ, smooth (and its second derivatives), the composed kernel', () => {
  const awayFrom = (x: Tensor, lambda: number): Tensor => {
    for (let i = 0; i < x.numel; i++) if (Math.abs(Math.abs(x.data[i]) - lambda) < 0.05) x.data[i] += 0.1;
    return x;
  };
  checkGrad((k) => squash(k, 0.2), [awayFrom(rnd([2, 3, 8], 40, { awayFromZero: 0.05 }), 0.2)]);
  checkGrad((k) => squash(k, 0), [rnd([3, 7], 41, { awayFromZero: 0.05 })], {}, 'λ = 0');
  checkGradGrad((k) => smooth(k, 3), [rnd([2, 2, 9], 42)]);
  checkGrad((k) => smooth(k, 7), [rnd([1, 1, 5], 43)], {}, 'window wider than the kernel');
  const raw = rnd([2, 2, 10], 44);
  const kernelAt = (x: Tensor): Tensor => longConvKernel(x, { lambda: 0.15, smoothWindow: 3 });
  const gap = Math.min(...smooth(raw.detach(), 3).data.map((v) => Math.abs(Math.abs(v) - 0.15)));
  assert.ok(gap > 1e-4, `no smoothed tap within 1e-4 of λ (closest ${gap})`);
  checkGrad(kernelAt, [raw], {}, 'smooth + squash');
});

lc.run();
