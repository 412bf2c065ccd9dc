// nn.LongConv and nn.LongConvKernel (SPEC 3.1, 3.2, 3.3, 3.6) against safari's LongConv
// (squash.json: the layer with GLU, and the convolution core through the layer with no output
// linear; weights loaded by name through loadStateDict), the direct O(L²) sum at λ = 0, strict
// causality when L < lMax, bidirectional δ-responses, the optimizer hints, kernel dropout,
// smoothing, tied dropout, and float64 gradchecks.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mul, reshape, sum, tensor, transpose, type Tensor } from '../../src/index.js';
import { LongConv, type LongConvOptions } from '../../src/nn/longconv.js';
import { smooth, squash } from '../../src/nn/longconv-kernel.js';
import { AdamW } from '../../src/optim/adamw.js';
import { Generator } from '../../src/tensor/random.js';
import { allClose, maxAbsDiff } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';
import { fromFixture, loadFixture } from '../helpers/fixtures.js';

const lc = suite('nn.LongConv');

const f64 = (v: number[], shape = [v.length]): Tensor => tensor(new Float64Array(v), { shape });
const layerOf = (o: Partial<LongConvOptions> & { seed?: number } = {}): LongConv =>
  new LongConv({ dModel: 2, lMax: 12, channels: 2, dtype: 'float64', generator: new Generator(o.seed ?? 1), ...o });
/** A bare convolution: identity activation, no output linear, so the layer returns conv + D·u as [B, L, C·H]. */
const bare = { activation: 'identity', postact: null } as const;

function load(layer: LongConv, dict: Record<string, Tensor>): LongConv {
  layer.loadStateDict({ ...layer.stateDict(), ...dict });
  return layer;
}

/**
 * By brute force, for the C causal kernels k0 = K[c] and (bidirectional) the C anti-causal
 * kernels k1 = K[C + c] (SPEC 1.5, 3.3):
 *   y[b,t,c·H+h] = Σ_{j=0}^{min(t, Lk−1)} k0_j·u[b,t−j,h] + Σ_{j=0}^{min(Lk−1, L−2−t)} k1_j·u[b,t+1+j,h] + D[c,h]·u[b,t,h]
 * (the anti-causal half starts at lag +1).
 */
function directLongConv(u: Tensor, K: Tensor, D: Tensor, bidirectional = false): number[] {
  const [B, L, H] = u.shape;
  const [Cp, , Lk] = K.shape;
  const C = bidirectional ? Cp / 2 : Cp;
  const tap = (c: number, h: number, j: number): number => K.data[(c * H + h) * Lk + j];
  const y: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < L; t++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) {
    const at = (s: number): number => u.data[(b * L + s) * H + h];
    let s = D.data[c * H + h] * at(t);
    for (let j = 0; j <= Math.min(t, Lk - 1); j++) s += tap(c, h, j) * at(t - j);
    if (bidirectional) for (let j = 0; j <= Math.min(Lk - 1, L - 2 - t); j++) s += tap(C + c, h, j) * at(t + 1 + j);
    y.push(s);
  }
  return y;
}

lc('squash.json long_conv_layer: weights by name through loadStateDict (λ = 0.1, C = 2, GLU); y and every gradient', () => {
  const c = loadFixture('squash').cases.find((x) => x.op === 'long_conv_layer')!;
  const o = c.options as Record<string, never>;
  const layer = new LongConv({ dModel: o.d_model, lMax: o.l_max, channels: o.channels, lam: o.lam, dtype: 'float64' });
  const weights = Object.entries(c.inputs).filter(([name]) => name !== 'u');
  assert.equal(Object.keys(layer.stateDict()).sort(), weights.map(([name]) => name).sort(), 'the state-dict names are the official ones');
  load(layer, Object.fromEntries(weights.map(([name, a]) => [name, fromFixture(a)])));
  const u = fromFixture(c.inputs.u, true);
  const y = layer.forward(u);
  const tol = { atol: 1e-12, rtol: 1e-10 };
  allClose(y, c.outputs.y.data, tol, 'y');
  sum(mul(y, fromFixture(c.upstream!.y))).backward();
  for (const [name, g] of Object.entries(c.grads!)) allClose((name === 'u' ? u : layer.getParameter(name)).grad!, g.data, tol, `grad ${name}`);
});

