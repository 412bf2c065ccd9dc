// The S4 (DPLR) kernel: fixtures, the ladder of SPEC 4.7/4.10 (fast = dense powers, reference
// values, Nyquist closed form, C̃ identities) and gradchecks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type DPLRParams, cTilde, doubleCTilde, kGenDPLR, kernelDPLR } from '../../../src/nn/s4/kernel-dplr.js';
import { cFromCtilde, denseSSM, kConv, kernelNaive } from '../../../src/nn/s4/kernel-naive.js';
import { makeDPLR } from '../../../src/nn/s4/dplr.js';
import { hippoLegS } from '../../../src/nn/s4/hippo.js';
import { discretizeBilinear } from '../../../src/nn/s4/discretize.js';
import { cAxpby, cEye, cFromReal, cMatmul, cMatpow } from '../../../src/nn/s4/dense.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { rfft } from '../../../src/ops/fft.js';
import { allClose, maxAbsDiff } from '../../helpers/close.js';
import { checkGrad, rnd } from '../../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../../helpers/fixtures.js';

const kd = suite('s4: DPLR kernel');
const f64 = (values: number[], shape: number[]): Tensor => new Tensor(Float64Array.from(values), shape);
const logDts = (dts: number[]): Tensor => f64(dts.map(Math.log), [dts.length]);

/** HiPPO-LegS Λ, P, B of size N (shared by all rows) with a random C or C̃ for H = 3 rows. */
function legsParams(N: number, dts: number[], which: 'C' | 'Ctilde', seed = 1): DPLRParams {
  const d = makeDPLR(N);
  const c = rnd([dts.length, N / 2, 2], seed);
  c.requiresGrad = false;
  return { Lambda: d.Lambda, P: d.P, B: d.B, [which]: c, logDt: logDts(dts) };
}

/** The dense bilinear Ā [H, N, N, 2] and B̄ [H, N, 2] of every row, full basis, stored modes first. */
function denseAB(p: DPLRParams, L: number): { dA: Tensor; dB: Tensor } {
  const H = p.logDt.shape[0];
  const N = 2 * p.Lambda.shape[p.Lambda.ndim - 2];
  const dA = new Float64Array(H * N * N * 2);
  const dB = new Float64Array(H * N * 2);
  for (let h = 0; h < H; h++) {
    const s = denseSSM(p, h, L);
    dA.set(s.Ab, h * N * N * 2);
    dB.set(s.Bb, h * N * 2);
  }
  return { dA: new Tensor(dA, [H, N, N, 2]), dB: new Tensor(dB, [H, N, 2]) };
}

/** A fixture case's parameters, with C or C̃ as the case gives it. */
function caseParams(x: Record<string, Tensor>): DPLRParams {
  return { Lambda: x.Lambda, P: x.P, B: x.B, logDt: x.log_dt, ...(x.C !== undefined ? { C: x.C } : { Ctilde: x.Ctilde }) };
}

kd('fixtures: every s4_dplr_kernel case, every recorded output (K, k_f, C̃, K_naive, dA, dB) and gradients (C and C̃ conventions)', () => {
  const cases = loadFixture('s4').cases.filter((c) => c.op === 's4_dplr_kernel');
  assert.is(cases.length, 11);
  assert.is(cases.filter((c) => c.inputs.Ctilde !== undefined).length, 2);
  for (const c of cases) {
    const L = c.options.L as number;
    checkFixtureCase(c, (x) => {
      const p = caseParams(x);
      const out: Record<string, Tensor> = { K: kernelDPLR(p, L), k_f: kGenDPLR(p, L), K_naive: kernelNaive(p, L), ...denseAB(p, L) };
      if (x.C !== undefined) out.Ctilde = cTilde(p, L);
      return out;
    }, { atol: 1e-11, rtol: 1e-10 });
  }
});

kd('fixtures: dense bilinear Ā and B̄ of the naive path (dA, dB) to ≤ 1e−14, all 11 cases', () => {
  for (const c of loadFixture('s4').cases.filter((x) => x.op === 's4_dplr_kernel')) {
    const x = Object.fromEntries(Object.entries(c.inputs).map(([name, a]) => [name, f64(a.data, a.shape)]));
    const { dA, dB } = denseAB(caseParams(x), c.options.L as number);
    allClose(dA, c.outputs.dA.data, { atol: 1e-14, rtol: 1e-12 }, `${c.name}: dA`);
    allClose(dB, c.outputs.dB.data, { atol: 1e-14, rtol: 1e-12 }, `${c.name}: dB`);
  }
});

