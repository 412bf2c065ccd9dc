// S4D: the Vandermonde kernel, its initialisations and its primitives (SPEC 4.8, fixtures).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type S4DParams, clog, s4dInit, s4dKernel } from '../../../src/nn/s4/s4d.js';
import { vandermonde, vandermondeNaive, vandermondeT } from '../../../src/nn/s4/vandermonde.js';
import { kernelNaive } from '../../../src/nn/s4/kernel-naive.js';
import { makeDPLR } from '../../../src/nn/s4/dplr.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { allClose, maxAbsDiff } from '../../helpers/close.js';
import { checkGrad, checkGradGrad, rnd } from '../../helpers/check.js';
import { checkFixtureCase, loadFixture } from '../../helpers/fixtures.js';

const sd = suite('s4d: diagonal kernel');
const f64 = (values: number[], shape: number[]): Tensor => new Tensor(Float64Array.from(values), shape);
const logDts = (dts: number[]): Tensor => f64(dts.map(Math.log), [dts.length]);

sd('fixtures: every s4d_kernel case (ZOH), K, K_naive and gradients w.r.t. Λ, B, C, log_dt', () => {
  const cases = loadFixture('s4').cases.filter((c) => c.op === 's4d_kernel');
  assert.is(cases.length, 9);
  for (const c of cases) {
    const L = c.options.L as number;
    checkFixtureCase(c, (x) => {
      const p: S4DParams = { Lambda: x.Lambda, B: x.B, C: x.C, logDt: x.log_dt };
      return { K: s4dKernel(p, L), K_naive: kernelNaive(p, L, { disc: 'zoh' }) };
    }, { atol: 1e-11, rtol: 1e-10 });
  }
});

sd('SPEC 4.8 values: S4D-Lin N = 4, B = C = 1, Δ = 0.1, L = 6, ZOH and bilinear', () => {
  const one = f64([1, 0, 1, 0], [1, 2, 2]);
  const p: S4DParams = { Lambda: f64([-0.5, 0, -0.5, Math.PI], [1, 2, 2]), B: one, C: one, logDt: logDts([0.1]) };
  allClose(s4dKernel(p, 6), [0.3870112086, 0.3503411878, 0.3009849527, 0.2440201623, 0.1848089238, 0.1284566836], { atol: 1e-10, rtol: 0 }, 'zoh');
  allClose(s4dKernel(p, 6, { disc: 'bilinear' }), [0.3857665979, 0.3498772321, 0.3014449017, 0.2453624960, 0.1868283871, 0.1308268242], { atol: 1e-10, rtol: 0 }, 'bilinear');
  const conjugated = { ...p, Lambda: f64([-0.5, 0, -0.5, -Math.PI], [1, 2, 2]) }; // the sign of Im Λ does not matter
  allClose(s4dKernel(conjugated, 6), s4dKernel(p, 6), { atol: 1e-15, rtol: 0 }, 'Im Λ sign');
  allClose(s4dKernel({ ...p, B: undefined }, 6), s4dKernel(p, 6), { atol: 0, rtol: 0 }, 'B omitted = ones');
});

sd('initialisations: Lin, Inv (N = 64 values), Real, LegS', () => {
  const imag = (t: Tensor): number[] => Array.from({ length: t.shape[0] }, (_, j) => t.data[2 * j + 1]);
  const real = (t: Tensor): number[] => Array.from({ length: t.shape[0] }, (_, j) => t.data[2 * j]);
  const inv = s4dInit(64, 'inv');
  allClose(imag(inv.Lambda).slice(0, 4), [-1283.425461093, -414.2272652205, -240.387626046, -165.8849235426], { atol: 1e-8, rtol: 0 });
  allClose(imag(inv.Lambda)[31], -0.3233624241, { atol: 1e-10, rtol: 0 });
  allClose(real(inv.Lambda), new Array(32).fill(-0.5));
  allClose(imag(s4dInit(8, 'lin').Lambda), [0, -Math.PI, -2 * Math.PI, -3 * Math.PI], { atol: 1e-15, rtol: 0 });
  allClose(s4dInit(6, 'real').Lambda, [-1, 0, -2, 0, -3, 0]);
  allClose(s4dInit(6, 'real').B, [1, 0, 1, 0, 1, 0]);
  const legs = s4dInit(8, 'legs');
  allClose(legs.Lambda, makeDPLR(8).Lambda, { atol: 0, rtol: 0 });
  allClose(legs.B, makeDPLR(8).B, { atol: 0, rtol: 0 });
  assert.throws(() => s4dInit(7), /even integer/);
});

