// nn.SGConv (SPEC 2.1, 2.4, 2.5, 2.6, 2.8, 2.9) against the official GConv module
// (sgconv.json layer cases, weights loaded by name through loadStateDict), the SPEC 2.5 worked
// example, the layer-level invariants (parameter counts, ‖K‖ = 1 at init, Z frozen and saved,
// causality, bidirectional δ-responses, optimizer hints) and float64 gradchecks.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mul, sigmoid, sum, tensor, type Tensor } from '../../src/index.js';
import { SGConv, type SGConvOptions } from '../../src/nn/sgconv.js';
import { AdamW } from '../../src/optim/adamw.js';
import { Generator } from '../../src/tensor/random.js';
import { allClose, maxAbsDiff } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';
import { type FixtureCase, fromFixture, loadFixture } from '../helpers/fixtures.js';
import { foldBidirectional, sgconvLayerReference } from './sgconv-reference.js';

const sg = suite('nn.SGConv');

const f64 = (v: number[], shape = [v.length]): Tensor => tensor(new Float64Array(v), { shape });
const layerOf = (o: Partial<SGConvOptions> & { seed?: number } = {}): SGConv =>
  new SGConv({ dModel: 2, lMax: 12, kernelDim: 3, channels: 2, dtype: 'float64', generator: new Generator(o.seed ?? 1), ...o });

/** ‖x[row, :]‖₂ for each row of the last axis. */
function rowNorms(x: Tensor): number[] {
  const n = x.shape[x.ndim - 1];
  return Array.from({ length: x.numel / n }, (_, r) => Math.hypot(...x.data.subarray(r * n, (r + 1) * n)));
}

/** Load the given tensors by name into the layer, keeping its own values for the rest. */
function load(layer: SGConv, dict: Record<string, Tensor>): SGConv {
  layer.loadStateDict({ ...layer.stateDict(), ...dict });
  return layer;
}

function layerFromCase(c: FixtureCase): SGConv {
  const o = c.options as Record<string, never>;
  const layer = new SGConv({
    dModel: o.d_model, lMax: o.l_max, channels: o.channels, kernelDim: o.kernel_dim, bidirectional: o.bidirectional,
    decayMin: o.decay_min, decayMax: o.decay_max, mode: o.mode, initScale: o.init_scale, dtype: 'float64',
  });
  const weights = Object.entries(c.inputs).filter(([name]) => name !== 'u').map(([name, a]) => [name, fromFixture(a)]);
  return load(layer, Object.fromEntries(weights));
}

sg('sgconv.json layer cases: weights by name through loadStateDict; y, kernel, kernel_norm and every gradient', () => {
  const cases = loadFixture('sgconv').cases.filter((c) => c.op === 'sgconv_layer');
  assert.is(cases.length, 2);
  const tol = { atol: 1e-12, rtol: 1e-10 };
  for (const c of cases) {
    const layer = layerFromCase(c);
    const extra = Object.keys(layer.stateDict()).filter((name) => !(name in c.inputs));
    assert.equal(extra, ['multiplier', 'kernel_norm', 'kernel_norm_initialized'], 'every fixture name is a state-dict name');
    const u = fromFixture(c.inputs.u, true);
    const y = layer.forward(u);
    allClose(y, c.outputs.y.data, tol, `${c.name}: y`);
    allClose(layer.kernelNorm, c.outputs.kernel_norm.data, tol, `${c.name}: kernel_norm`);
    const K = layer.kernel(u.shape[1]).kernel;
    allClose(layer.bidirectional ? foldBidirectional(K) : K, c.outputs.kernel.data, tol, `${c.name}: kernel`);
    sum(mul(y, fromFixture(c.upstream!.y))).backward();
    for (const [name, g] of Object.entries(c.grads!)) {
      const actual = name === 'u' ? u.grad : layer.getParameter(name).grad;
      assert.ok(actual !== null, `${c.name}: no gradient for ${name}`);
      allClose(actual!, g.data, tol, `${c.name}: grad ${name}`);
    }
  }
});

