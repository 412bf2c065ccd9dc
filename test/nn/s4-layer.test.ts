// nn.S4 and nn.S4D (SPEC 4.4, 4.5, 4.8, 4.9, 4.10): construction, hints and state dicts; the
// layer against a direct O(L²) composition (causal, bidirectional, lMax < L); float64 gradcheck
// w.r.t. the input and every parameter; recurrence = convolution at the layer level (1e−12);
// bad inputs.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, Tensor, gelu, glu, matmul, narrow, noGrad, optim, randn, reshape, add, transpose, nn } from '../../src/index.js';
import { makeDPLR } from '../../src/nn/s4/dplr.js';
import { kernelDPLR } from '../../src/nn/s4/kernel-dplr.js';
import { cFromCtilde, kernelNaive } from '../../src/nn/s4/kernel-naive.js';
import { s4dInit, s4dKernel } from '../../src/nn/s4/s4d.js';
import { type SSMLayer } from '../../src/nn/ssm-layer.js';
import { maxAbsDiff } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';

const t = suite('nn.S4, nn.S4D');
const f64 = { dtype: 'float64' as const };

/** A fixed random input [B, L, H] in float64 (no grad). */
function input(shape: number[], seed: number): Tensor {
  return randn(shape, { ...f64, generator: new Generator(seed) });
}

/** y[b,c,h,t] = Σ_{j ≤ t} K0[c,h,j] u[b,h,t−j] (+ Σ_j K1[c,h,j] u[b,h,t+1+j] when bidirectional): the direct sums. */
function directConv(u: Tensor, K: Tensor, bidirectional: boolean): Tensor {
  const [B, H, L] = u.shape;
  const [Cp, , Lk] = K.shape;
  const C = bidirectional ? Cp / 2 : Cp;
  const y = new Float64Array(B * C * H * L);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let s = 0; s < L; s++) {
    const k0 = (c * H + h) * Lk;
    const k1 = ((C + c) * H + h) * Lk;
    let acc = 0;
    for (let j = 0; j < Lk && j <= s; j++) acc += K.data[k0 + j] * u.data[(b * H + h) * L + s - j];
    if (bidirectional) for (let j = 0; j < Lk && s + 1 + j < L; j++) acc += K.data[k1 + j] * u.data[(b * H + h) * L + s + 1 + j];
    y[((b * C + c) * H + h) * L + s] = acc;
  }
  return new Tensor(y, [B, C, H, L]);
}

/** The layer recomputed from its parameters with the direct convolution (SPEC 4.9, GLU postact, eval). */
function reference(layer: SSMLayer, u: Tensor): Tensor {
  const [B, L, H] = u.shape;
  const C = layer.channels;
  const v = transpose(u, 1, 2); // [B, H, L]
  const conv = directConv(v, noGrad(() => layer.kernel.forward(L)), layer.bidirectional); // [B, C, H, L]
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let s = 0; s < L; s++) {
    conv.data[((b * C + c) * H + h) * L + s] += layer.D.data[c * H + h] * v.data[(b * H + h) * L + s];
  }
  const z = gelu(transpose(reshape(conv, [B, C * H, L]), 1, 2)); // [B, L, C·H]
  const lin = (layer.outputLinear as nn.Sequential).get(0) as nn.Linear;
  return glu(add(matmul(z, transpose(lin.weight, 0, 1)), lin.bias!), -1); // [B, L, H]
}

/** Step the layer through u [B, L, H] from the zero state: [B, L, H]. */
function stepped(layer: SSMLayer, u: Tensor): Float64Array {
  const [B, L, H] = u.shape;
  layer.setupStep();
  let state = layer.initialState(B);
  const out = new Float64Array(B * L * H);
  for (let s = 0; s < L; s++) {
    const r = layer.step(reshape(narrow(u, 1, s, 1), [B, H]), state);
    state = r.state;
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) out[(b * L + s) * H + h] = r.y.data[b * H + h];
  }
  return out;
}

