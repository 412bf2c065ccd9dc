import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nn, Generator, sum } from '../../src/index.js';
import { expandPattern } from '../../src/nn/pattern.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';
import { fromFixture, loadFixture } from '../helpers/fixtures.js';

const t = suite('attention module, blocks and patterns');

t('nn.MultiheadAttention loads a PyTorch state dict by name and reproduces its output', () => {
  for (const c of loadFixture('attention').cases) {
    const E = c.options.E as number;
    const mask = c.options.mask as string;
    const mha = new nn.MultiheadAttention(E, c.options.heads as number, {
      dtype: 'float64', causal: mask === 'causal', window: mask === 'sliding_window' ? (c.options.window as number) : undefined,
    });
    const names = mha.namedParameters().map(([n]) => n);
    assert.equal(names, ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    mha.loadStateDict({
      in_proj_weight: fromFixture(c.inputs.in_proj_weight), in_proj_bias: fromFixture(c.inputs.in_proj_bias),
      'out_proj.weight': fromFixture(c.inputs['out_proj.weight']), 'out_proj.bias': fromFixture(c.inputs['out_proj.bias']),
    });
    const x = fromFixture(c.inputs.x, true);
    const y = mha.forward(x);
    allClose(y, c.outputs.y.data, { atol: 1e-12 }, c.name);
    sum(y.mul(fromFixture(c.upstream!.y))).backward();
    allClose(x.grad!, c.grads!.x.data, { atol: 1e-12 }, `${c.name}: grad x`);
    allClose(mha.inProjWeight.grad!, c.grads!.in_proj_weight.data, { atol: 1e-12 }, `${c.name}: grad in_proj_weight`);
    allClose(mha.outProj.weight.grad!, c.grads!['out_proj.weight'].data, { atol: 1e-12 }, `${c.name}: grad out_proj.weight`);
  }
});

t('PyTorch initialisation: Xavier in-projection within its bound, zero biases', () => {
  const mha = new nn.MultiheadAttention(16, 4, { generator: new Generator(1) });
  const bound = Math.sqrt(6 / (16 + 48));
  assert.ok(Array.from(mha.inProjWeight.data).every((v) => Math.abs(v) <= bound));
  assert.ok(Array.from(mha.inProjBias!.data).every((v) => v === 0));
  assert.ok(Array.from(mha.outProj.bias!.data).every((v) => v === 0));
  assert.throws(() => new nn.MultiheadAttention(10, 3), /embedDim 10 must be divisible by numHeads 3/);
  assert.throws(() => new nn.MultiheadAttention(8, 2, { window: 0 }), /window must be a positive integer/);
});

t('attention dropout: training draws vary, evaluation is deterministic, the mean is the dropout-free output', () => {
  const [E, L] = [4, 3];
  const mha = new nn.MultiheadAttention(E, 2, { dtype: 'float64', dropout: 0.5, causal: true, generator: new Generator(31) });
  const x = rnd([1, L, E], 32).detach();
  mha.eval();
  const clean = mha.forward(x).data;
  allClose(mha.forward(x), clean, { atol: 0 }, 'eval mode repeats exactly');
  mha.train();
  const a = mha.forward(x).data;
  const b = mha.forward(x).data;
  assert.ok(a.some((v, i) => v !== b[i]), 'two training draws differ');
  assert.ok(a.some((v, i) => Math.abs(v - clean[i]) > 1e-6), 'a training draw differs from evaluation');
  // Inverted dropout on P keeps E[P̃] = P, and the output is linear in P̃: the mean of many
  // training outputs tends to the evaluation output (within 5 standard errors here).
  const n = 4000;
  const mean = new Float64Array(clean.length);
  const sq = new Float64Array(clean.length);
  for (let i = 0; i < n; i++) {
    mha.forward(x).data.forEach((v, j) => { mean[j] += v / n; sq[j] += (v * v) / n; });
  }
  mean.forEach((m, j) => {
    const se = Math.sqrt(Math.max(0, sq[j] - m * m) / n);
    assert.ok(Math.abs(m - clean[j]) < 5 * se + 1e-12, `element ${j}: mean ${m}, evaluation ${clean[j]}, standard error ${se}`);
  });
});

t('pattern strings expand as the paper writes its hybrid', () => {
  assert.equal(expandPattern('AAC*3+ACC*3').join(''), 'AACAACAACACCACCACC');
  assert.equal(expandPattern('C', 4).join(''), 'CCCC');
  assert.equal(expandPattern('ac', 5).join(''), 'ACACA');
  assert.throws(() => expandPattern('AXC'), /unknown layer letter 'X'/);
  assert.throws(() => expandPattern('AAC*0'), /repeat count/);
  assert.throws(() => expandPattern('AAC', 2), /has 3 layers, more than the 2/);
  assert.throws(() => expandPattern('A**2'), /cannot read/);
});

t('ResidualBlock: pre-norm and post-norm formulas, with LayerNorm and BatchNorm', () => {
  const g = new Generator(2);
  const mixer = new nn.MultiheadAttention(4, 2, { dtype: 'float64', generator: g, causal: true });
  const x = rnd([2, 5, 4], 3);
  const pre = new nn.ResidualBlock(mixer, 4, { dtype: 'float64' });
  const ln = new nn.LayerNorm(4, { dtype: 'float64' });
  allClose(pre.forward(x), x.add(mixer.forward(ln.forward(x))).data, { atol: 1e-14 });
  const post = new nn.ResidualBlock(mixer, 4, { dtype: 'float64', prenorm: false });
  allClose(post.forward(x), ln.forward(x.add(mixer.forward(x))).data, { atol: 1e-14 });
  const bn = new nn.ResidualBlock(mixer, 4, { dtype: 'float64', norm: 'batch' });
  const y = bn.forward(x);
  assert.equal(y.shape, [2, 5, 4]);
  assert.equal(bn.namedBuffers().map(([n]) => n), ['norm1.norm.running_mean', 'norm1.norm.running_var', 'norm1.norm.num_batches_tracked']);
  assert.throws(() => pre.forward(rnd([2, 5, 3], 1)), /ResidualBlock: input must be \[B, L, 4\], got \[2,5,3\]/);
});

t('TransformerBlock: gradcheck (pre- and post-LN) and causality end to end', () => {
  for (const prenorm of [true, false]) {
    const block = new nn.TransformerBlock(4, 2, { dtype: 'float64', causal: true, prenorm, generator: new Generator(4) });
    // Parameters are leaves too: gradcheck perturbs them in place while forward reads them.
    checkGrad((x) => block.forward(x), [rnd([1, 4, 4], 5), ...block.parameters()], {}, `prenorm ${prenorm}`);
    const x = rnd([1, 6, 4], 6);
    const y = block.forward(x);
    const x2 = x.detach().clone();
    x2.data[5 * 4] += 1;
    const y2 = block.forward(x2);
    for (let i = 0; i < 5 * 4; i++) assert.ok(Math.abs(y.data[i] - y2.data[i]) < 1e-14);
  }

});

t.run();
