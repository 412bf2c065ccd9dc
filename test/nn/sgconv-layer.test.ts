// The SGConv layer maths as a functional composition (test/nn/sgconv-reference.ts) against the
// official GConv module (sgconv.json layer cases), the SPEC 2.5 worked example, causality,
// the bidirectional δ-responses (SPEC 2.9 #6-#8, 1.5) and a float64 gradcheck of the layer.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { add, fftConv, gelu, mul, tensor, zeros, type Tensor } from '../../src/index.js';
import { sgconvKernel } from '../../src/nn/sgconv/kernel.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../helpers/fixtures.js';
import { kernelOptions, sgconvLayerReference, weightNames } from './sgconv-reference.js';

const layer = suite('sgconv layer (functional)');

const f64 = (v: number[], shape: number[]): Tensor => tensor(new Float64Array(v), { shape });

layer('every layer case of sgconv.json: y, kernel, kernel_norm and the gradients of u and every parameter', () => {
  const cases = loadFixture('sgconv').cases.filter((c) => c.op === 'sgconv_layer');
  assert.is(cases.length, 2);
  for (const c of cases) {
    const o = c.options;
    checkFixtureCase(c, (p) => {
      const r = sgconvLayerReference(
        { u: p.u, weights: weightNames(o.n_scales as number).map((n) => p[n]), D: p.D, weight: p['output_linear.weight'], bias: p['output_linear.bias'] },
        { ...kernelOptions(o), channels: o.channels as number, bidirectional: o.bidirectional as boolean },
      );
      return { y: r.y, kernel: r.kernel, kernel_norm: r.kernelNorm };
    }, { atol: 1e-12, rtol: 1e-10 });
  }
});

layer('SPEC 2.5 worked example: pre-activation, GELU output, and the conv of (1, …, 8)', () => {
  const weights = [f64([1, 2], [1, 1, 2]), f64([3, 4], [1, 1, 2]), f64([5, 6], [1, 1, 2])];
  const u = f64([1, -1, 2, 0, 0.5, -2, 1, 3], [1, 1, 8]); // [B, H, L]
  const { kernel } = sgconvKernel(weights, { lMax: 8, kernelDim: 2, L: 8 });
  const pre = add(fftConv(u, kernel), mul(u, 0.5)); // D = 0.5
  allClose(pre, [0.730317, -0.269683, 1.345476, 1.036427, 0.883372, -0.294654, 0.586369, 2.809929], { atol: 1e-6, rtol: 0 });
  allClose(gelu(pre), [0.560447, -0.106175, 1.225411, 0.880962, 0.716841, -0.113185, 0.422881, 2.802967], { atol: 1e-6, rtol: 0 });
  const ramp = f64([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 8]);
  allClose(fftConv(ramp, kernel), [0.230317, 0.921269, 1.957696, 3.454758, 5.239716, 7.326965, 9.745295, 12.509102], { atol: 1e-6, rtol: 0 });
  // The same through the whole layer (B, L, H layout; identity output linear, bias 0).
  const y = sgconvLayerReference(
    { u: f64([1, -1, 2, 0, 0.5, -2, 1, 3], [1, 8, 1]), weights, D: f64([0.5], [1, 1]), weight: f64([1], [1, 1]), bias: f64([0], [1]) },
    { lMax: 8, kernelDim: 2, L: 8, channels: 1, bidirectional: false },
  ).y;
  allClose(y, [0.560447, -0.106175, 1.225411, 0.880962, 0.716841, -0.113185, 0.422881, 2.802967], { atol: 1e-6, rtol: 0 });
});

/** A small layer with random weights (Z from the first call), for causality and gradcheck. */
function smallLayer(bidirectional: boolean, seed: number) {
  const [C, H, d, lMax] = [2, 2, 3, 12];
  const Cp = bidirectional ? 2 * C : C;
  const weights = Array.from({ length: 3 }, (_, i) => rnd([Cp, H, d], seed + i)); // S = 3 for l_max 12, d 3: T 12
  const opts = { lMax, kernelDim: d, L: lMax, channels: C, bidirectional };
  const kernelNorm = sgconvKernel(weights, opts).kernelNorm;
  return { weights, D: rnd([C, H], seed + 10), weight: rnd([H, C * H], seed + 11), bias: rnd([H], seed + 12), opts: { ...opts, kernelNorm } };
}

layer('SPEC 2.9 #6 causality: perturbing u_s leaves every output before s unchanged (FFT round-off only)', () => {
  const p = smallLayer(false, 300);
  const u = rnd([2, 12, 2], 310).detach(); // [B, L, H]
  const y = sgconvLayerReference({ ...p, u }, p.opts).y;
  for (const s of [3, 7, 11]) {
    const v = u.clone();
    for (let b = 0; b < 2; b++) v.data[(b * 12 + s) * 2 + 1] += 5;
    const y2 = sgconvLayerReference({ ...p, u: v }, p.opts).y;
    let changedLater = 0;
    for (let b = 0; b < 2; b++) for (let t = 0; t < 12; t++) for (let h = 0; h < 2; h++) {
      const i = (b * 12 + t) * 2 + h;
      if (t < s) assert.ok(Math.abs(y.data[i] - y2.data[i]) < 1e-14, `s=${s} t=${t}`);
      else changedLater = Math.max(changedLater, Math.abs(y.data[i] - y2.data[i]));
    }
    assert.ok(changedLater > 1e-3, `s=${s}: the perturbation reaches t ≥ s`);
  }
});

layer('SPEC 2.9 #7: bidirectional SGConv kernels (1,2,3,4) / (10,20,30,40) give the δ-responses of SPEC 1.5', () => {
  // l_max = d = 4: one scale, no upsampling, weight m^0 = 1, so with Z = 1 the kernel is W itself.
  const w = f64([1, 2, 3, 4, 10, 20, 30, 40], [2, 1, 4]);
  const { kernel } = sgconvKernel([w], { lMax: 4, kernelDim: 4, L: 4, kernelNorm: f64([1, 1], [2, 1, 1]) });
  const delta = (t: number): Tensor => { const u = zeros([1, 1, 4], { dtype: 'float64' }); u.data[t] = 1; return u; };
  allClose(fftConv(delta(0), kernel, { bidirectional: true }), [1, 2, 3, 4], { atol: 1e-13 });
  allClose(fftConv(delta(3), kernel, { bidirectional: true }), [30, 20, 10, 1], { atol: 1e-13 });
  allClose(fftConv(delta(1), kernel, { bidirectional: true }), [10, 1, 2, 3], { atol: 1e-13 });
});

layer('SPEC 2.9 #8 gradcheck (f64, Z frozen) of the layer w.r.t. u, every W_i, D and the output linear', () => {
  for (const bidirectional of [false, true]) {
    const p = smallLayer(bidirectional, bidirectional ? 400 : 500);
    const u = rnd([1, 12, 2], 600);
    checkGrad(
      (u_, D, weight, bias, ...weights) => sgconvLayerReference({ u: u_, weights, D, weight, bias }, p.opts).y,
      [u, p.D, p.weight, p.bias, ...p.weights], { fastMode: false }, bidirectional ? 'bidirectional' : 'causal',
    );
  }
});

layer.run();
