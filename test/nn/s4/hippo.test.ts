// HiPPO-LegS, the Jacobi eigensolver and the DPLR form (SPEC 4.2, 4.3, 4.10 #1–2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hippoLegS } from '../../../src/nn/s4/hippo.js';
import { jacobiEigh } from '../../../src/nn/s4/jacobi.js';
import { makeDPLR, reconstructHiPPO, reconstructionError } from '../../../src/nn/s4/dplr.js';
import { Generator } from '../../../src/tensor/random.js';
import { allClose, maxAbsDiff } from '../../helpers/close.js';
import { loadFixture } from '../../helpers/fixtures.js';

const hp = suite('s4: HiPPO-LegS, Jacobi, DPLR');
const dplr64 = makeDPLR(64);

hp('hippoLegS matches the fixtures: A, B, P, A + PPᵀ', () => {
  const cases = loadFixture('s4').cases.filter((c) => c.op === 'hippo_legs');
  assert.is(cases.length, 2);
  for (const c of cases) {
    const N = c.options.N as number;
    const h = hippoLegS(N);
    allClose(h.A, c.outputs.A.data, { atol: 1e-15, rtol: 0 }, `${c.name}: A`);
    allClose(h.B, c.outputs.B.data, { atol: 1e-15, rtol: 0 }, `${c.name}: B`);
    allClose(h.p, c.outputs.P.data, { atol: 1e-15, rtol: 0 }, `${c.name}: P`);
    const App = Array.from(h.A.data, (a, i) => a + h.p.data[Math.floor(i / N)] * h.p.data[i % N]);
    allClose(App, c.outputs.A_plus_PPt.data, { atol: 1e-14, rtol: 0 }, `${c.name}: A + PPᵀ`);
  }
});

hp('A + ppᵀ + ½I is skew-symmetric and equals S of the SPEC 4.2 closed form (N = 1..64)', () => {
  for (const N of [1, 2, 3, 4, 8, 17, 64]) {
    const { A, p, S } = hippoLegS(N);
    const M = (i: number, j: number): number => A.data[i * N + j] + p.data[i] * p.data[j] + (i === j ? 0.5 : 0); // from A and p only
    let skew = 0;
    let defect = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      skew = Math.max(skew, Math.abs(M(i, j) + M(j, i)));
      const closed = i === j ? 0 : Math.sign(j - i) * 0.5 * Math.sqrt((2 * i + 1) * (2 * j + 1)); // S_nk = ∓½√((2n+1)(2k+1)) below/above the diagonal
      defect = Math.max(defect, Math.abs(S.data[i * N + j] - closed), Math.abs(M(i, j) - closed));
    }
    assert.ok(skew < 1e-13, `N = ${N}: |M + Mᵀ| = ${skew} for M = A + ppᵀ + ½I`);
    assert.ok(defect < 1e-13, `N = ${N}: S and A + ppᵀ + ½I against the closed form: ${defect}`);
  }
});

hp('jacobiEigh: random symmetric matrix, A·V = V·diag(λ), VᵀV = I, λ ascending', () => {
  const n = 24;
  const g = new Generator(7);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = g.random() * 2 - 1;
  const { values, vectors, relativeOff } = jacobiEigh(A, n);
  assert.ok(relativeOff <= 1e-15, `off(A)/‖A‖ = ${relativeOff}`);
  for (let j = 1; j < n; j++) assert.ok(values[j - 1] <= values[j], 'ascending');
  let residual = 0;
  let orth = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let av = 0;
    let vv = 0;
    for (let k = 0; k < n; k++) { av += A[i * n + k] * vectors[k * n + j]; vv += vectors[k * n + i] * vectors[k * n + j]; }
    residual = Math.max(residual, Math.abs(av - values[j] * vectors[i * n + j]));
    orth = Math.max(orth, Math.abs(vv - (i === j ? 1 : 0)));
  }
  assert.ok(residual < 1e-14 && orth < 1e-14, `residual ${residual}, orthogonality ${orth}`);
  const diag = jacobiEigh([3, 0, 0, 0, -1, 0, 0, 0, 2], 3); // already diagonal: no sweep
  assert.equal(Array.from(diag.values), [-1, 2, 3]);
  assert.is(diag.sweeps, 0);
  assert.throws(() => jacobiEigh([1, 2, 3, 4], 2), /not symmetric/);
  assert.throws(() => jacobiEigh([1, 2, 3], 2), /need an n × n matrix/);
});

