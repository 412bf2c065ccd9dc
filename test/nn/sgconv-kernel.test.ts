// sgconvKernel against the official GConv module (test/fixtures/sgconv.json kernel cases), and
// the kernel invariants of SPEC 2.9: the S and T table, parameter counts, norm 1 after the first
// call, Z frozen, scale invariance, the α-form of the paper, the worked example of SPEC 2.5,
// the other recipes (sum, learnable, cos init), gradcheck with Z held constant.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { concat, fftConv, mul, noGrad, sqrt, sum, tensor, narrow, type Tensor } from '../../src/index.js';
import { Generator } from '../../src/tensor/random.js';
import {
  parseSgconvMode, sgconvCosInit, sgconvDecayInit, sgconvKernel, sgconvMultiplier, sgconvScales, type SgconvKernelOptions,
} from '../../src/nn/sgconv/kernel.js';
import { upsampleLinear } from '../../src/nn/sgconv/upsample.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, fromFixture, loadFixture, type FixtureArray, type FixtureCase } from '../helpers/fixtures.js';
import { foldBidirectional, kernelOptions, weightNames } from './sgconv-reference.js';

const sg = suite('sgconv kernel');

const f64 = (v: number[][][]): Tensor => tensor(v, { dtype: 'float64' });

sg('every kernel case of sgconv.json: kernel, kernel_norm, kernel_full, multiplier, bidirectional fold, gradients', () => {
  const cases = loadFixture('sgconv').cases.filter((c) => c.op === 'sgconv_kernel');
  assert.is(cases.length, 10);
  for (const c of cases) {
    const o = c.options;
    const names = weightNames(o.n_scales as number);
    const opts = kernelOptions(o);
    const scales = sgconvScales(opts.lMax, opts.kernelDim, opts.initScale, 'cat');
    assert.is(scales.nScales, o.n_scales, `${c.name}: n_scales`);
    assert.equal(scales.factors, o.scale_factors, `${c.name}: factors`);
    assert.is(scales.length, o.kernel_full_length, `${c.name}: T`);
    // "norm frozen at the first forward": Z comes from a first call with other weights.
    const forNorm = (c as FixtureCase & { inputs_for_norm?: Record<string, FixtureArray> }).inputs_for_norm;
    const frozen = forNorm === undefined ? null : sgconvKernel(names.map((n) => fromFixture(forNorm[n])), opts).kernelNorm;
    checkFixtureCase(c, (p) => {
      const r = sgconvKernel(names.map((n) => p[n]), { ...opts, kernelNorm: frozen });
      const out: Record<string, Tensor> = {
        kernel: r.kernel, kernel_norm: r.kernelNorm, kernel_full: r.kernelFull,
        multiplier: sgconvMultiplier(opts.decayMin!, opts.decayMax!, o.d_model as number, 'float64'),
      };
      if (o.bidirectional) out.kernel_bidirectional = foldBidirectional(r.kernel);
      return out;
    }, { atol: 1e-12, rtol: 1e-10 });
  }
});

sg('bidirectional: fftConv(u, K, { bidirectional }) equals the circular convolution with the reference fold at n = 2L', () => {
  const c = loadFixture('sgconv').cases.find((x) => x.name === 'kernel: bidirectional L=50')!;
  const kernel = sgconvKernel(weightNames(4).map((n) => fromFixture(c.inputs[n])), kernelOptions(c.options)).kernel; // [2, 2, 50]
  const folded = fromFixture(c.outputs.kernel_bidirectional); // [1, 2, 100]
  const [B, H, L] = [2, 2, 50];
  const u = rnd([B, H, L], 17);
  const y = fftConv(u, kernel, { bidirectional: true }); // [B, 1, H, L]
  const expected: number[] = [];
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < L; t++) {
    let s = 0;
    for (let j = 0; j < 2 * L; j++) {
      const src = (((t - j) % (2 * L)) + 2 * L) % (2 * L); // circular index into u zero-padded to 2L
      if (src < L) s += folded.data[h * 2 * L + j] * u.data[(b * H + h) * L + src];
    }
    expected.push(s);
  }
  allClose(y, expected, { atol: 1e-12, rtol: 0 });
});

