import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor, sum } from '../../src/index.js';
import { multiheadSelfAttention, scaledDotProductAttention, attentionMask } from '../../src/nn/attention-functional.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../helpers/fixtures.js';

const att = suite('attention (functional)');

att('multi-head self-attention matches torch.nn.MultiheadAttention: full, causal, sliding window', () => {
  const file = loadFixture('attention');
  for (const c of file.cases) {
    const mask = c.options.mask as string;
    const opts = mask === 'causal' ? { causal: true } : mask === 'sliding_window' ? { window: c.options.window as number } : {};
    checkFixtureCase(c, (p) => {
      const r = multiheadSelfAttention(p.x, { inProjWeight: p.in_proj_weight, inProjBias: p.in_proj_bias, outProjWeight: p['out_proj.weight'], outProjBias: p['out_proj.bias'] }, c.options.heads as number, opts);
      return { y: r.output, attn_weights_per_head: r.weights, attn_weights_avg: r.averaged };
    }, { atol: 1e-12, rtol: 1e-10, ignore: ['allowed'] }); // 'allowed' is the 0/1 mask, not a function of the inputs: compared exactly below
    const allowed = attentionMask(c.options.L as number, c.options.L as number, opts);
    assert.equal(c.outputs.allowed.shape, [c.options.L, c.options.L], `${c.name}: mask shape`);
    assert.equal(Array.from(allowed), c.outputs.allowed.data, `${c.name}: mask`);
  }
});

att('SPEC 5.5 worked example: single head, identity projections, causal and window 2', () => {
  const x = tensor([[[1, 0], [0, 1], [1, 1]]], { dtype: 'float64' }).reshape(1, 1, 3, 2);
  const causal = scaledDotProductAttention(x, x, x, { causal: true });
  allClose(causal.weights, [1, 0, 0, 0.330238, 0.669762, 0, 0.248255, 0.248255, 0.50349], { atol: 1e-6 });
  allClose(causal.output, [1, 0, 0.330238, 0.669762, 0.751745, 0.751745], { atol: 1e-6 });
  const windowed = scaledDotProductAttention(x, x, x, { window: 2 });
  allClose(windowed.output, [1, 0, 0.330238, 0.669762, 0.669762, 1], { atol: 1e-6 });
});

att('no information from the future: perturbing later tokens leaves earlier outputs unchanged', () => {
  const [B, L, E] = [1, 8, 4];
  const w = { inProjWeight: rnd([3 * E, E], 1), inProjBias: rnd([3 * E], 2), outProjWeight: rnd([E, E], 3), outProjBias: rnd([E], 4) };
  const x = rnd([B, L, E], 5);
  for (const opts of [{ causal: true }, { window: 3 }]) {
    const y = multiheadSelfAttention(x, w, 2, opts).output;
    const x2 = x.detach().clone();
    for (let i = 5 * E; i < L * E; i++) x2.data[i] += 3;
    const y2 = multiheadSelfAttention(x2, w, 2, opts).output;
    for (let i = 0; i < 5 * E; i++) assert.ok(Math.abs(y.data[i] - y2.data[i]) < 1e-14, `position ${Math.floor(i / E)}`);
  }
  // a window ≥ L is plain causal attention
  allClose(multiheadSelfAttention(x, w, 2, { window: L }).output, multiheadSelfAttention(x, w, 2, { causal: true }).output.data, { atol: 0 });
});