sg('SPEC 2.5 worked example through the layer; Z = 17.367354, and L = 5 reuses it (fitted norm 0.824410)', () => {
  const layer = load(new SGConv({ dModel: 1, lMax: 8, kernelDim: 2, dtype: 'float64' }), {
    'kernel_list.0': f64([1, 2], [1, 1, 2]), 'kernel_list.1': f64([3, 4], [1, 1, 2]), 'kernel_list.2': f64([5, 6], [1, 1, 2]),
    D: f64([0.5], [1, 1]), 'output_linear.weight': f64([1], [1, 1]), 'output_linear.bias': f64([0]),
  });
  const y = layer.forward(f64([1, -1, 2, 0, 0.5, -2, 1, 3], [1, 8, 1]));
  allClose(y, [0.560447, -0.106175, 1.225411, 0.880962, 0.716841, -0.113185, 0.422881, 2.802967], { atol: 1e-6, rtol: 0 });
  allClose(layer.kernelNorm, [17.367354], { atol: 1e-6, rtol: 0 });
  assert.is(layer.kernelNormInitialized, true);
  allClose(layer.kernel(8).kernel, [0.230317, 0.460634, 0.345476, 0.460634, 0.287896, 0.302291, 0.331081, 0.345476], { atol: 1e-6, rtol: 0 });
  assert.is(layer.forward(f64([1, 2, 3, 4, 5], [1, 5, 1])).shape.join(), '1,5,1');
  allClose(rowNorms(layer.kernel(5).kernel), [0.82441], { atol: 1e-6, rtol: 0 });
});

sg('SPEC 2.9 #2 parameter counts: 9 for H=C=1, d=2, lMax=8; bidirectional doubles the kernels only; GLU doubles the output linear', () => {
  const base = { dModel: 1, lMax: 8, kernelDim: 2 };
  assert.is(new SGConv(base).numParameters(), 6 + 1 + 1 + 1);
  assert.is(new SGConv({ ...base, bidirectional: true }).numParameters(), 12 + 1 + 2);
  assert.is(new SGConv({ ...base, postact: 'glu' }).numParameters(), 6 + 1 + 2 + 2);
  // S·d·C'·H + C·H + (H·C·H + H): lMax 100, d 8 → S = 5.
  const big = new SGConv({ dModel: 3, lMax: 100, kernelDim: 8, channels: 2, bidirectional: true });
  assert.is(big.nScales, 5);
  assert.is(big.numParameters(), 5 * 8 * 4 * 3 + 2 * 3 + (3 * 6 + 3));
  // The README example of SPEC 2.1 (l_max 10⁶, d 32, bidirectional, H 256: S = 16, kernels
  // 2·16·32·256 = 262,144), plus D [1, 256] and Linear(256, 256).
  const readme = new SGConv({ dModel: 256, lMax: 1e6, kernelDim: 32, bidirectional: true });
  assert.is(readme.kernelList.length, 16);
  assert.is(readme.numParameters(), 262144 + 256 + (256 * 256 + 256));
  // s₀ = 1 takes one scale away: lMax 8, d 2 → S = 2, so 2·2 kernel values + D + weight + bias.
  assert.is(new SGConv({ ...base, initScale: 1 }).numParameters(), 4 + 1 + 1 + 1);
  assert.equal(Object.keys(new SGConv({ ...base, postact: 'glu', mode: 'cat_randn_learnable' }).stateDict()), [
    'D', 'decay', 'multiplier', 'kernel_norm', 'kernel_norm_initialized', 'output_linear.0.weight', 'output_linear.0.bias',
    'kernel_list.0', 'kernel_list.1', 'kernel_list.2',
  ]);
});

sg('initScale 1 through the layer: lMax 8, d 2, W = (1, 2), (3, 4) give K_full = (2, 2.5, 3.5, 4, 3, 3.25, 3.75, 4) (derived in sgconv-kernel.test.ts)', () => {
  const layer = load(new SGConv({ dModel: 1, lMax: 8, kernelDim: 2, initScale: 1, dtype: 'float64' }), {
    'kernel_list.0': f64([1, 2], [1, 1, 2]), 'kernel_list.1': f64([3, 4], [1, 1, 2]),
  });
  assert.is(layer.nScales, 2);
  const full = [2, 2.5, 3.5, 4, 3, 3.25, 3.75, 4];
  const { kernel, kernelFull } = layer.kernel(8);
  allClose(kernelFull, full, { atol: 0, rtol: 0 });
  allClose(layer.kernelNorm, [Math.sqrt(88.125)], { atol: 1e-14, rtol: 0 });
  allClose(kernel, full.map((v) => v / Math.sqrt(88.125)), { atol: 1e-15, rtol: 0 });
});