sg('SPEC 2.9 #1: S and T for (l_max, d, s₀)', () => {
  const table: [number, number, number, number, number][] = [
    [8, 2, 0, 3, 8], [100, 8, 0, 5, 128], [1e6, 32, 0, 16, 1048576], [16384, 64, 1, 8, 16384], [1024, 1, 0, 11, 1024],
    [37, 64, 0, 1, 64], [33, 64, 0, 1, 64], [64, 64, 0, 1, 64], [65, 64, 0, 2, 128],
  ];
  for (const [lMax, d, s0, S, T] of table) {
    const r = sgconvScales(lMax, d, s0);
    assert.is(r.nScales, S, `S for ${lMax}, ${d}, ${s0}`);
    assert.is(r.length, T, `T for ${lMax}, ${d}, ${s0}`);
    assert.is(r.factors.reduce((a, f) => a + d * f, 0), T, 'cat: the scales tile T');
  }
  assert.equal(sgconvScales(16384, 64, 1).factors, [2, 2, 4, 8, 16, 32, 64, 128]);
  assert.equal(sgconvScales(64, 8, 0, 'sum').factors, [1, 2, 4, 8]);
});

sg('sgconvScales: clear errors when l_max ≤ kernel_dim/2 (S would be ≤ 0)', () => {
  assert.throws(() => sgconvScales(32, 64), /n_scales = 1 \+ ceil\(log2\(lMax\/kernelDim\)\) − initScale = 0 < 1; lMax must exceed kernelDim\/2 = 32/);
  assert.throws(() => sgconvScales(3, 64), /= -3 < 1/);
  assert.throws(() => sgconvScales(64, 64, 1), /lMax must exceed kernelDim·2\^\(initScale−1\) = 64/);
  assert.throws(() => sgconvScales(0, 8), /lMax must be a positive integer/);
  assert.throws(() => sgconvScales(8, 2.5), /kernelDim must be a positive integer/);
});

sg('sgconvCosInit gives S sub-kernels of [C′, H, d]: S·d·C′·H kernel values', () => {
  const weights = sgconvCosInit(2, 3, 4, sgconvScales(37, 4).nScales); // l_max 37, d 4: S = 1 + ⌈log2(9.25)⌉ = 5
  assert.equal(weights.map((w) => w.shape), new Array(5).fill([2, 3, 4]));
});

sg('SPEC 2.5 worked example: K_full, Z, K; L = 5 reuses Z (fitted norm 0.824410)', () => {
  const w = [f64([[[1, 2]]]), f64([[[3, 4]]]), f64([[[5, 6]]])];
  const first = sgconvKernel(w, { lMax: 8, kernelDim: 2, L: 8 });
  allClose(first.kernelFull, [4, 8, 6, 8, 5, 5.25, 5.75, 6], { atol: 0, rtol: 0 });
  allClose(first.kernelNorm.data[0] ** 2, 301.625, { atol: 1e-12 });
  allClose(first.kernelNorm, [17.367354], { atol: 1e-6 });
  allClose(first.kernel, [0.230317, 0.460634, 0.345476, 0.460634, 0.287896, 0.302291, 0.331081, 0.345476], { atol: 1e-6 });
  const short = sgconvKernel(w, { lMax: 8, kernelDim: 2, L: 5, kernelNorm: first.kernelNorm });
  allClose(short.kernel, first.kernel.data.slice(0, 5), { atol: 0, rtol: 0 });
  allClose(Math.hypot(...short.kernel.data), 0.824410, { atol: 1e-6 });
  const long = sgconvKernel(w, { lMax: 8, kernelDim: 2, L: 11, kernelNorm: first.kernelNorm });
  allClose(long.kernel, [...first.kernel.data, 0, 0, 0], { atol: 0, rtol: 0 });
});