kd('DPLR kernel = dense powers (f64, ≤ 1e−12): N ∈ {4, 8, 64}, L ∈ {8, 11, 16, 256}, Δ ∈ {0.01, 0.05, 0.1}', () => {
  for (const N of [4, 8, 64]) {
    for (const L of [8, 11, 16, 256]) {
      const p = legsParams(N, [0.01, 0.05, 0.1], 'Ctilde', N + L);
      const err = maxAbsDiff(kernelDPLR(p, L), kernelNaive(p, L));
      assert.ok(err <= 1e-12, `N = ${N}, L = ${L}: max |K_DPLR − K_naive| = ${err}`);
    }
  }
  // C as the parameter (C̃ formed inside the graph), random non-HiPPO rows
  for (const L of [11, 16]) {
    const Lambda = rnd([2, 4, 2], 3);
    for (let i = 0; i < Lambda.numel; i += 2) Lambda.data[i] = -0.1 - Math.abs(Lambda.data[i]);
    const p: DPLRParams = { Lambda, P: rnd([2, 4, 2], 4), B: rnd([2, 4, 2], 5), C: rnd([2, 4, 2], 6), logDt: logDts([0.03, 0.2]) };
    const err = maxAbsDiff(kernelDPLR(p, L), kernelNaive(p, L));
    assert.ok(err <= 1e-12, `random, C parameter, L = ${L}: ${err}`);
  }
});

kd('SPEC 4.7 reference values: HiPPO basis with C_orig = 1, C = C_orig·V, C̃ from C', () => {
  const spec: [number, number, number, number[], number | null][] = [
    [4, 8, 0.1, [0.5470521977, 0.2234393675, 0.0639939291, -0.0045994186, -0.0256215502, -0.0239291607], 0.3779982712],
    [8, 16, 0.1, [0.8000432849, -0.2717787392, 0.1025482959, 0.1608889610, 0.0576487867, -0.0180202284], 1.0743799524],
    [8, 11, 0.05, [0.5978811503, 0.0241588407, -0.0596847068, -0.0076231630, 0.0479337296, 0.0725403869], null],
    [64, 256, 0.01, [0.4611861086, -0.2303142419, 0.2880552991, -0.2016708888, 0.2410936503, -0.1854472665], 2.4136805456],
  ];
  for (const [N, L, dt, values, nyquist] of spec) {
    const d = makeDPLR(N);
    const N2 = N / 2;
    const C = new Float64Array(2 * N2); // C_n = Σ_k 1·V_kn
    for (let k = 0; k < N; k++) for (let j = 0; j < N2; j++) { C[2 * j] += d.V.data[2 * (k * N2 + j)]; C[2 * j + 1] += d.V.data[2 * (k * N2 + j) + 1]; }
    const p: DPLRParams = { Lambda: d.Lambda, P: d.P, B: d.B, C: new Tensor(C, [1, N2, 2]), logDt: logDts([dt]) };
    const K = kernelDPLR(p, L);
    allClose(Array.from(K.data).slice(0, 6), values, { atol: 1e-9, rtol: 0 }, `N = ${N}, L = ${L}`);
    const h = hippoLegS(N); // the same kernel straight from the dense HiPPO matrices
    const { Ab, Bb } = discretizeBilinear(h.A, h.B, dt);
    const dense = kConv(cFromReal(Ab.data), cFromReal(Bb.data), cFromReal(new Float64Array(N).fill(1)), L, N); // C_orig = 1
    assert.ok(maxAbsDiff(K, dense) <= 1e-12, `N = ${N}, L = ${L}: DPLR vs dense HiPPO ${maxAbsDiff(K, dense)}`);
    if (nyquist !== null) {
      const khat = kGenDPLR(p, L);
      allClose([khat.data[khat.numel - 2], khat.data[khat.numel - 1]], [nyquist, 0], { atol: 1e-9, rtol: 0 }, `N = ${N}: K̂(−1)`);
    }
  }
});