sg('SPEC 2.9 #3: ‖K_full‖/Z = 1 for every (c, h) after the first forward, in every mode (1e-12 f64, 1e-6 f32)', () => {
  for (const mode of ['cat_randn', 'cat_cos', 'cat_randn_learnable', 'cat_randn_learnable_fixed', 'sum_randn', 'cat_randn_nearest']) {
    for (const dtype of ['float64', 'float32'] as const) {
      const layer = layerOf({ mode, dtype, bidirectional: true, decayMin: 1, decayMax: 3, seed: 5 });
      assert.is(layer.kernelNormInitialized, false);
      layer.forward(rnd([1, 12, 2], 6).detach().to(dtype));
      const { kernelFull, kernelNorm } = layer.kernel(12);
      const norms = rowNorms(kernelFull).map((n, i) => n / kernelNorm.data[i]);
      allClose(norms, new Array<number>(norms.length).fill(1), { atol: dtype === 'float64' ? 1e-12 : 1e-6, rtol: 0 }, `${mode} ${dtype}`);
    }
  }
});

sg('Z is frozen: an AdamW step moves the weights but not Z; the kernel is then K_full(new)/Z(old); Z gets no gradient', () => {
  const layer = layerOf({ seed: 7 });
  const u = rnd([2, 12, 2], 8).detach();
  sum(layer.forward(u)).backward();
  const Z = Float64Array.from(layer.kernelNorm.data);
  assert.is(layer.kernelNorm.grad, null);
  assert.is(layer.kernelNorm.requiresGrad, false);
  new AdamW(layer.parameters(), { lr: 0.1 }).step();
  layer.forward(u);
  assert.equal(Array.from(layer.kernelNorm.data), Array.from(Z));
  const { kernel, kernelFull } = layer.kernel(12);
  assert.ok(maxAbsDiff(rowNorms(kernelFull).map((n, i) => n / Z[i]), rowNorms(kernel)) < 1e-12);
  assert.ok(rowNorms(kernel).some((n) => Math.abs(n - 1) > 1e-3), 'the new kernel no longer has norm 1');
});

sg('Z is saved and loaded: flag 1 keeps the loaded Z (same outputs in a fresh layer); flag 0 recomputes from the loaded weights', () => {
  const a = layerOf({ seed: 11 });
  const u = rnd([1, 12, 2], 12).detach();
  const ya = a.forward(u);
  const saved = a.stateDict();
  assert.equal(Array.from(saved.kernel_norm_initialized.data), [1]);
  const b = load(layerOf({ seed: 13 }), saved);
  assert.is(b.kernelNormInitialized, true);
  allClose(b.forward(u), ya.data, { atol: 0, rtol: 0 });
  // A dict saved before any forward (flag 0) with weights scaled by 3: Z is taken from them, so K is unchanged.
  const fresh = layerOf({ seed: 11 }).stateDict();
  for (let i = 0; i < a.nScales; i++) fresh[`kernel_list.${i}`] = mul(fresh[`kernel_list.${i}`], 3);
  const c = load(layerOf({ seed: 17 }), fresh);
  allClose(c.forward(u), ya.data, { atol: 1e-12, rtol: 1e-12 });
  allClose(c.kernelNorm, mul(a.kernelNorm, 3).data, { atol: 1e-12, rtol: 1e-12 });
});

sg('SPEC 2.8: sub-kernels carry { lr } (weight decay inherited), D and the output linear none; learnable t too, fixed t is frozen', () => {
  const layer = layerOf({ mode: 'cat_randn_learnable' });
  for (const p of layer.kernelList) assert.equal(p.optim, { lr: 0.001 });
  assert.equal(layer.decay!.optim, { lr: 0.001 });
  assert.is(layer.D.optim, undefined);
  const groups = new AdamW(layer.parameters(), { lr: 0.01, weightDecay: 0.05 }).paramGroups;
  assert.equal(groups.map((g) => [g.params.length, g.lr, g.weightDecay]), [[3, 0.01, 0.05], [4, 0.001, 0.05]]);
  assert.equal(layerOf({ kernelLr: 0.004 }).kernelList[0].optim, { lr: 0.004 });
  assert.is(layerOf({ kernelLr: null }).kernelList[0].optim, undefined);
  const fixed = layerOf({ mode: 'cat_randn_learnable_fixed' });
  assert.is(fixed.decay!.requiresGrad, false);
  assert.is(fixed.decay!.optim, undefined);
  assert.equal(Array.from(fixed.getBuffer('multiplier')!.data), [1]);
  sum(fixed.forward(rnd([1, 12, 2], 3))).backward();
  assert.is(fixed.decay!.grad, null);
});

