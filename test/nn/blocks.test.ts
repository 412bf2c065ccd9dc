// The residual block (src/nn/blocks.ts; SPEC 2.7, 3.3, 5.4) around the convolutional mixers:
// pre- and post-norm with LayerNorm and BatchNorm against the block formula written out by hand,
// BatchNorm's running statistics in eval mode, dropout on the residual branch (train and eval,
// elementwise and tied), the tied dropout op itself (SPEC 2.7, 3.5 "tied", 5.4), and a float64
// gradcheck of a block wrapping SGConv with respect to the input and every parameter.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ones, tensor, type Tensor } from '../../src/index.js';
import { dropout } from '../../src/ops/activation.js';
import { ResidualBlock, type NormKind } from '../../src/nn/blocks.js';
import { LongConv } from '../../src/nn/longconv.js';
import { type BatchNorm1d, type LayerNorm } from '../../src/nn/norm.js';
import { SGConv } from '../../src/nn/sgconv.js';
import { Generator } from '../../src/tensor/random.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';

const bl = suite('nn.ResidualBlock with SGConv and LongConv');

const [B, L, H] = [2, 8, 3];
const EPS = 1e-5;

type Mixer = SGConv | LongConv;
const mixers: Record<string, (seed: number) => Mixer> = {
  SGConv: (seed) => new SGConv({ dModel: H, lMax: L, kernelDim: 2, postact: 'glu', dtype: 'float64', generator: new Generator(seed) }),
  LongConv: (seed) => {
    const layer = new LongConv({ dModel: H, lMax: L, channels: 2, lam: 0, dtype: 'float64', generator: new Generator(seed) });
    layer.kernel.kernel.data.set(rnd(layer.kernel.kernel.shape, seed + 1).data); // O(1) taps instead of the 0.002 init
    return layer;
  },
};

const f64 = (data: ArrayLike<number>, shape: number[]): Tensor => tensor(Float64Array.from(data), { shape });

/**
 * The norm of SPEC 5.4 written out on a flat [B, L, H] array, with affine γ, β [H]:
 * layer: statistics per (b, t) over the H features; batch: per feature over (b, t).
 * Both use the biased variance: x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β.
 */
function handNorm(x: ArrayLike<number>, kind: 'layer' | 'batch', gamma: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const y = new Float64Array(B * L * H);
  const groups: number[][] = kind === 'layer'
    ? Array.from({ length: B * L }, (_, r) => Array.from({ length: H }, (_, h) => r * H + h))
    : Array.from({ length: H }, (_, h) => Array.from({ length: B * L }, (_, r) => r * H + h));
  for (const idx of groups) {
    const mean = idx.reduce((s, i) => s + x[i], 0) / idx.length;
    const variance = idx.reduce((s, i) => s + (x[i] - mean) ** 2, 0) / idx.length;
    for (const i of idx) y[i] = gamma[i % H] * ((x[i] - mean) / Math.sqrt(variance + EPS)) + beta[i % H];
  }
  return y;
}

/** A block with random γ, β (so that a norm applied at the wrong place, or twice, shows). */
function blockOf(mixer: Mixer, prenorm: boolean, norm: NormKind, seed: number, extra: { dropout?: number; tieDropout?: boolean; generator?: Generator } = {}): ResidualBlock {
  const block = new ResidualBlock(mixer, H, { dtype: 'float64', prenorm, norm, ...extra });
  const n = block.norm1.norm as LayerNorm | BatchNorm1d;
  n.weight!.data.set(rnd([H], seed, { positive: true }).data.map((v) => 0.5 + v));
  n.bias!.data.set(rnd([H], seed + 1).data);
  return block;
}

const gammaBeta = (block: ResidualBlock): [Float64Array, Float64Array] => {
  const n = block.norm1.norm as LayerNorm | BatchNorm1d;
  return [Float64Array.from(n.weight!.data), Float64Array.from(n.bias!.data)];
};