kd('Nyquist bin: the closed form Δ·Re Σ C̃B equals Σ_j (−1)^j K_j of the naive kernel; every bin equals its DFT', () => {
  for (const [N, L] of [[4, 8], [8, 16], [64, 64]]) {
    const p = legsParams(N, [0.01, 0.05, 0.1], 'Ctilde', 7 * N);
    const khat = kGenDPLR(p, L); // [H, L/2 + 1, 2]
    const dft = rfft(kernelNaive(p, L)); // the DFT bins of the slow kernel
    assert.ok(maxAbsDiff(khat, dft) <= 1e-12, `N = ${N}, L = ${L}: K̂ vs DFT of K_naive ${maxAbsDiff(khat, dft)}`);
    const K = kernelNaive(p, L); // [3, L]
    for (let h = 0; h < 3; h++) { // the Nyquist bin by its definition, Σ_j K_j (−1)^j, without the FFT
      let alternating = 0;
      for (let j = 0; j < L; j++) alternating += (j % 2 === 0 ? 1 : -1) * K.data[h * L + j];
      const closed = khat.data[(h * (L / 2 + 1) + L / 2) * 2];
      assert.ok(Math.abs(closed - alternating) <= 1e-12, `N = ${N}, row ${h}: Δ·Re Σ C̃B = ${closed}, Σ_j (−1)^j K_j = ${alternating}`);
    }
  }
});

kd('C̃: conjugate symmetry of C_f(I − Ā^L), and the doubling identity C̃_{2L} = C̃_L(I + Ā^L)', () => {
  const p = legsParams(8, [0.01, 0.05, 0.1], 'C', 5);
  const L = 16;
  const Ct = cTilde(p, L);
  for (let h = 0; h < 3; h++) {
    const s = denseSSM(p, h, L);
    const full = cMatmul(s.C, cAxpby([1, 0], cEye(8), [-1, 0], cMatpow(s.Ab, 8, L)), 1, 8, 8); // C_f(I − Ā^L)
    for (let j = 0; j < 4; j++) {
      assert.ok(Math.abs(full[2 * (4 + j)] - full[2 * j]) <= 1e-14 && Math.abs(full[2 * (4 + j) + 1] + full[2 * j + 1]) <= 1e-14, `row ${h}: second half is the conjugate`);
    }
    allClose(Ct.data.slice(h * 8, h * 8 + 8), full.slice(0, 8), { atol: 1e-14, rtol: 0 }, `row ${h}: C̃ = first half`);
  }
  const doubled = doubleCTilde({ ...p, C: undefined, Ctilde: Ct }, L);
  assert.ok(maxAbsDiff(doubled, cTilde(p, 2 * L)) <= 1e-12, `doubling: ${maxAbsDiff(doubled, cTilde(p, 2 * L))}`);
  // Both sides above share dAbar; the dense bilinear Ā of denseSSM is independent of it.
  for (let h = 0; h < 3; h++) {
    const s = denseSSM(p, h, 2 * L);
    const full = cMatmul(s.C, cAxpby([1, 0], cEye(8), [-1, 0], cMatpow(s.Ab, 8, 2 * L)), 1, 8, 8); // C_f(I − Ā^{2L})
    allClose(doubled.data.slice(h * 8, h * 8 + 8), full.slice(0, 8), { atol: 1e-13, rtol: 0 }, `row ${h}: C̃_L(I + Ā^L) = C_f(I − Ā^{2L}), dense`);
  }
});