/** Give the tied copies of (Λ, P, B) distinct values, so that tiling mistakes show. */
function perturb(layer: SSMLayer, seed: number): void {
  const g = new Generator(seed);
  const k = layer.kernel as unknown as { Areal: Tensor; Aimag: Tensor; B: Tensor; P?: Tensor };
  for (const p of [k.Areal, k.Aimag, k.B, ...(k.P === undefined ? [] : [k.P])]) {
    for (let i = 0; i < p.numel; i++) p.data[i] += 0.1 * (2 * g.random() - 1);
  }
}

t('construction: shapes, initial values and the hints of every parameter', () => {
  const layer = new nn.S4({ dModel: 6, dState: 8, lMax: 16, channels: 2, nSSM: 3, bidirectional: true, ...f64 });
  const shapes = Object.fromEntries(layer.namedParameters().map(([n, p]) => [n, p.shape]));
  assert.equal(shapes, {
    D: [2, 6], 'kernel.log_dt': [6], 'kernel.A_real': [3, 4], 'kernel.A_imag': [3, 4], 'kernel.P': [1, 3, 4, 2],
    'kernel.B': [1, 3, 4, 2], 'kernel.C': [4, 6, 4, 2], 'output_linear.0.weight': [12, 12], 'output_linear.0.bias': [12],
  });
  assert.is(layer.numParameters(), 12 + 6 + 12 + 12 + 24 + 24 + 192 + 144 + 12);
  const d = makeDPLR(8);
  const k = layer.kernel;
  for (let s = 0; s < 3; s++) for (let n = 0; n < 4; n++) {
    assert.ok(Math.abs(k.Areal.data[s * 4 + n] - Math.log(0.5)) < 1e-15, 'A_real = log ½');
    assert.is(k.Aimag.data[s * 4 + n], -d.Lambda.data[2 * n + 1]);
    assert.equal([...k.P.data.subarray(s * 8, s * 8 + 8)], [...d.P.data]);
    assert.equal([...k.B.data.subarray(s * 8, s * 8 + 8)], [...d.B.data]);
  }
  for (const v of k.logDt.data) assert.ok(v >= Math.log(0.001) && v <= Math.log(0.1), `log_dt ${v}`);
  const hinted = layer.namedParameters().filter(([, p]) => p.optim !== undefined).map(([n, p]) => [n, p.optim]);
  assert.equal(hinted, ['log_dt', 'A_real', 'A_imag', 'P', 'B'].map((n) => [`kernel.${n}`, { lr: 0.001, weightDecay: 0 }]));

  const s4d = new nn.S4D({ dModel: 4, dState: 6, init: 'inv', kernelLr: null });
  assert.equal(s4d.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')} ${JSON.stringify(p.optim ?? null)}`), [
    'D 1x4 null', 'kernel.log_dt 4 {"weightDecay":0}', 'kernel.A_real 1x3 {"weightDecay":0}', 'kernel.A_imag 1x3 {"weightDecay":0}',
    'kernel.B 1x1x3x2 {"weightDecay":0}', 'kernel.C 1x4x3x2 null', 'output_linear.0.weight 8x4 null', 'output_linear.0.bias 8 null',
  ]);
  assert.equal([s4d.init, s4d.disc, s4d.lMax, s4d.D.dtype], ['inv', 'zoh', null, 'float32']);
  const inv = s4dInit(6, 'inv').Lambda;
  for (let n = 0; n < 3; n++) assert.ok(Math.abs(s4d.kernel.Aimag.data[n] + inv.data[2 * n + 1]) < 1e-4 * Math.max(1, Math.abs(inv.data[2 * n + 1])));
  const lin = new nn.S4D({ dModel: 2, dState: 4, kernelLr: 0.01, postact: null });
  assert.equal([...lin.kernel.Aimag.data].map((x) => +x.toFixed(6)), [0.0001, +Math.PI.toFixed(6)], 'S4D-Lin: A_imag = πn, clamped to 1e−4');
  assert.equal(lin.kernel.logDt.optim, { lr: 0.01, weightDecay: 0 });
  assert.equal(Object.keys(lin.stateDict()).slice(-2), ['output_linear.weight', 'output_linear.bias']);
});