sg('SPEC 2.9 #6 causality: perturbing u_s leaves every output before s unchanged; bidirectional reaches back', () => {
  for (const bidirectional of [false, true]) {
    const layer = layerOf({ bidirectional, postact: 'glu', seed: 21 });
    const u = rnd([2, 12, 2], 22).detach();
    const y = layer.forward(u);
    const v = u.clone();
    v.data[(1 * 12 + 6) * 2 + 1] += 3; // b = 1, s = 6, h = 1
    const y2 = layer.forward(v);
    const diff = (t: number): number => maxAbsDiff(y.data.subarray((12 + t) * 2, (12 + t + 1) * 2), y2.data.subarray((12 + t) * 2, (12 + t + 1) * 2));
    const before = Math.max(...[0, 1, 2, 3, 4, 5].map(diff));
    if (bidirectional) assert.ok(before > 1e-3, 'the anti-causal kernel sees the future');
    else assert.ok(before < 1e-14, `causal: change before s: ${before}`);
    assert.ok(diff(6) > 1e-3 && diff(11) > 1e-6);
    assert.ok(maxAbsDiff(y.data.subarray(0, 24), y2.data.subarray(0, 24)) === 0, 'batch 0 is untouched');
  }
});

sg('SPEC 2.9 #7: a bidirectional layer with kernels (1,2,3,4) / (10,20,30,40) gives the δ-responses of SPEC 1.5', () => {
  // lMax = d = 4: one scale, factor 1, weight 1; Z loaded as 1, D = 0, identity activation and linear.
  const layer = load(new SGConv({ dModel: 1, lMax: 4, kernelDim: 4, bidirectional: true, activation: 'identity', dtype: 'float64' }), {
    'kernel_list.0': f64([1, 2, 3, 4, 10, 20, 30, 40], [2, 1, 4]), D: f64([0], [1, 1]),
    'output_linear.weight': f64([1], [1, 1]), 'output_linear.bias': f64([0]),
    kernel_norm: f64([1, 1], [2, 1, 1]), kernel_norm_initialized: f64([1], []),
  });
  const delta = (t: number): Tensor => f64([0, 1, 2, 3].map((s) => (s === t ? 1 : 0)), [1, 4, 1]);
  allClose(layer.forward(delta(0)), [1, 2, 3, 4], { atol: 1e-13 });
  allClose(layer.forward(delta(3)), [30, 20, 10, 1], { atol: 1e-13 });
  allClose(layer.forward(delta(1)), [10, 1, 2, 3], { atol: 1e-13 });
});

sg("postact 'glu': Linear(C·H, 2H) then GLU, i.e. a·σ(b) of the two halves of the reference layer", () => {
  const layer = layerOf({ postact: 'glu', bidirectional: true, seed: 31 });
  const u = rnd([2, 12, 2], 32).detach();
  const y = layer.forward(u);
  const [W, b] = [layer.getParameter('output_linear.0.weight'), layer.getParameter('output_linear.0.bias')];
  const half = (i: number): Tensor => sgconvLayerReference(
    { u, weights: [...layer.kernelList], D: layer.D, weight: W.narrow(0, 2 * i, 2), bias: b.narrow(0, 2 * i, 2) },
    { lMax: 12, kernelDim: 3, L: 12, channels: 2, bidirectional: true, kernelNorm: layer.kernelNorm },
  ).y;
  allClose(y, mul(half(0), sigmoid(half(1))).data, { atol: 1e-12, rtol: 1e-12 });
});

sg('SPEC 2.9 #8 gradcheck (f64) w.r.t. u and every parameter: causal, bidirectional + GLU, learnable t', () => {
  const configs: Partial<SGConvOptions>[] = [{}, { bidirectional: true, postact: 'glu' }, { mode: 'cat_randn_learnable', channels: 1 }];
  configs.forEach((cfg, i) => {
    const layer = layerOf({ ...cfg, seed: 40 + i });
    const u = rnd([1, 12, 2], 50 + i);
    layer.forward(u); // fixes Z
    const params = layer.parameters();
    checkGrad((x) => layer.forward(x), [u, ...params], {}, JSON.stringify(cfg));
  });
});

sg('gradcheck (f64) with L ≠ T: the kernel truncated (L 7 < T 12) and zero-padded (L 17 > T 12), Z from the first call', () => {
  for (const [L, cfg] of [[7, {}], [17, { bidirectional: true, postact: 'glu' }]] as const) {
    const layer = layerOf({ ...cfg, seed: 45 + L });
    const u = rnd([1, L, 2], 55 + L);
    layer.forward(u); // fixes Z from the full T = 12 taps, whatever L is
    assert.is(layer.kernel(L).kernelFull.shape[2], 12);
    checkGrad((x) => layer.forward(x), [u, ...layer.parameters()], {}, `L = ${L}`);
  }
});