bl('{SGConv, LongConv} × prenorm on/off × {layer, batch}: x + Mixer(Norm(x)) and Norm(x + Mixer(x)), norms written out by hand', () => {
  let seed = 100;
  for (const [name, make] of Object.entries(mixers)) {
    for (const prenorm of [true, false]) {
      for (const norm of ['layer', 'batch'] as const) {
        seed += 10;
        const mixer = make(seed);
        const block = blockOf(mixer, prenorm, norm, seed + 2);
        const [gamma, beta] = gammaBeta(block);
        const x = rnd([B, L, H], seed + 3).detach();
        const y = block.forward(x); // training mode: BatchNorm uses the batch statistics
        const mix = (v: ArrayLike<number>): Float64Array => Float64Array.from(mixer.forward(f64(v, [B, L, H])).data);
        let expected: Float64Array;
        if (prenorm) {
          const m = mix(handNorm(x.data, norm, gamma, beta));
          expected = x.data.map((v, i) => v + m[i]) as Float64Array;
        } else {
          const m = mix(x.data);
          expected = handNorm(x.data.map((v, i) => v + m[i]), norm, gamma, beta);
        }
        allClose(y, expected, { atol: 1e-12, rtol: 1e-12 }, `${name}, prenorm ${prenorm}, ${norm}`);
      }
    }
  }
});

bl('BatchNorm in eval mode normalises with the running estimates: μ_run = 0.1·μ, σ²_run = 0.9 + 0.1·(unbiased σ²) after one step', () => {
  const mixer = mixers.SGConv(300);
  const block = blockOf(mixer, false, 'batch', 301);
  const [gamma, beta] = gammaBeta(block);
  const x = rnd([B, L, H], 302).detach();
  block.forward(x); // one training step updates the running statistics of the sum s = x + Mixer(x)
  const m = Float64Array.from(mixer.forward(x).data);
  const s = x.data.map((v, i) => v + m[i]);
  const n = B * L;
  const runMean = Array.from({ length: H }, (_, h) => 0.1 * Array.from({ length: n }, (_, r) => s[r * H + h]).reduce((a, b) => a + b, 0) / n);
  const runVar = Array.from({ length: H }, (_, h) => {
    const mean = runMean[h] / 0.1;
    const unbiased = Array.from({ length: n }, (_, r) => (s[r * H + h] - mean) ** 2).reduce((a, b) => a + b, 0) / (n - 1);
    return 0.9 + 0.1 * unbiased;
  });
  block.eval();
  const y = block.forward(x);
  const expected = Array.from(s, (v, i) => gamma[i % H] * (v - runMean[i % H]) / Math.sqrt(runVar[i % H] + EPS) + beta[i % H]);
  allClose(y, expected, { atol: 1e-12, rtol: 1e-12 });
});

bl('dropout on the residual branch: the identity in eval; in training each branch value is kept ×1/(1−p) or zeroed, elementwise or tied along L', () => {
  for (const [name, make] of Object.entries(mixers)) {
    for (const tie of [false, true]) {
      const mixer = make(400);
      const block = blockOf(mixer, true, 'layer', 401, { dropout: 0.5, tieDropout: tie, generator: new Generator(402) });
      const [gamma, beta] = gammaBeta(block);
      const x = rnd([B, L, H], 403).detach();
      const branch = Float64Array.from(mixer.forward(f64(handNorm(x.data, 'layer', gamma, beta), [B, L, H])).data);
      allClose(block.eval().forward(x), x.data.map((v, i) => v + branch[i]), { atol: 1e-12, rtol: 1e-12 }, `${name}: eval`);
      const y = block.train().forward(x);
      const ratio = Array.from(y.data, (v, i) => (v - x.data[i]) / branch[i]); // 0 or 1/(1 − p) = 2
      assert.ok(ratio.every((r) => Math.abs(r) < 1e-9 || Math.abs(r - 2) < 1e-9), `${name}: kept ×2 or dropped`);
      assert.ok(ratio.some((r) => Math.abs(r) < 1e-9) && ratio.some((r) => Math.abs(r - 2) < 1e-9), `${name}: both happen`);
      const column = (b: number, h: number): number[] => Array.from({ length: L }, (_, t) => Math.round(ratio[(b * L + t) * H + h]));
      const constant = [0, 1].every((b) => [0, 1, 2].every((h) => new Set(column(b, h)).size === 1));
      assert.is(constant, tie, `${name}: ${tie ? 'tied: one decision per (b, h) for the whole sequence' : 'untied: decisions vary along L'}`);
    }
  }
});