t('hints become optimizer groups: the kernel at lr 0.001 / weight decay 0, the rest at the global settings', () => {
  const layer = new nn.S4({ dModel: 4, dState: 4, lMax: 8 });
  const opt = new optim.AdamW(layer.parameters(), { lr: 0.01, weightDecay: 0.01 });
  assert.equal(opt.paramGroups.map((g) => [g.lr, g.weightDecay, g.params.length]), [[0.01, 0.01, 4], [0.001, 0, 5]]);
});

t('C holds C̃ = C(I − Ā^lMax) of a complex-normal C drawn right after log_dt (SPEC 4.5)', () => {
  const [H, N, lMax] = [3, 6, 12];
  const layer = new nn.S4({ dModel: H, dState: N, lMax, channels: 2, generator: new Generator(7), ...f64 });
  const g = new Generator(7);
  for (let h = 0; h < H; h++) g.random(); // log_dt
  const drawn = Float64Array.from({ length: 2 * H * N }, () => 0);
  for (let i = 0; i < drawn.length; i += 2) [drawn[i], drawn[i + 1]] = g.normalPair().map((x) => x * Math.SQRT1_2);
  const k = layer.kernel;
  const p = k.params();
  const C = cFromCtilde(p, lMax);
  assert.ok(maxAbsDiff(C, drawn) < 1e-12, `recovered C vs drawn: ${maxAbsDiff(C, drawn)}`);
  // The layer's kernel is the dense-powers kernel of that C.
  const naive = kernelNaive(p, lMax);
  assert.ok(maxAbsDiff(noGrad(() => k.forward(lMax)), naive) < 1e-12);
});

t('state dict: names, and a round trip into a layer built from another seed', () => {
  const a = new nn.S4({ dModel: 4, dState: 4, lMax: 8, generator: new Generator(1), ...f64 });
  const b = new nn.S4({ dModel: 4, dState: 4, lMax: 8, generator: new Generator(2), ...f64 });
  assert.equal(Object.keys(a.stateDict()), ['D', 'kernel.log_dt', 'kernel.A_real', 'kernel.A_imag', 'kernel.P', 'kernel.B', 'kernel.C', 'kernel.l_kernel', 'output_linear.0.weight', 'output_linear.0.bias']);
  assert.equal([...a.stateDict()['kernel.l_kernel'].data], [8]);
  const u = input([2, 8, 4], 3);
  assert.ok(maxAbsDiff(a.forward(u), b.forward(u)) > 1e-3);
  b.loadStateDict(a.stateDict());
  assert.is(maxAbsDiff(a.forward(u), b.forward(u)), 0);
  const c = new nn.S4D({ dModel: 4, dState: 4, disc: 'bilinear', generator: new Generator(4), ...f64 });
  const d = new nn.S4D({ dModel: 4, dState: 4, disc: 'bilinear', generator: new Generator(5), ...f64 });
  assert.equal(Object.keys(c.stateDict()), ['D', 'kernel.log_dt', 'kernel.A_real', 'kernel.A_imag', 'kernel.B', 'kernel.C', 'output_linear.0.weight', 'output_linear.0.bias']);
  d.loadStateDict(c.stateDict());
  assert.is(maxAbsDiff(c.forward(u), d.forward(u)), 0);
});

t('forward = the direct composition: causal and bidirectional, channels, tied copies, S4 and S4D', () => {
  const cases: [string, SSMLayer][] = [
    ['S4 causal', new nn.S4({ dModel: 4, dState: 8, lMax: 12, channels: 2, nSSM: 2, ...f64 })],
    ['S4 bidirectional', new nn.S4({ dModel: 2, dState: 4, lMax: 12, channels: 2, bidirectional: true, ...f64 })],
    ['S4D causal', new nn.S4D({ dModel: 4, dState: 6, channels: 2, nSSM: 4, init: 'legs', ...f64 })],
    ['S4D bidirectional', new nn.S4D({ dModel: 2, dState: 4, bidirectional: true, disc: 'bilinear', ...f64 })],
  ];
  for (const [name, layer] of cases) {
    perturb(layer, 11);
    const u = input([2, 12, layer.dModel], 12);
    const err = maxAbsDiff(noGrad(() => layer.forward(u)), reference(layer, u));
    assert.ok(err < 1e-12, `${name}: ${err}`);
  }
});