sg('s₀ = 1 by hand: W_0 = (1, 2), W_1 = (3, 4), lMax 8, d 2 give K_full = (2, 2.5, 3.5, 4, 3, 3.25, 3.75, 4)', () => {
  // SPEC 2.1/2.2: S = 1 + ⌈log2(8/2)⌉ − 1 = 2; r_i = 2^(max(0, i−1) + 1) = 2, 2; T = 2·2^(2−1+1) = 8.
  // Weights m^(S−1−i) = 2, 1: U_0 = Up((2, 4), 2), U_1 = Up((3, 4), 2). SPEC 2.3 with r = 2:
  // src_j = max((j + ½)/2 − ½, 0) = 0, 0.25, 0.75, 1.25 → λ = 0, ¼, ¾, 1 (i1 clamped to i0 = 1 at j = 3),
  // so Up((a, b), 2) = (a, a + ¼(b − a), a + ¾(b − a), b): (2, 2.5, 3.5, 4) and (3, 3.25, 3.75, 4).
  // Z² = 4 + 6.25 + 12.25 + 16 + 9 + 10.5625 + 14.0625 + 16 = 88.125.
  const w = [f64([[[1, 2]]]), f64([[[3, 4]]])];
  const scales = sgconvScales(8, 2, 1);
  assert.equal([scales.nScales, scales.length, ...scales.factors], [2, 8, 2, 2]);
  const r = sgconvKernel(w, { lMax: 8, kernelDim: 2, L: 8, initScale: 1 });
  const full = [2, 2.5, 3.5, 4, 3, 3.25, 3.75, 4];
  allClose(r.kernelFull, full, { atol: 0, rtol: 0 });
  allClose(r.kernelNorm, [Math.sqrt(88.125)], { atol: 1e-14, rtol: 0 });
  allClose(r.kernel, full.map((v) => v / Math.sqrt(88.125)), { atol: 1e-15, rtol: 0 });
  const short = sgconvKernel(w, { lMax: 8, kernelDim: 2, L: 3, initScale: 1, kernelNorm: r.kernelNorm });
  allClose(short.kernel, [2, 2.5, 3.5].map((v) => v / Math.sqrt(88.125)), { atol: 1e-15, rtol: 0 });
  assert.throws(() => sgconvKernel([...w, w[0]], { lMax: 8, kernelDim: 2, L: 8, initScale: 1 }), /expected 2 sub-kernels/);
});

sg('SPEC 2.9 #3: ‖K_full‖/Z = 1 after the first call (1e-12 f64, 1e-6 f32); Z stays frozen when the weights change', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const g = new Generator(3);
    const w = Array.from({ length: 4 }, () => rnd([2, 3, 8], g.randint(0, 1000)).detach().to(dtype)); // l_max 50, d 8
    const opts = { lMax: 50, kernelDim: 8, L: 64, decayMin: 1.5, decayMax: 3 };
    const r = sgconvKernel(w, opts);
    const rowNorms = sqrt(sum(mul(r.kernel, r.kernel), 2)); // L = T: the fitted kernel is the whole kernel
    allClose(rowNorms, new Array(6).fill(1), { atol: dtype === 'float64' ? 1e-12 : 1e-6, rtol: 0 }, dtype);
    // A "training step": new weights, the frozen Z passed back in.
    const stepped = w.map((x) => mul(x, 1.7));
    const later = sgconvKernel(stepped, { ...opts, kernelNorm: r.kernelNorm });
    assert.equal(Array.from(later.kernelNorm.data), Array.from(r.kernelNorm.data));
    allClose(later.kernel, mul(r.kernel, 1.7), { atol: dtype === 'float64' ? 1e-13 : 1e-6, rtol: 0 });
  }
});

sg('SPEC 2.9 #5a: multiplying every W_i by c > 0 before the first call leaves K unchanged', () => {
  const w = Array.from({ length: 5 }, (_, i) => rnd([1, 3, 8], 40 + i).detach()); // l_max 100, d 8
  const opts = { lMax: 100, kernelDim: 8, L: 100, decayMin: 1, decayMax: 3 };
  const k = sgconvKernel(w, opts).kernel;
  for (const c of [1e-3, 0.5, 7, 1e4]) allClose(sgconvKernel(w.map((x) => mul(x, c)), opts).kernel, k, { atol: 1e-13, rtol: 1e-12 }, `c=${c}`);
});