bl('tied dropout op: mask [B, 1, F] (or [B, 1, 1, F]) constant along the length axes, E = 1, identity in eval, gradient = the mask', () => {
  const p = 0.3;
  const x = ones([64, 8, 64], { dtype: 'float64' });
  const y = dropout(x, p, true, new Generator(1), { tie: true });
  for (let b = 0; b < 64; b++) for (let f = 0; f < 64; f++) {
    const column = Array.from({ length: 8 }, (_, t) => y.data[(b * 8 + t) * 64 + f]);
    assert.ok(column.every((v) => v === column[0]), `column (${b}, ${f}) is constant along L`);
    assert.ok(column[0] === 0 || Math.abs(column[0] - 1 / (1 - p)) < 1e-15);
  }
  // E[mask] = 1: 4096 independent columns, each with variance p/(1 − p) = 0.43, so the mean is 1 ± 0.01 (1σ).
  const mean = Array.from(y.data).reduce((s, v) => s + v, 0) / y.numel;
  assert.ok(Math.abs(mean - 1) < 0.05, `mean ${mean}`);
  const dropped = y.data.filter((v) => v === 0).length / y.numel;
  assert.ok(Math.abs(dropped - p) < 0.05, `dropped fraction ${dropped}`);
  const four = dropout(ones([3, 4, 5, 6], { dtype: 'float64' }), 0.5, true, new Generator(2), { tie: true });
  for (let b = 0; b < 3; b++) for (let f = 0; f < 6; f++) {
    const values = new Set(Array.from({ length: 20 }, (_, t) => four.data[(b * 20 + t) * 6 + f]));
    assert.is(values.size, 1, '4-D: shared along both middle axes');
  }
  assert.is(dropout(x, p, false, new Generator(1), { tie: true }), x, 'eval: x itself');
  assert.is(dropout(x, 0, true, new Generator(1), { tie: true }), x, 'p = 0: x itself');
  // The same seed each call gives the same mask, so finite differences see a fixed linear map.
  checkGrad((v) => dropout(v, 0.5, true, new Generator(3), { tie: true }), [rnd([2, 5, 3], 4)]);
  assert.throws(() => dropout(ones([5]), 0.5, true, new Generator(1), { tie: true }), /a tied mask needs x with a batch and a feature axis/);
  assert.throws(() => new ResidualBlock(mixers.SGConv(1), H, { dropout: 1.5 }), /ResidualBlock: dropout must be in \[0, 1\], got 1.5/);
});

bl('gradcheck (f64) of a block wrapping SGConv w.r.t. x and every parameter: pre-norm LayerNorm, post-norm BatchNorm', () => {
  for (const [prenorm, norm] of [[true, 'layer'], [false, 'batch']] as const) {
    const mixer = new SGConv({ dModel: H, lMax: 6, kernelDim: 2, bidirectional: !prenorm, dtype: 'float64', generator: new Generator(500) });
    const block = blockOf(mixer, prenorm, norm, 501);
    const x = rnd([2, 6, H], 502);
    block.forward(x); // fixes Z, a buffer: constant for the check
    checkGrad((v) => block.forward(v), [x, ...block.parameters()], {}, `prenorm ${prenorm}, ${norm}`);
  }
});

bl.run();
