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
    }, { atol: 1e-12, rtol: 1e-10 });
    const allowed = attentionMask(c.options.L as number, c.options.L as number, opts);
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

att('stable with scores of ±1e4; rows sum to 1', () => {
  const q = tensor([[[[100, 0], [-100, 0]]]]);
  const r = scaledDotProductAttention(q, q, q);
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