sg('SPEC 2.9 #5b: the paper form Cat(α^i·Up(w_i)) with α = 1/m_h gives the same K (1e-12)', () => {
  const [H, d, lMax] = [3, 4, 60];
  const { nScales: S, factors } = sgconvScales(lMax, d);
  const w = Array.from({ length: S }, (_, i) => rnd([2, H, d], 60 + i).detach());
  const m = [1.5, 2, 2.5];
  const k = sgconvKernel(w, { lMax, kernelDim: d, L: lMax, decayMin: 1.5, decayMax: 2.5 }).kernel;
  const alpha = tensor(m.map((x) => [1 / x]), { dtype: 'float64' }); // [H, 1]
  const full = concat(w.map((wi, i) => upsampleLinear(mul(wi, alpha.pow(i)), factors[i])), 2); // [2, H, T]
  const paper = noGrad(() => narrow(full, 2, 0, lMax).div(sqrt(sum(mul(full, full), 2, true))));
  allClose(k, paper, { atol: 1e-12, rtol: 0 });
});

sg('the sum recipe adds the padded scales (factors 2^i): a hand example', () => {
  const w = [f64([[[1, 2]]]), f64([[[3, 4]]])]; // l_max 4, d 2: S 2, T 4
  const r = sgconvKernel(w, { lMax: 4, kernelDim: 2, L: 4, mode: 'sum_randn', kernelNorm: tensor([[[1]]], { dtype: 'float64' }) });
  // 2·(1, 2, 0, 0) + Up((3, 4), 2) = (2, 4, 0, 0) + (3, 3.25, 3.75, 4)
  allClose(r.kernel, [5, 7.25, 3.75, 4], { atol: 0, rtol: 0 });
});

sg('learnable modes: K_full[l]·(l+1)^(−t_h), no per-scale multiplier; fixed cuts the gradient of t', () => {
  const w = [f64([[[1, 2], [1, 1]]]), f64([[[3, 4], [-1, 2]]])]; // H 2, l_max 4, d 2
  const t = tensor([1, 0.5], { dtype: 'float64', requiresGrad: true });
  const base = { lMax: 4, kernelDim: 2, L: 4, decay: t, kernelNorm: tensor([[[1], [1]]], { dtype: 'float64' }) };
  const cat = [1, 2, 3, 4, 1, 1, -1, 2];
  const k = sgconvKernel(w, { ...base, mode: 'cat_randn_learnable' }).kernel;
  allClose(k, cat.map((v, i) => v * (i % 4 + 1) ** -(i < 4 ? 1 : 0.5)), { atol: 1e-15 });
  k.sum().backward();
  assert.ok(t.grad !== null && Math.abs(t.grad.data[0]) > 0);
  const fixed = sgconvKernel(w, { ...base, mode: 'cat_randn_learnable_fixed' }).kernel;
  allClose(fixed, k, { atol: 0, rtol: 0 });
  assert.is(fixed.requiresGrad, false);
  const z = sgconvKernel(w, { ...base, mode: 'cat_randn_learnable', kernelNorm: null }).kernelNorm; // Z after the envelope
  allClose(z, [Math.hypot(1, 1, 1, 1), Math.hypot(1, 1 / Math.SQRT2, -1 / Math.sqrt(3), 1)], { atol: 1e-15 });
});

sg('gradcheck (f64, Z constant) w.r.t. every sub-kernel: cat, per-channel decay, nearest, sum, truncated and padded, s₀ = 1', () => {
  const cases: [SgconvKernelOptions, number[]][] = [
    [{ lMax: 16, kernelDim: 4, L: 16, decayMin: 1.5, decayMax: 3 }, [2, 2, 4]],
    [{ lMax: 20, kernelDim: 3, L: 13 }, [1, 2, 3]],
    [{ lMax: 12, kernelDim: 3, L: 17, mode: 'cat_randn_nearest' }, [1, 1, 3]],
    [{ lMax: 16, kernelDim: 4, L: 16, mode: 'sum_randn' }, [1, 2, 4]],
    [{ lMax: 16, kernelDim: 4, L: 11, initScale: 1, decayMin: 1.5, decayMax: 3 }, [2, 2, 4]],
  ];
  cases.forEach(([opts, shape], k) => {
    const S = sgconvScales(opts.lMax, opts.kernelDim, opts.initScale ?? 0).nScales;
    const w = Array.from({ length: S }, (_, i) => rnd(shape, 100 * k + i));
    const kernelNorm = sgconvKernel(w, opts).kernelNorm;
    checkGrad((...ws) => sgconvKernel(ws, { ...opts, kernelNorm }).kernel, w, {}, `case ${k}`);
  });
});