lc('squash.json long_conv cores through the layer with no output linear (u, y transposed to the [B, L, ·] layout)', () => {
  for (const c of loadFixture('squash').cases.filter((x) => x.op === 'long_conv')) {
    const { B, C, H, L, lam } = c.options as Record<string, number>;
    const layer = load(layerOf({ dModel: H, lMax: L, channels: C, lam, ...bare }), { 'kernel.kernel': fromFixture(c.inputs.kernel), D: fromFixture(c.inputs.D) });
    const u = transpose(fromFixture(c.inputs.u), 1, 2).detach().requiresGrad_(); // [B, L, H]
    const y = layer.forward(u); //                                                    [B, L, C·H]
    const tol = { atol: 1e-12, rtol: 1e-10 };
    allClose(reshape(transpose(y, 1, 2), [B, C, H, L]), c.outputs.y.data, tol, `${c.name}: y`);
    const g = transpose(reshape(fromFixture(c.upstream!.y), [B, C * H, L]), 1, 2); // [B, L, C·H]
    sum(mul(y, g)).backward();
    allClose(transpose(u.grad!, 1, 2), c.grads!.u.data, tol, `${c.name}: grad u`);
    allClose(layer.kernel.kernel.grad!, c.grads!.kernel.data, tol, `${c.name}: grad kernel`);
    allClose(layer.D.grad!, c.grads!.D.data, tol, `${c.name}: grad D`);
  }
});

lc('SPEC 3.6 #4: with λ = 0 the layer is a plain causal convolution + D skip (direct O(L²) sum), for L = lMax, L < lMax and L > lMax', () => {
  const layer = layerOf({ lam: 0, ...bare, seed: 3 });
  layer.kernel.kernel.data.set(rnd([2, 2, 12], 4).data);
  for (const L of [12, 5, 20]) {
    const u = rnd([2, L, 2], 5 + L).detach();
    allClose(layer.forward(u), directLongConv(u, layer.kernel.kernel, layer.D), { atol: 1e-12, rtol: 1e-12 }, `L = ${L}`);
  }
});

lc('SPEC 3.6 #4, bidirectional: with λ = 0 the layer is the two-sided convolution + D skip (direct sum), for L = 5, 12 (= lMax) and 20', () => {
  const layer = layerOf({ lam: 0, bidirectional: true, ...bare, seed: 25 });
  layer.kernel.kernel.data.set(rnd([4, 2, 12], 26).data); // [C' = 2C, H, Lk]
  for (const L of [5, 12, 20]) {
    const u = rnd([2, L, 2], 27 + L).detach();
    allClose(layer.forward(u), directLongConv(u, layer.kernel.kernel, layer.D, true), { atol: 1e-12, rtol: 1e-12 }, `L = ${L}`);
  }
});

lc('strict causality, also for L < lMax (where the reference would wrap taps past L onto the future)', () => {
  const layer = layerOf({ lam: 0, seed: 7 });
  layer.kernel.kernel.data.set(rnd([2, 2, 12], 8).data);
  const u = rnd([1, 6, 2], 9).detach();
  const y = layer.forward(u);
  const v = u.clone();
  v.data[3 * 2] += 2; // s = 3, h = 0
  const y2 = layer.forward(v);
  assert.ok(maxAbsDiff(y.data.subarray(0, 6), y2.data.subarray(0, 6)) < 1e-14, 'outputs before s are unchanged');
  assert.ok(maxAbsDiff(y.data.subarray(6), y2.data.subarray(6)) > 1e-3);
});

lc('bidirectional: kernels (1,2,3,4) / (10,20,30,40) give the δ-responses of SPEC 1.5', () => {
  const layer = load(new LongConv({ dModel: 1, lMax: 4, bidirectional: true, lam: 0, ...bare, dtype: 'float64' }), {
    'kernel.kernel': f64([1, 2, 3, 4, 10, 20, 30, 40], [2, 1, 4]), D: f64([0], [1, 1]),
  });
  const delta = (t: number): Tensor => f64([0, 1, 2, 3].map((s) => (s === t ? 1 : 0)), [1, 4, 1]);
  allClose(layer.forward(delta(0)), [1, 2, 3, 4], { atol: 1e-13 });
  allClose(layer.forward(delta(3)), [30, 20, 10, 1], { atol: 1e-13 });
  allClose(layer.forward(delta(1)), [10, 1, 2, 3], { atol: 1e-13 });
});

lc('state names and counts: D, kernel.kernel, output_linear.0.* (GLU: [2H, C·H]); bidirectional doubles the kernel only', () => {
  const names = (o: Partial<LongConvOptions>): string[] => Object.keys(layerOf(o).stateDict());
  assert.equal(names({}), ['D', 'kernel.kernel', 'output_linear.0.weight', 'output_linear.0.bias']);
  assert.equal(names({ postact: 'id' }), ['D', 'kernel.kernel', 'output_linear.0.weight', 'output_linear.0.bias']);
  assert.equal(names({ postact: null }), ['D', 'kernel.kernel']);
  assert.is(layerOf().numParameters(), 2 * 2 * 12 + 2 * 2 + (4 * 4 + 4));
  assert.is(layerOf({ bidirectional: true }).numParameters(), 4 * 2 * 12 + 2 * 2 + (4 * 4 + 4));
  assert.equal(layerOf({ bidirectional: true }).kernel.kernel.shape, [4, 2, 12]);
});