t('no lMax: L_int starts at the first input length and doubles, C̃ ← C̃(I + Ā^{L_int}) (SPEC 4.5), as a layer with lMax = 32', () => {
  const opts = { dModel: 4, dState: 6, channels: 2, nSSM: 2, ...f64 };
  const free = new nn.S4({ ...opts, generator: new Generator(81) });
  const fixed = new nn.S4({ ...opts, lMax: 32, generator: new Generator(81) });
  assert.equal([free.lMax, free.kernel.lKernel, fixed.kernel.lKernel], [null, 0, 32]);
  const drawn = free.kernel.C.data.slice(); // C itself until the first forward  [2, 4, 3, 2]
  const untouched = free.stateDict(); // l_kernel 0, C original: what the reference saves before its first forward
  const u8 = input([2, 8, 4], 82);
  const u20 = input([2, 20, 4], 83);
  const y8 = noGrad(() => free.forward(u8));
  assert.is(free.kernel.lKernel, 8);
  assert.ok(maxAbsDiff(y8, noGrad(() => fixed.forward(u8))) < 1e-12, 'L = 8 against lMax = 32');
  const y20 = noGrad(() => free.forward(u20));
  assert.is(free.kernel.lKernel, 32, '8 → 16 → 32');
  assert.ok(maxAbsDiff(y20, noGrad(() => fixed.forward(u20))) < 1e-12, `L = 20 against lMax = 32: ${maxAbsDiff(y20, noGrad(() => fixed.forward(u20)))}`);
  assert.ok(maxAbsDiff(y20, reference(free, u20)) < 1e-12, 'the direct composition');
  assert.ok(maxAbsDiff(free.kernel.C, fixed.kernel.C) < 1e-12, `C(I − Ā^8)(I + Ā^8)(I + Ā^16) vs C(I − Ā^32): ${maxAbsDiff(free.kernel.C, fixed.kernel.C)}`);
  // The 32 taps are those of the dense powers with the C drawn at construction.
  const K = noGrad(() => free.kernel.forward(32)); // [2, 4, 32]
  const p = free.kernel.params();
  const naive = kernelNaive({ Lambda: p.Lambda, P: p.P, B: p.B, logDt: p.logDt, C: new Tensor(drawn, [8, 3, 2]) }, 32); // [C'·H, 32]
  assert.ok(maxAbsDiff(K, naive) < 1e-12, `kernel vs kernelNaive of the drawn C: ${maxAbsDiff(K, naive)}`);
  assert.ok(maxAbsDiff(K, noGrad(() => fixed.kernel.forward(32))) < 1e-12);
  noGrad(() => free.forward(input([1, 5, 4], 84)));
  assert.is(free.kernel.lKernel, 32, 'a shorter input changes nothing');
  // Stepping recovers C for L_int = 32.
  assert.ok(maxAbsDiff(stepped(free, u20), y20) <= 1e-12, `stepping: ${maxAbsDiff(stepped(free, u20), y20)}`);

  // l_kernel travels with the state dict, so a loaded C̃ is not attuned a second time ...
  const loaded = new nn.S4({ ...opts, generator: new Generator(85) });
  loaded.loadStateDict(free.stateDict());
  assert.is(loaded.kernel.lKernel, 32);
  assert.is(maxAbsDiff(noGrad(() => loaded.forward(u20)), y20), 0);
  // ... and a dict saved before the first forward (l_kernel 0) is attuned at the next one, to lMax when set.
  const late = new nn.S4({ ...opts, lMax: 32, generator: new Generator(86) });
  late.loadStateDict(untouched);
  assert.is(late.kernel.lKernel, 0);
  assert.ok(maxAbsDiff(stepped(late, u8), y8) <= 1e-12, 'stepping with C itself (L_int = 0)');
  assert.ok(maxAbsDiff(noGrad(() => late.forward(u8)), y8) < 1e-12);
  assert.is(late.kernel.lKernel, 32);
  assert.ok(maxAbsDiff(late.kernel.C, fixed.kernel.C) < 1e-12);
  assert.throws(() => free.kernel.attune(0), /L must be a positive integer/);
});