sg('gradcheck w.r.t. the learnable decay t and the sub-kernels together', () => {
  const w = Array.from({ length: 3 }, (_, i) => rnd([1, 2, 4], 200 + i));
  const t = rnd([2], 210, { positive: true });
  const kernelNorm = tensor([[[2], [3]]], { dtype: 'float64' });
  checkGrad((t_, ...ws) => sgconvKernel(ws, { lMax: 16, kernelDim: 4, L: 16, mode: 'cat_randn_learnable', decay: t_, kernelNorm }).kernel, [t, ...w]);
});

sg('cos initialisation: cos(linspace(0, 2πq, d)) rows, same for every channel, shuffled per scale', () => {
  const [C, H, d, S] = [2, 5, 11, 3]; // d − 1 > 2(H − 1): no two rows alias (q and d − 1 − q give the same row)
  const ws = sgconvCosInit(C, H, d, S, { dtype: 'float64', generator: new Generator(1) });
  assert.is(ws.length, S);
  const rowOf = (q: number): number[] => Array.from({ length: d }, (_, j) => Math.cos((2 * Math.PI * q * j) / (d - 1)));
  const perms = ws.map((w) => {
    assert.equal(w.shape, [C, H, d]);
    const perm = Array.from({ length: H }, (_, h) => {
      const row = w.data.subarray(h * d, (h + 1) * d);
      allClose(w.data.subarray((H + h) * d, (H + h + 1) * d), row, { atol: 0, rtol: 0 }, 'channels share rows');
      return Array.from({ length: H }, (_, q) => q).find((q) => rowOf(q).every((v, j) => Math.abs(v - row[j]) < 1e-12))!;
    });
    assert.equal([...perm].sort(), [0, 1, 2, 3, 4], 'a permutation of the H rows');
    return perm.join();
  });
  assert.ok(new Set(perms).size > 1, 'independent permutations per scale');
  const again = sgconvCosInit(C, H, d, S, { dtype: 'float64', generator: new Generator(1) });
  assert.equal(Array.from(again[2].data), Array.from(ws[2].data), 'seeded');
  const t = sgconvDecayInit(1000, 1, 3, { generator: new Generator(2) });
  assert.ok(t.data.every((v) => v >= 1 && v < 3) && Math.abs(t.mean().item() - 2) < 0.1);
});

sg('mode strings and bad arguments', () => {
  assert.equal(parseSgconvMode('cat_randn_learnable_fixed'), { recipe: 'cat', init: 'randn', interpolation: 'linear', learnable: true, fixed: true });
  assert.equal(parseSgconvMode('cat_cos'), { recipe: 'cat', init: 'cos', interpolation: 'linear', learnable: false, fixed: false });
  assert.is(parseSgconvMode('sum_randn_nearest').recipe, 'sum');
  assert.throws(() => parseSgconvMode('randn'), /unknown mode 'randn'/);
  const w = [rnd([1, 2, 2], 1), rnd([1, 2, 2], 2), rnd([1, 2, 2], 3)];
  const opts = { lMax: 8, kernelDim: 2, L: 8 };
  assert.throws(() => sgconvKernel(w.slice(0, 2), opts), /expected 3 sub-kernels/);
  assert.throws(() => sgconvKernel([w[0], w[1], rnd([1, 3, 2], 4)], opts), /sub-kernel 2 has shape \[1,3,2\]/);
  assert.throws(() => sgconvKernel(w, { ...opts, kernelDim: 4, lMax: 16 }), /kernelDim = 4/);
  assert.throws(() => sgconvKernel(w, { ...opts, mode: 'cat_randn_learnable' }), /needs the decay exponents t \[H = 2\]/);
  assert.throws(() => sgconvKernel(w, { ...opts, decay: rnd([2], 5) }), /not 'learnable'/);
  assert.throws(() => sgconvKernel(w, { ...opts, kernelNorm: rnd([2, 1], 6) }), /kernelNorm must be \[C' = 1, H = 2, 1\]/);
  assert.throws(() => sgconvKernel(w, { ...opts, L: 0 }), /L must be a positive integer/);
  assert.throws(() => sgconvKernel([w[0].to('float32'), w[1], w[2]], opts), /sub-kernel 1 is float64 but sub-kernel 0 is float32/);
});

sg.run();