lc('SPEC 3.1, 3.6 #5: the kernel has { lr, weightDecay: 0 }; AdamW decays D but never the kernel; lr 0 makes it a buffer', () => {
  const layer = layerOf();
  assert.equal((layer.kernel.kernel as { optim?: unknown }).optim, { lr: 0.001, weightDecay: 0 });
  assert.equal((layerOf({ kernelLr: null }).kernel.kernel as { optim?: unknown }).optim, { weightDecay: 0 });
  const opt = new AdamW(layer.parameters(), { lr: 0.1, weightDecay: 0.5 });
  assert.equal(opt.paramGroups.map((g) => [g.params.length, g.lr, g.weightDecay]), [[3, 0.1, 0.5], [1, 0.001, 0]]);
  const [K, D] = [Float64Array.from(layer.kernel.kernel.data), Float64Array.from(layer.D.data)];
  for (const p of layer.parameters()) p.grad = mul(p, 0).detach(); // zero gradients: only weight decay moves a parameter
  opt.step();
  assert.equal(Array.from(layer.kernel.kernel.data), Array.from(K));
  allClose(layer.D, Array.from(D, (d) => d * (1 - 0.1 * 0.5)), { atol: 1e-15, rtol: 0 });
  const frozen = layerOf({ kernelLr: 0 });
  assert.is(frozen.parameters().includes(frozen.kernel.kernel as never), false);
  assert.equal(Object.keys(frozen.stateDict()), ['D', 'kernel.kernel', 'output_linear.0.weight', 'output_linear.0.bias']);
});

lc('SPEC 3.2 init: std 0.002, and λ = 0.003 zeroes about 87 % of the taps (P(|z| < 1.5) = 0.8664)', () => {
  const layer = new LongConv({ dModel: 64, lMax: 1024, dtype: 'float64', generator: new Generator(11) });
  const raw = Array.from(layer.kernel.kernel.data);
  const std = Math.sqrt(raw.reduce((s, x) => s + x * x, 0) / raw.length);
  assert.ok(Math.abs(std - 0.002) < 2e-5, `std ${std}`);
  const K = Array.from(layer.kernel.forward().data);
  const zeros = K.reduce((n, x) => n + (x === 0 ? 1 : 0), 0) / K.length;
  assert.ok(Math.abs(zeros - 0.8664) < 0.01, `zero fraction ${zeros}`);
  assert.equal(new LongConv({ dModel: 4, lMax: 16, weightInit: 'double_exp' }).kernel.kernel.shape, [1, 4, 16]);
});

lc('kernel: smoothing before Squash; kernel dropout only in training, one mask shared by the whole batch', () => {
  const smoothLayer = layerOf({ useMaSmoothing: true, lam: 0.05, seed: 13 });
  smoothLayer.kernel.kernel.data.set(rnd([2, 2, 12], 14).data);
  allClose(smoothLayer.kernel.forward(), squash(smooth(smoothLayer.kernel.kernel, 7), 0.05).data, { atol: 1e-15, rtol: 0 });
  const layer = layerOf({ kernelDropout: 0.5, lam: 0.01, ...bare, seed: 15 });
  layer.kernel.kernel.data.set(rnd([2, 2, 12], 16).data);
  const Ksq = squash(layer.kernel.kernel, 0.01).data;
  layer.eval();
  assert.equal(Array.from(layer.kernel.forward().data), Array.from(Ksq));
  layer.train();
  const K = layer.kernel.forward().data;
  assert.ok(K.every((k, i) => k === 0 || Math.abs(k - 2 * Ksq[i]) < 1e-15), 'kept taps are scaled by 1/(1 − p)');
  assert.ok(K.some((k) => k === 0) && K.some((k) => k !== 0));
  const row = rnd([1, 12, 2], 17).detach();
  const y = layer.forward(tensor(new Float64Array([...row.data, ...row.data]), { shape: [2, 12, 2] }));
  assert.equal(Array.from(y.data.subarray(0, 48)), Array.from(y.data.subarray(48)), 'both batch rows see the same kernel');
});