t('tied copies: row c·H + h of the kernel uses copy h mod nSSM of (Λ, P, B)', () => {
  const layer = new nn.S4({ dModel: 4, dState: 4, lMax: 8, channels: 2, nSSM: 2, ...f64 });
  perturb(layer, 21);
  const k = layer.kernel;
  const K = noGrad(() => k.forward(8)); // [2, 4, 8]
  for (let c = 0; c < 2; c++) for (let h = 0; h < 4; h++) {
    const s = h % 2;
    const row = (x: Tensor): Tensor => new Tensor(x.data.slice(s * 4, s * 4 + 4), [1, 2, 2]);
    const Lambda = new Tensor(Float64Array.from({ length: 4 }, (_, i) => (i % 2 === 0 ? -Math.exp(k.Areal.data[s * 2 + i / 2]) : -k.Aimag.data[s * 2 + (i - 1) / 2])), [1, 2, 2]);
    const Ctilde = new Tensor(k.C.data.slice((c * 4 + h) * 4, (c * 4 + h) * 4 + 4), [1, 2, 2]);
    const one = kernelDPLR({ Lambda, P: row(k.P), B: row(k.B), Ctilde, logDt: new Tensor(Float64Array.of(k.logDt.data[h]), [1]) }, 8);
    assert.ok(maxAbsDiff(K.data.subarray((c * 4 + h) * 8, (c * 4 + h + 1) * 8), one) < 1e-14, `c=${c} h=${h}`);
  }
});

t('S4D tied copies: row c·H + h of the kernel is s4d.kernel with Λ, B of copy h mod nSSM and log Δ[h]', () => {
  for (const disc of ['zoh', 'bilinear'] as const) {
    const layer = new nn.S4D({ dModel: 4, dState: 4, channels: 2, nSSM: 2, init: 'legs', disc, ...f64 });
    perturb(layer, 22);
    const k = layer.kernel;
    const K = noGrad(() => k.forward(8)); // [2, 4, 8]
    for (let c = 0; c < 2; c++) for (let h = 0; h < 4; h++) {
      const s = h % 2;
      const Lambda = new Tensor(Float64Array.from({ length: 4 }, (_, i) => (i % 2 === 0 ? -Math.exp(k.Areal.data[s * 2 + i / 2]) : -k.Aimag.data[s * 2 + (i - 1) / 2])), [1, 2, 2]);
      const B = new Tensor(k.B.data.slice(s * 4, s * 4 + 4), [1, 2, 2]);
      const C = new Tensor(k.C.data.slice((c * 4 + h) * 4, (c * 4 + h) * 4 + 4), [1, 2, 2]);
      const one = s4dKernel({ Lambda, B, C, logDt: new Tensor(Float64Array.of(k.logDt.data[h]), [1]) }, 8, { disc });
      assert.ok(maxAbsDiff(K.data.subarray((c * 4 + h) * 8, (c * 4 + h + 1) * 8), one) < 1e-14, `${disc}: c=${c} h=${h}`);
    }
  }
});

t('lMax: kernels have min(L, lMax) taps; longer inputs see only lMax taps', () => {
  const s4 = new nn.S4({ dModel: 2, dState: 4, lMax: 8, ...f64 });
  const s4d = new nn.S4D({ dModel: 2, dState: 4, lMax: 8, ...f64 });
  const free = new nn.S4D({ dModel: 2, dState: 4, ...f64 });
  for (const layer of [s4, s4d]) {
    const K8 = noGrad(() => layer.kernel.forward(8));
    assert.equal(noGrad(() => layer.kernel.forward(20)).shape, [1, 2, 8]);
    const K5 = noGrad(() => layer.kernel.forward(5));
    assert.equal(K5.shape, [1, 2, 5]);
    assert.ok(maxAbsDiff(K5, narrow(K8, 2, 0, 5)) < 1e-15, 'a shorter input gets the first taps');
    const u = input([1, 20, 2], 31);
    assert.ok(maxAbsDiff(noGrad(() => layer.forward(u)), reference(layer, u)) < 1e-12);
  }
  assert.equal(noGrad(() => free.kernel.forward(20)).shape, [1, 2, 20]);
});