att('stable with scores of exactly ±1e4 under the causal mask: values and gradients by hand, float32 and float64', () => {
  // d = 1, so the scores are q_i·k_j: row 0 sees 1e4; row 1 sees −1e4 and 1e4; row 2 sees 1e4,
  // −1e4 and 9999 (k₂ = 99.99). Weights: (1), (0, 1), (σ, 0, 1 − σ) with σ = 1/(1 + e⁻¹).
  const sig = 1 / (1 + Math.exp(-1));
  const s2 = 2 * sig * (1 - sig); // |dS| of row 2 at keys 0 and 2, for upstream ones and v = (1, 2, 3)
  for (const [dtype, tol] of [['float64', { atol: 1e-9, rtol: 1e-9 }], ['float32', { atol: 1e-5, rtol: 1e-3 }]] as const) {
    const q = tensor([100, -100, 100], { dtype }).reshape(1, 1, 3, 1).requiresGrad_();
    const k = tensor([100, -100, 99.99], { dtype }).reshape(1, 1, 3, 1).requiresGrad_();
    const v = tensor([1, 2, 3], { dtype }).reshape(1, 1, 3, 1).requiresGrad_();
    const r = scaledDotProductAttention(q, k, v, { causal: true });
    allClose(r.weights, [1, 0, 0, 0, 1, 0, sig, 0, 1 - sig], tol, `${dtype} weights`);
    allClose(r.output, [1, 2, 3 - 2 * sig], tol, `${dtype} output`);
    sum(r.output).backward();
    // dV = Pᵀ·1; dS = P ⊙ (v − o); dQ = dS K; dK = dSᵀ Q
    allClose(v.grad!, [1 + sig, 1, 1 - sig], tol, `${dtype} dv`);
    // dq₂ = s2·(−100 + 99.99) cancels two terms of ≈ 39: float32 keeps it to ≈ 1e-5 absolute.
    allClose(q.grad!, [0, 0, -s2 * 100 + s2 * 99.99], { atol: dtype === 'float64' ? 1e-9 : 2e-5, rtol: 0 }, `${dtype} dq`);
    allClose(k.grad!, [-s2 * 100, 0, s2 * 100], tol, `${dtype} dk`);
  }
  // Large inputs through the √d scaling (scores ±7071): finite, and rows sum to 1.
  const big = tensor([[[[100, 0], [-100, 0]]]]);
  const r = scaledDotProductAttention(big, big, big);
  assert.ok(Array.from(r.output.data).every(Number.isFinite));
  allClose(sum(r.weights, -1), [1, 1], { atol: 1e-6 });
});

att('key padding: padded keys get zero weight; a fully padded row outputs 0 with zero gradient', () => {
  const q = rnd([2, 1, 3, 2], 6);
  const mask = [[0, 0, 1], [1, 1, 1]];
  const r = scaledDotProductAttention(q, q, q, { keyPaddingMask: mask });
  for (let i = 0; i < 3; i++) assert.is(r.weights.data[i * 3 + 2], 0);
  assert.ok(Array.from(r.output.data.subarray(6)).every((v) => v === 0), 'batch 1 is all padding: zeros, not NaN');
  sum(r.output).backward();
  assert.ok(Array.from(q.grad!.data).every(Number.isFinite));
});

att('float64 gradcheck of multi-head attention w.r.t. input and every weight, every mask', () => {
  const E = 4;
  for (const opts of [{}, { causal: true }, { window: 2 }, { keyPaddingMask: [[0, 0, 0, 1], [0, 1, 0, 0]] }]) {
    checkGrad((x, wi, bi, wo, bo) => multiheadSelfAttention(x, { inProjWeight: wi, inProjBias: bi, outProjWeight: wo, outProjBias: bo }, 2, opts).output,
      [rnd([2, 4, E], 7), rnd([3 * E, E], 8), rnd([3 * E], 9), rnd([E, E], 10), rnd([E], 11)], {}, JSON.stringify(opts));
  }
});

att('bad input: shapes, heads, window', () => {
  const x = rnd([1, 3, 4], 1);
  const w = { inProjWeight: rnd([12, 4], 2), outProjWeight: rnd([4, 4], 3) };
  assert.throws(() => multiheadSelfAttention(x, w, 3), /embedDim 4 must be divisible by numHeads 3/);
  assert.throws(() => multiheadSelfAttention(rnd([3, 4], 1), w, 2), /input must be \[B, L, E\], got \[3,4\]/);
  assert.throws(() => multiheadSelfAttention(x, w, 2, { window: 0 }), /window must be a positive integer, got 0/);
  assert.throws(() => multiheadSelfAttention(x, w, 2, { keyPaddingMask: [[0, 0]] }), /keyPaddingMask must be \[B, Lk\] = \[1,3\], got \[1,2\]/);
});

att.run();