hp('makeDPLR eigenvalues: fixture eigenvalues_kept and eigenvalues_all (N = 4, 8) and SPEC 4.3 values (N = 4, 8, 64)', () => {
  const checked = ['A', 'B', 'P', 'A_plus_PPt', 'eigenvalues_kept', 'eigenvalues_all']; // with the test above: every recorded output
  for (const c of loadFixture('s4').cases.filter((x) => x.op === 'hippo_legs')) {
    assert.equal(Object.keys(c.outputs).filter((name) => !checked.includes(name)), [], `${c.name}: recorded outputs left unchecked`);
    const N = c.options.N as number;
    const Lambda = makeDPLR(N).Lambda;
    allClose(Lambda, c.outputs.eigenvalues_kept.data, { atol: 1e-13, rtol: 0 }, c.name);
    // All N eigenvalues of A + ppᵀ sorted by imaginary part (fixtures README): the kept N/2 with
    // Im < 0 ascending, then their conjugates, whose ascending order is the reverse: [Λ, reverse(conj Λ)].
    const all: number[] = Array.from(Lambda.data);
    for (let j = N / 2 - 1; j >= 0; j--) all.push(Lambda.data[2 * j], -Lambda.data[2 * j + 1]);
    allClose(all, c.outputs.eigenvalues_all.data, { atol: 1e-13, rtol: 0 }, `${c.name}: eigenvalues_all`);
  }
  const imag = (N: number): number[] => { const L = N === 64 ? dplr64.Lambda : makeDPLR(N).Lambda; return Array.from({ length: N / 2 }, (_, j) => L.data[2 * j + 1]); };
  const absB = (N: number): number[] => { const B = N === 64 ? dplr64.B : makeDPLR(N).B; return Array.from({ length: N / 2 }, (_, j) => Math.hypot(B.data[2 * j], B.data[2 * j + 1])); };
  allClose(imag(4), [-4.6032930071, -0.5565011151], { atol: 1e-9, rtol: 0 });
  allClose(absB(4), [2.6580150701, 0.9669311699], { atol: 1e-9, rtol: 0 });
  allClose(imag(8), [-19.857410371, -5.354208515, -1.9577941509, -0.4274887123], { atol: 1e-9, rtol: 0 });
  allClose(absB(8), [5.1556255232, 1.8438689105, 1.1749599473, 0.7994635875], { atol: 1e-9, rtol: 0 });
  allClose(imag(64).slice(0, 4), [-1303.2738429812, -433.0307565387, -258.1522102154, -182.6204114], { atol: 1e-7, rtol: 0 });
  const b64 = absB(64);
  allClose([Math.max(...b64), Math.min(...b64)], [40.7518, 0.5945], { atol: 1e-4, rtol: 0 });
  assert.is(b64.filter((b) => b > 2).length, 11);
});

hp('canonical phase and norms: B̃ real positive, P̃ = B̃/√2, Re Λ = −½, 2·Σ|B̃|² = N²', () => {
  for (const N of [2, 4, 8, 16, 64]) {
    const d = N === 64 ? dplr64 : makeDPLR(N);
    let sumB2 = 0;
    for (let j = 0; j < N / 2; j++) {
      const [br, bi, pr, pi] = [d.B.data[2 * j], d.B.data[2 * j + 1], d.P.data[2 * j], d.P.data[2 * j + 1]];
      assert.ok(br > 0 && bi === 0, `N = ${N}: B̃_${j} = ${br} + ${bi}i should be real positive`);
      assert.ok(Math.abs(pr - br / Math.SQRT2) < 1e-12 * br && Math.abs(pi) < 1e-12 * br, `N = ${N}: P̃_${j} = ${pr} + ${pi}i, B̃/√2 = ${br / Math.SQRT2}`);
      assert.is(d.Lambda.data[2 * j], -0.5);
      sumB2 += br * br;
    }
    assert.ok(Math.abs(2 * sumB2 - N * N) < 1e-11 * N * N, `N = ${N}: 2Σ|B̃|² = ${2 * sumB2}`);
  }
  assert.throws(() => makeDPLR(5), /even integer/);
});

hp('reconstruction: V_f(diag Λ_f − P_f P_f*)V_f* = A and V_f B_f = B to ≤ 1e−12 (N = 4, 8, 64)', () => {
  for (const N of [4, 8]) {
    const e = reconstructionError(N);
    assert.ok(e.A <= 1e-12 && e.B <= 1e-12, `N = ${N}: ${JSON.stringify(e)}`);
  }
  const h = hippoLegS(64);
  const r = reconstructHiPPO(dplr64);
  const re = (x: Float64Array | Float32Array): number[] => Array.from({ length: x.length / 2 }, (_, i) => x[2 * i]);
  const im = (x: Float64Array | Float32Array): number[] => Array.from({ length: x.length / 2 }, (_, i) => x[2 * i + 1]);
  assert.ok(maxAbsDiff(re(r.A.data), h.A.data) <= 1e-12, `N = 64: A error ${maxAbsDiff(re(r.A.data), h.A.data)}`);
  assert.ok(maxAbsDiff(im(r.A.data), new Float64Array(64 * 64)) <= 1e-12, 'N = 64: Im A');
  assert.ok(maxAbsDiff(re(r.B.data), h.B.data) <= 1e-12 && maxAbsDiff(im(r.B.data), new Float64Array(64)) <= 1e-12, 'N = 64: B');
});

hp('V_f = [V, V̄] is unitary to rounding (N = 64)', () => {
  const [N, N2] = dplr64.V.shape;
  const V = dplr64.V.data;
  let worst = 0;
  for (let a = 0; a < N2; a++) for (let b = 0; b < N2; b++) {
    let hr = 0, hi = 0, tr = 0, ti = 0; // (V*V)_ab and (VᵀV)_ab
    for (let k = 0; k < N; k++) {
      const [ar, ai, br, bi] = [V[2 * (k * N2 + a)], V[2 * (k * N2 + a) + 1], V[2 * (k * N2 + b)], V[2 * (k * N2 + b) + 1]];
      hr += ar * br + ai * bi; hi += ar * bi - ai * br;
      tr += ar * br - ai * bi; ti += ar * bi + ai * br;
    }
    worst = Math.max(worst, Math.abs(hr - (a === b ? 1 : 0)), Math.abs(hi), Math.abs(tr), Math.abs(ti));
  }
  assert.ok(worst < 1e-14, `‖V_f*V_f − I‖_max = ${worst}`);
});

hp.run();