t('gradcheck (f64) of both layers w.r.t. the input and every parameter (H = 2, N = 4, L = 8)', () => {
  const layers: [string, SSMLayer][] = [
    ['S4', new nn.S4({ dModel: 2, dState: 4, lMax: 8, generator: new Generator(41), ...f64 })],
    ['S4 bidirectional, 2 channels', new nn.S4({ dModel: 2, dState: 4, lMax: 6, channels: 2, bidirectional: true, generator: new Generator(42), ...f64 })],
    ['S4D zoh', new nn.S4D({ dModel: 2, dState: 4, generator: new Generator(43), ...f64 })],
    ['S4D bilinear', new nn.S4D({ dModel: 2, dState: 4, init: 'inv', disc: 'bilinear', generator: new Generator(44), ...f64 })],
  ];
  for (const [name, layer] of layers) {
    perturb(layer, 45);
    const u = rnd([1, 8, 2], 46);
    checkGrad((x) => layer.forward(x), [u, ...layer.parameters()], {}, name);
  }
});

t('recurrence = convolution at the layer level (f64, ≤ 1e−12): S4 (DPLR steps) and S4D (zoh, bilinear)', () => {
  const L = 32;
  const layers: [string, SSMLayer][] = [
    ['S4', new nn.S4({ dModel: 4, dState: 8, lMax: L, channels: 2, nSSM: 2, generator: new Generator(51), ...f64 })],
    ['S4 N = 64', new nn.S4({ dModel: 2, dState: 64, lMax: L, generator: new Generator(52), ...f64 })],
    ['S4D lin zoh', new nn.S4D({ dModel: 4, dState: 8, channels: 2, nSSM: 2, generator: new Generator(53), ...f64 })],
    ['S4D inv bilinear', new nn.S4D({ dModel: 3, dState: 16, init: 'inv', disc: 'bilinear', lMax: L, generator: new Generator(54), ...f64 })],
    ['S4D legs, postact id', new nn.S4D({ dModel: 3, dState: 8, init: 'legs', postact: 'id', generator: new Generator(55), ...f64 })],
  ];
  for (const [name, layer] of layers) {
    if (name !== 'S4 N = 64') perturb(layer, 56);
    const u = input([2, L, layer.dModel], 57);
    const err = maxAbsDiff(stepped(layer, u), noGrad(() => layer.forward(u)));
    assert.ok(err <= 1e-12, `${name}: ${err}`);
  }
  // A float32 layer steps with float64 states and returns float32 outputs close to its forward.
  const f32 = new nn.S4({ dModel: 4, dState: 8, lMax: 16, generator: new Generator(58) });
  const u = randn([1, 16, 4], { generator: new Generator(59) });
  const y = stepped(f32, u);
  assert.is(f32.step(randn([1, 4]), f32.initialState(1)).y.dtype, 'float32');
  assert.ok(maxAbsDiff(y, noGrad(() => f32.forward(u))) < 1e-5);
});

t('causality: a unidirectional layer ignores the future, a bidirectional one does not', () => {
  for (const bidirectional of [false, true]) {
    const layer = new nn.S4({ dModel: 2, dState: 4, lMax: 10, bidirectional, ...f64 });
    const u = input([1, 10, 2], 61);
    const v = new Tensor(u.data.slice(), u.shape);
    v.data[6 * 2] += 1; // u[0, 6, 0]
    const [y, y2] = noGrad(() => [layer.forward(u), layer.forward(v)]);
    const before = maxAbsDiff(y.data.subarray(0, 12), y2.data.subarray(0, 12));
    assert.ok(bidirectional ? before > 1e-6 : before < 1e-14, `bidirectional ${bidirectional}: ${before}`);
  }
});