kd('C̃ with channel axes [G, H, N2, 2] (Ā once per row h) = the per-channel forms; cFromCtilde inverts it', () => {
  const p = legsParams(8, [0.01, 0.05, 0.1], 'C', 11); // Λ, P, B shared, logDt [3]
  const C = rnd([2, 3, 4, 2], 12); // two channels over the H = 3 rows
  C.requiresGrad = false;
  const L = 16;
  const Ct = cTilde({ ...p, C }, L); // [2, 3, 4, 2]
  assert.equal(Ct.shape, [2, 3, 4, 2]);
  for (let g = 0; g < 2; g++) {
    const one = cTilde({ ...p, C: new Tensor(C.data.slice(g * 24, (g + 1) * 24), [3, 4, 2]) }, L); // [3, 4, 2]
    assert.ok(maxAbsDiff(Ct.data.subarray(g * 24, (g + 1) * 24), one) <= 1e-14, `channel ${g}: ${maxAbsDiff(Ct.data.subarray(g * 24, (g + 1) * 24), one)}`);
  }
  const doubled = doubleCTilde({ ...p, C: undefined, Ctilde: Ct }, L);
  assert.ok(maxAbsDiff(doubled, cTilde({ ...p, C }, 2 * L)) <= 1e-12, 'doubling with channel axes');
  const back = cFromCtilde({ ...p, C: undefined, Ctilde: Ct }, L); // [2, 3, 4, 2]
  assert.equal(back.shape, [2, 3, 4, 2]);
  assert.ok(maxAbsDiff(back, C) <= 1e-12, `cFromCtilde: ${maxAbsDiff(back, C)}`);
  assert.throws(() => cTilde({ ...p, C: rnd([2, 4, 4, 2], 1) }, L), /C with channel axes must be \[\.\.\., H = 3, 4, 2\]/);
});

kd('gradcheck (f64, N = 4, L = 8 and 7): w.r.t. Λ, P, B, C, logDt, and w.r.t. C̃', () => {
  const Lambda = rnd([2, 2, 2], 31);
  for (let i = 0; i < Lambda.numel; i += 2) Lambda.data[i] = -0.2 - Math.abs(Lambda.data[i]);
  const [P, B, C] = [rnd([2, 2, 2], 32), rnd([2, 2, 2], 33), rnd([2, 2, 2], 34)];
  const logDt = f64([Math.log(0.1), Math.log(0.4)], [2]).requiresGrad_();
  for (const L of [8, 7]) {
    checkGrad((l, pp, b, c, dt) => kernelDPLR({ Lambda: l, P: pp, B: b, C: c, logDt: dt }, L), [Lambda, P, B, C, logDt], {}, `C, L = ${L}`);
    checkGrad((l, pp, b, c, dt) => kernelDPLR({ Lambda: l, P: pp, B: b, Ctilde: c, logDt: dt }, L), [Lambda, P, B, C, logDt], {}, `C̃, L = ${L}`);
  }
});

kd('float32 parameters: computed in float64, returned in float32, ≤ 1e−5·max|K| from the f64 truth', () => {
  const p = legsParams(16, [0.001, 0.01, 0.1], 'Ctilde', 9);
  const p32: DPLRParams = { Lambda: p.Lambda.to('float32'), P: p.P.to('float32'), B: p.B.to('float32'), Ctilde: p.Ctilde!.to('float32'), logDt: p.logDt.to('float32') };
  const back: DPLRParams = { Lambda: p32.Lambda.to('float64'), P: p32.P.to('float64'), B: p32.B.to('float64'), Ctilde: p32.Ctilde!.to('float64'), logDt: p32.logDt.to('float64') };
  const K32 = kernelDPLR(p32, 128);
  assert.is(K32.dtype, 'float32');
  const truth = kernelNaive(back, 128);
  const scale = Math.max(...Array.from(truth.data, Math.abs));
  assert.ok(maxAbsDiff(K32, truth) <= 1e-5 * scale, `${maxAbsDiff(K32, truth)} vs ${scale}`);
});

kd('bad input: C and C̃ both or neither, shapes', () => {
  const p = legsParams(4, [0.1], 'C');
  assert.throws(() => kernelDPLR({ ...p, Ctilde: p.C }, 8), /exactly one of C and Ctilde/);
  assert.throws(() => kernelDPLR({ ...p, C: undefined }, 8), /exactly one of C and Ctilde/);
  assert.throws(() => kernelDPLR({ ...p, P: rnd([3, 2], 1) }, 8), /P must be complex \[\.\.\., 2, 2\]/);
  assert.throws(() => kernelDPLR({ ...p, logDt: f64([0], [1, 1]) }, 8), /logDt must be \[H\]/);
  assert.throws(() => kernelDPLR(p, 0), /L must be a positive integer/);
});

kd.run();