sg('fast-mode gradcheck (f64, one random projection vᵀJu per seed) of bigger layers: GLU, bidirectional, learnable t, s₀ = 1', () => {
  const configs: [Partial<SGConvOptions>, number][] = [
    [{ dModel: 4, lMax: 64, kernelDim: 4, postact: 'glu' }, 64],
    [{ dModel: 3, lMax: 50, kernelDim: 4, bidirectional: true, decayMin: 1.5, decayMax: 3 }, 41],
    [{ dModel: 3, lMax: 40, kernelDim: 5, mode: 'cat_randn_learnable', channels: 1 }, 53],
    [{ dModel: 2, lMax: 64, kernelDim: 4, initScale: 1, postact: 'glu' }, 64],
  ];
  configs.forEach(([cfg, L], i) => {
    const layer = layerOf({ ...cfg, seed: 70 + i });
    const u = rnd([2, L, cfg.dModel!], 80 + i);
    layer.forward(u); // fixes Z
    for (const seed of [0, 1, 2]) checkGrad((x) => layer.forward(x), [u, ...layer.parameters()], { fastMode: true, seed }, `${JSON.stringify(cfg)}, L ${L}, seed ${seed}`);
  });
});

sg('dropout: identity in eval; elementwise masks in training; float32 agrees with float64', () => {
  const layer = layerOf({ dropout: 0.5, seed: 61 });
  const plain = load(layerOf({ seed: 62 }), layer.stateDict());
  const u = rnd([2, 12, 2], 63).detach();
  layer.eval();
  allClose(layer.forward(u), plain.forward(u).data, { atol: 0, rtol: 0 });
  layer.train();
  assert.ok(maxAbsDiff(layer.forward(u), plain.forward(u)) > 1e-3);
  const single = layerOf({ seed: 64, dtype: 'float32' });
  const double = load(layerOf({ seed: 65 }), Object.fromEntries(Object.entries(single.stateDict()).map(([k, t]) => [k, t.to('float64')])));
  allClose(single.forward(u.to('float32')), double.forward(u).data, { atol: 1e-5, rtol: 1e-4 });
});

sg('tieDropout: one mask [B, 1, C·H] for the whole sequence (SPEC 2.7 CIFAR "tied"); elementwise without it', () => {
  // Identity activation and output linear, so the output is the dropped features themselves.
  const identity = { 'output_linear.weight': f64([1, 0, 0, 1], [2, 2]), 'output_linear.bias': f64([0, 0]) };
  for (const tie of [false, true]) {
    const layer = load(layerOf({ channels: 1, activation: 'identity', dropout: 0.5, tieDropout: tie, seed: 66 }), identity);
    assert.is(layer.tieDropout, tie);
    const u = rnd([2, 12, 2], 67).detach();
    const kept = layer.eval().forward(u);
    const y = layer.train().forward(u);
    const ratio = Array.from(y.data, (v, i) => v / kept.data[i]); // 0 or 1/(1 − p) = 2
    assert.ok(ratio.every((r) => Math.abs(r) < 1e-12 || Math.abs(r - 2) < 1e-12), 'kept ×2 or dropped');
    const column = (b: number, h: number): number[] => Array.from({ length: 12 }, (_, t) => Math.round(ratio[(b * 12 + t) * 2 + h]));
    const constant = [0, 1].every((b) => [0, 1].every((h) => new Set(column(b, h)).size === 1));
    assert.is(constant, tie, tie ? 'tied: one decision per (b, feature)' : 'untied: decisions vary over time');
  }
});

sg('errors: options, input shape and dtype, a loaded multiplier that the options do not give', () => {
  assert.throws(() => new SGConv({ dModel: 0, lMax: 8 }), /dModel must be a positive integer/);
  assert.throws(() => new SGConv({ dModel: 2, lMax: 8, kernelDim: 64 }), /n_scales/);
  assert.throws(() => new SGConv({ dModel: 2, lMax: 8, kernelDim: 2, activation: 'swiglu' as never }), /unknown activation/);
  assert.throws(() => new SGConv({ dModel: 2, lMax: 8, kernelDim: 2, postact: 'gelu' as never }), /postact/);
  assert.throws(() => new SGConv({ dModel: 2, lMax: 8, kernelDim: 2, dropout: 1 }), /dropout/);
  assert.throws(() => new SGConv({ dModel: 2, lMax: 8, kernelDim: 2, mode: 'fancy' }), /unknown mode/);
  const layer = layerOf();
  assert.throws(() => layer.forward(rnd([1, 12, 3], 1)), /\[B, L, H = 2\]/);
  assert.throws(() => layer.forward(rnd([1, 12, 2], 1).detach().to('float32')), /float32/);
  const dict = layer.stateDict();
  dict.multiplier.data[1] = 2.5;
  assert.throws(() => load(layerOf(), dict).forward(rnd([1, 12, 2], 1)), /multiplier/);
});

sg.run();