t('bad inputs throw before anything changes', () => {
  assert.throws(() => new nn.S4({ dModel: 0, lMax: 8 }), /dModel must be a positive integer/);
  assert.throws(() => new nn.S4({ dModel: 2, dState: 5, lMax: 8 }), /dState must be an even integer/);
  assert.throws(() => new nn.S4({ dModel: 6, nSSM: 4, lMax: 8 }), /nSSM = 4 must divide dModel = 6/);
  assert.throws(() => new nn.S4D({ dModel: 2, dtMin: 0.1, dtMax: 0.01 }), /0 < dtMin ≤ dtMax/);
  assert.throws(() => new nn.S4D({ dModel: 2, dropout: 1 }), /dropout must be in \[0, 1\)/);
  assert.throws(() => new nn.S4D({ dModel: 2, init: 'hippo' as 'lin' }), /kind must be 'lin', 'inv', 'legs' or 'real'/);
  assert.throws(() => new nn.S4D({ dModel: 2, disc: 'euler' as 'zoh' }), /disc must be 'zoh' or 'bilinear'/);
  assert.throws(() => new nn.S4D({ dModel: 2, postact: 'relu' as 'glu' }), /postact must be/);
  assert.throws(() => new nn.S4D({ dModel: 2, kernelLr: -1 }), /hint lr must be a finite number ≥ 0/);
  const g = new Generator(3);
  assert.throws(() => new nn.S4({ dModel: 2, lMax: 8, activation: 'swish2' as 'gelu', generator: g }), /unknown activation/);
  assert.is(g.random(), new Generator(3).random(), 'a refused construction draws nothing');
  const layer = new nn.S4({ dModel: 2, dState: 4, lMax: 8, ...f64 });
  assert.throws(() => layer.forward(input([1, 8, 3], 1)), /input must be \[B, L, H = 2\]/);
  assert.throws(() => layer.forward(input([8, 2], 1)), /input must be \[B, L, H = 2\]/);
  assert.throws(() => layer.forward(randn([1, 8, 2])), /input is float32 but the layer is float64/);
  assert.throws(() => layer.step(input([1, 2], 1), layer.initialState(1)), /call setupStep\(\) first/);
  layer.setupStep();
  assert.throws(() => layer.step(input([1, 3], 1), layer.initialState(1)), /u_t must be \[B, H = 2\]/);
  assert.throws(() => layer.step(input([2, 2], 1), layer.initialState(1)), /the state must be float64 \[2,2,2,2\]/);
  assert.throws(() => layer.initialState(0), /batch must be a positive integer/);
  const bi = new nn.S4D({ dModel: 2, dState: 4, bidirectional: true });
  assert.throws(() => bi.setupStep(), /bidirectional layer has no recurrent mode/);
  assert.throws(() => bi.step(randn([1, 2]), bi.initialState(1)), /bidirectional layer has no recurrent mode/);
  const bi4 = new nn.S4({ dModel: 2, dState: 4, lMax: 8, bidirectional: true });
  assert.throws(() => bi4.setupStep(), /S4\.setupStep: a bidirectional layer has no recurrent mode/);
  assert.throws(() => bi4.step(randn([1, 2]), bi4.initialState(1)), /S4\.step: a bidirectional layer has no recurrent mode/);
});

t('dropout acts in training only; eval is deterministic', () => {
  const layer = new nn.S4D({ dModel: 4, dState: 4, dropout: 0.5, ...f64 });
  const u = input([1, 16, 4], 71);
  const [a, b] = noGrad(() => [layer.forward(u), layer.forward(u)]);
  assert.ok(maxAbsDiff(a, b) > 1e-6);
  layer.eval();
  assert.ok(maxAbsDiff(noGrad(() => layer.forward(u)), reference(layer, u)) < 1e-12);
});

t.run();