lc('dropout after the activation: elementwise, or tied across time with tieDropout (mask [B, 1, C·H])', () => {
  for (const tie of [false, true]) {
    const layer = layerOf({ dropout: 0.5, tieDropout: tie, ...bare, seed: 19 });
    const u = rnd([2, 12, 2], 20).detach();
    const kept = layer.eval().forward(u);
    const y = layer.train().forward(u);
    const ratio = Array.from(y.data, (v, i) => v / kept.data[i]); // 0 or 2
    assert.ok(ratio.every((r) => Math.abs(r) < 1e-12 || Math.abs(r - 2) < 1e-12));
    const column = (b: number, f: number): number[] => Array.from({ length: 12 }, (_, t) => Math.round(ratio[(b * 12 + t) * 4 + f]));
    const constantColumns = [0, 1].every((b) => [0, 1, 2, 3].every((f) => new Set(column(b, f)).size === 1));
    assert.is(constantColumns, tie, tie ? 'tied: one decision per (b, feature)' : 'untied: decisions vary over time');
  }
});

lc('SPEC 3.6 #6 gradcheck (f64) w.r.t. u and every parameter: GLU, bidirectional + smoothing, L < lMax', () => {
  const configs: [Partial<LongConvOptions>, number][] = [[{}, 12], [{ bidirectional: true, useMaSmoothing: true, maWindowLen: 3 }, 12], [{ channels: 1 }, 7]];
  configs.forEach(([cfg, L], i) => {
    const layer = layerOf({ lam: 0.1, ...cfg, seed: 30 + i });
    const raw = layer.kernel.kernel;
    raw.data.set(rnd(raw.shape, 40 + i).data);
    const Ks = cfg.useMaSmoothing ? smooth(raw, 3).data : raw.data;
    assert.ok(Ks.every((k) => Math.abs(Math.abs(k) - 0.1) > 1e-4), 'no tap sits on the Squash threshold');
    checkGrad((x) => layer.forward(x), [rnd([1, L, 2], 50 + i), ...layer.parameters()], {}, JSON.stringify(cfg));
  });
});

lc('fast-mode gradcheck (f64, one random projection vᵀJu per seed) of bigger layers: GLU, bidirectional, L < lMax and L > lMax', () => {
  const configs: [Partial<LongConvOptions>, number][] = [[{ dModel: 4, lMax: 48 }, 48], [{ dModel: 3, lMax: 40, bidirectional: true }, 29], [{ dModel: 3, lMax: 24, channels: 1 }, 37]];
  configs.forEach(([cfg, L], i) => {
    const layer = layerOf({ lam: 0.1, ...cfg, seed: 70 + i });
    const raw = layer.kernel.kernel;
    raw.data.set(rnd(raw.shape, 80 + i).data);
    assert.ok(raw.data.every((k) => Math.abs(Math.abs(k) - 0.1) > 1e-4), 'no tap sits on the Squash threshold');
    const u = rnd([2, L, cfg.dModel!], 90 + i);
    for (const seed of [0, 1, 2]) checkGrad((x) => layer.forward(x), [u, ...layer.parameters()], { fastMode: true, seed }, `${JSON.stringify(cfg)}, L ${L}, seed ${seed}`);
  });
});

lc('the default float32 layer agrees with its float64 copy (loadStateDict of the converted dict)', () => {
  const single = new LongConv({ dModel: 2, lMax: 12, channels: 2, lam: 0.001, generator: new Generator(23) });
  const double = load(layerOf({ lam: 0.001 }), Object.fromEntries(Object.entries(single.stateDict()).map(([k, t]) => [k, t.to('float64')])));
  const u = rnd([2, 12, 2], 24).detach();
  assert.is(single.forward(u.to('float32')).dtype, 'float32');
  allClose(single.forward(u.to('float32')), double.forward(u).data, { atol: 1e-5, rtol: 1e-4 });
});

lc('errors: options, input shape and dtype', () => {
  assert.throws(() => new LongConv({ dModel: 0 }), /dModel must be a positive integer/);
  assert.throws(() => new LongConv({ dModel: 2, lMax: 8, lam: -1 }), /lam/);
  assert.throws(() => new LongConv({ dModel: 2, lMax: 8, kernelDropout: 1 }), /kernelDropout/);
  assert.throws(() => new LongConv({ dModel: 2, lMax: 8, useMaSmoothing: true, maWindowLen: 4 }), /odd/);
  assert.throws(() => new LongConv({ dModel: 2, lMax: 8, postact: 'relu' as never }), /postact/);
  assert.throws(() => new LongConv({ dModel: 2, lMax: 8, activation: 'elu' as never }), /unknown activation/);
  const layer = layerOf();
  assert.throws(() => layer.forward(rnd([1, 12, 3], 1)), /\[B, L, H = 2\]/);
  assert.throws(() => layer.forward(rnd([1, 12, 2], 1).detach().to('float32')), /float32/);
});

lc.run();