sd('Vandermonde kernel = dense powers (≤ 1e−12): Lin, Inv, Real, LegS × ZOH, bilinear', () => {
  for (const kind of ['lin', 'inv', 'real', 'legs'] as const) {
    const { Lambda, B } = s4dInit(16, kind);
    const C = rnd([3, 8, 2], 41);
    const p: S4DParams = { Lambda, B, C, logDt: logDts([0.001, 0.01, 0.1]) };
    for (const disc of ['zoh', 'bilinear'] as const) {
      const err = maxAbsDiff(s4dKernel(p, 64, { disc }), kernelNaive(p, 64, { disc }));
      assert.ok(err <= 1e-12, `${kind} ${disc}: ${err}`);
    }
  }
});

sd('gradcheck (f64, N = 4, L = 8): s4d kernel w.r.t. Λ, B, C, logDt, ZOH and bilinear', () => {
  const Lambda = rnd([2, 2, 2], 51, { scale: 3 });
  for (let i = 0; i < Lambda.numel; i += 2) Lambda.data[i] = -0.1 - Math.abs(Lambda.data[i]);
  const [B, C] = [rnd([2, 2, 2], 52), rnd([2, 2, 2], 53)];
  const logDt = logDts([0.1, 0.5]).requiresGrad_();
  for (const disc of ['zoh', 'bilinear'] as const) {
    checkGrad((l, b, c, dt) => s4dKernel({ Lambda: l, B: b, C: c, logDt: dt }, 8, { disc }), [Lambda, B, C, logDt], {}, disc);
  }
});

sd('vandermonde, vandermondeT = composed sums; gradcheck and gradgradcheck; clog', () => {
  const c = rnd([2, 3, 2], 61);
  const a = rnd([2, 3, 2], 62);
  for (let i = 0; i < a.numel; i += 2) a.data[i] = -0.05 - 0.3 * Math.abs(a.data[i]);
  for (const power of [0, 1, 2]) allClose(vandermonde(c, a, 70, power), vandermondeNaive(c, a, 70, power), { atol: 1e-12, rtol: 1e-12 }, `power ${power}`);
  checkGradGrad((x, y) => vandermonde(x, y, 9), [c, a], {}, 'vandermonde');
  checkGradGrad((g, y) => vandermondeT(g, y, 1), [rnd([2, 9], 63), a], {}, 'vandermondeT');
  const z = rnd([4, 2], 64, { awayFromZero: 0.3 });
  checkGradGrad(clog, [z], {}, 'clog');
  allClose(clog(f64([-1, 0, 0, 2], [2, 2])), [0, Math.PI, Math.log(2), Math.PI / 2], { atol: 1e-15, rtol: 0 });
});

sd('float32 run, long L: phases in float64 keep S4D-Inv (N = 64, L = 16384) at ≤ 1e−5·max|K|', () => {
  const { Lambda, B } = s4dInit(64, 'inv');
  const p32: S4DParams = { Lambda: Lambda.to('float32'), B: B.to('float32'), C: rnd([1, 32, 2], 71).to('float32'), logDt: logDts([0.001]).to('float32') };
  const p64: S4DParams = { Lambda: Lambda.to('float32').to('float64'), B, C: p32.C.to('float64'), logDt: p32.logDt.to('float64') };
  const L = 16384;
  const K32 = s4dKernel(p32, L);
  assert.is(K32.dtype, 'float32');
  const K64 = s4dKernel(p64, L);
  const scale = Math.max(...Array.from(K64.data, Math.abs));
  assert.ok(maxAbsDiff(K32, K64) <= 1e-5 * scale, `kernel: ${maxAbsDiff(K32, K64)} vs max|K| ${scale}`);

  // The SPEC 4.8 warning, on the tail l ≥ L/2 (phases l·Im w ~ 1e4 rad): a Vandermonde composed
  // in float32 ops (phases rounded to float32) is ~1000× worse than the primitive's float64 phases.
  const w32 = f64(Array.from(Lambda.data, (x) => 0.001 * x), [32, 2]).to('float32'); // ΔΛ
  const c = f64(Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 1 : 0)), [32, 2]); // c = 1
  const tail = (t: Tensor): Float32Array | Float64Array => t.data.slice(L / 2);
  const truth = tail(vandermonde(c, w32.to('float64'), L));
  const tailMax = Math.max(...Array.from(truth, Math.abs));
  const fast = maxAbsDiff(tail(vandermonde(c.to('float32'), w32, L)), truth);
  const composed = maxAbsDiff(tail(vandermondeNaive(c.to('float32'), w32, L)), truth);
  assert.ok(fast <= 1e-6 * tailMax, `primitive, float32: ${fast} vs tail max ${tailMax}`);
  assert.ok(composed > 100 * fast, `composed float32: ${composed}, primitive: ${fast}`);
});

sd.run();
