// The recurrent view: running x_k = Āx_{k−1} + B̄u_k, y_k = Cx_k equals the causal convolution
// with the kernel (SPEC 4.10 #6), for S4D (diagonal) and S4 (DPLR, O(N) Woodbury steps).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { discreteDiag, discreteDPLR, scanSSM, stepDiag, stepDPLR } from '../../../src/nn/s4/step.js';
import { type DPLRParams, kernelDPLR } from '../../../src/nn/s4/kernel-dplr.js';
import { denseSSM } from '../../../src/nn/s4/kernel-naive.js';
import { makeDPLR } from '../../../src/nn/s4/dplr.js';
import { s4dInit, s4dKernel } from '../../../src/nn/s4/s4d.js';
import { cMatmul } from '../../../src/nn/s4/dense.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { maxAbsDiff } from '../../helpers/close.js';
import { rnd } from '../../helpers/check.js';

const st = suite('s4: recurrence = convolution');
const logDts = (dts: number[]): Tensor => new Tensor(Float64Array.from(dts, Math.log), [dts.length]);

/** y[b, h, t] = Σ_{s≤t} K[h, s]·u[b, h, t − s], the direct causal convolution. */
function causalConv(u: Tensor, K: Tensor): Float64Array {
  const [B, H, L] = u.shape;
  const y = new Float64Array(B * H * L);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < L; t++) {
    let acc = 0;
    for (let s = 0; s <= t; s++) acc += K.data[h * L + s] * u.data[(b * H + h) * L + t - s];
    y[(b * H + h) * L + t] = acc;
  }
  return y;
}

function fixed(shape: number[], seed: number): Tensor {
  const t = rnd(shape, seed);
  t.requiresGrad = false;
  return t;
}

st('S4D: stepping the diagonal recurrence equals the Vandermonde convolution (ZOH, bilinear)', () => {
  const { Lambda, B } = s4dInit(16, 'inv');
  const p = { Lambda, B, C: fixed([3, 8, 2], 1), logDt: logDts([0.001, 0.01, 0.1]) };
  const u = fixed([2, 3, 64], 2);
  for (const disc of ['zoh', 'bilinear'] as const) {
    const { y } = scanSSM(stepDiag, discreteDiag(p, disc), u);
    const err = maxAbsDiff(y, causalConv(u, s4dKernel(p, 64, { disc })));
    assert.ok(err <= 1e-12, `${disc}: ${err}`);
  }
});

st('S4: O(N) DPLR steps equal the Cauchy-kernel convolution (HiPPO-LegS with C̃; random with C)', () => {
  const L = 64;
  const d = makeDPLR(8);
  const legs: DPLRParams = { Lambda: d.Lambda, P: d.P, B: d.B, Ctilde: fixed([3, 4, 2], 3), logDt: logDts([0.01, 0.05, 0.1]) };
  const Lambda = fixed([2, 2, 2], 4);
  for (let i = 0; i < Lambda.numel; i += 2) Lambda.data[i] = -0.1 - Math.abs(Lambda.data[i]);
  const random: DPLRParams = { Lambda, P: fixed([2, 2, 2], 5), B: fixed([2, 2, 2], 6), C: fixed([2, 2, 2], 7), logDt: logDts([0.05, 0.3]) };
  for (const [name, p] of [['legs', legs], ['random', random]] as const) {
    const H = p.logDt.shape[0];
    const u = fixed([2, H, L], 8);
    const { y } = scanSSM(stepDPLR, discreteDPLR(p, L), u);
    const err = maxAbsDiff(y, causalConv(u, kernelDPLR(p, L)));
    assert.ok(err <= 1e-12, `${name}: ${err}`);
  }
});

st('S4: a structured step equals the dense step x′ = Āx + B̄u in the full basis', () => {
  const d = makeDPLR(8);
  const p: DPLRParams = { Lambda: d.Lambda, P: d.P, B: d.B, C: fixed([1, 4, 2], 9), logDt: logDts([0.1]) };
  const ssm = discreteDPLR(p, 16);
  const dense = denseSSM(p, 0, 16);
  let x = new Tensor(new Float64Array(8), [1, 4, 2]);
  let xf = new Float64Array(16);
  for (const u of [0.7, -1.3, 0.25]) {
    x = stepDPLR(ssm, x, new Tensor(Float64Array.of(u), [1])).x;
    const ax = cMatmul(dense.Ab, xf, 8, 8, 1);
    xf = ax.map((v, i) => v + u * dense.Bb[i]);
    assert.ok(maxAbsDiff(x, xf.slice(0, 8)) <= 1e-13, `state after u = ${u}: ${maxAbsDiff(x, xf.slice(0, 8))}`);
    assert.ok(maxAbsDiff(xf.slice(8), xf.slice(0, 8).map((v, i) => (i % 2 === 1 ? -v : v))) <= 1e-13, 'full state is conjugate-symmetric');
  }
});

st.run();
