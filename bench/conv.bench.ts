// fftConv, the causal long convolution, at u [1, 128, L] with a full-length kernel [128, L],
// forward and forward+backward, against the direct O(L²) sums measured in the same run: the
// direct forward is one convolution, the direct forward+backward that convolution plus the two
// correlations of its VJP (ū_s = Σ_t g_t k_{t−s}, k̄_j = Σ_t g_t u_{t−j}, SPEC 1.7), with g = 1
// as `sum(y).backward()` seeds it.
// The direct sums take up to seconds per call, so they are timed by hand (one warm-up call, then
// the mean of 3 calls, or 1 once a call takes over half a second) rather than through tinybench,
// whose 16 warm-up iterations would take minutes. They are measured up to L = 4096; beyond that their time is extrapolated
// as L² from the largest measured length (marked "est."), because a measured run would take minutes.
//   node --expose-gc build/bench/conv.bench.js [L ...]   only the given lengths

import { fftConv, randn, sum, Generator, noGrad } from '../src/index.js';
import { fixed, header, measure, record } from './helpers.js';

const H = 128;
const g = new Generator(3);
const requested = process.argv.slice(2).map(Number).filter((L) => Number.isInteger(L) && L > 0);
const lengths = requested.length > 0 ? requested : [256, 512, 1024, 2048, 4096, 8192, 16384];
const directLimit = 4096;

/** y_t = Σ_{j≤t} k_j u_{t−j}, per channel: u, k [H, L] → [H, L]. */
function directConv(u: Float32Array, k: Float32Array, L: number): Float32Array {
  const y = new Float32Array(H * L);
  for (let h = 0; h < H; h++) {
    const o = h * L;
    for (let t = 0; t < L; t++) {
      let s = 0;
      for (let j = 0; j <= t; j++) s += k[o + j] * u[o + t - j];
      y[o + t] = s;
    }
  }
  return y;
}

/** out_s = Σ_{t≥s} g_t x_{t−s}, per channel: g, x [H, L] → [H, L] (both VJPs of directConv have this form). */
function directCorrelate(gy: Float32Array, x: Float32Array, L: number): Float32Array {
  const out = new Float32Array(H * L);
  for (let h = 0; h < H; h++) {
    const o = h * L;
    for (let s = 0; s < L; s++) {
      let acc = 0;
      for (let t = s; t < L; t++) acc += gy[o + t] * x[o + t - s];
      out[o + s] = acc;
    }
  }
  return out;
}

/** Mean milliseconds of 3 calls (1 if the warm-up call took over 500 ms) after one warm-up call. */
function timeDirect(fn: () => unknown): number {
  const warm = performance.now();
  fn();
  const reps = performance.now() - warm > 500 ? 1 : 3;
  const start = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - start) / reps;
}

header(`fftConv vs direct convolution, u [1, ${H}, L], k [${H}, L], float32`, { backend: 'js' });
const rows: Record<string, unknown>[] = [];
let lastDirect = { L: 0, forward: 0, forwardBackward: 0 };
for (const L of lengths) {
  const u = randn([1, H, L], { generator: g });
  const k = randn([H, L], { generator: g });
  const ug = u.detach().requiresGrad_();
  const kg = k.detach().requiresGrad_();
  const budget = L >= 8192 ? 1500 : 600;
  const r = Object.fromEntries((await measure({
    forward: () => noGrad(() => fftConv(u, k)),
    'forward+backward': () => { sum(fftConv(ug, kg)).backward(); ug.grad = null; kg.grad = null; },
  }, budget)).map((m) => [m.name, m.ms]));
  const measured = L <= directLimit;
  let direct: { L: number; forward: number; forwardBackward: number };
  if (measured) {
    const [ud, kd] = [u.data as Float32Array, k.data as Float32Array];
    const ones = new Float32Array(H * L).fill(1);
    direct = {
      L,
      forward: timeDirect(() => directConv(ud, kd, L)),
      forwardBackward: timeDirect(() => [directConv(ud, kd, L), directCorrelate(ones, kd, L), directCorrelate(ones, ud, L)]),
    };
    lastDirect = direct;
  } else {
    const grow = lastDirect.L > 0 ? (L / lastDirect.L) ** 2 : NaN; // NaN: no shorter length measured
    direct = { L, forward: lastDirect.forward * grow, forwardBackward: lastDirect.forwardBackward * grow };
  }
  rows.push({
    L,
    forward_ms: r.forward,
    forward_backward_ms: r['forward+backward'],
    direct_ms: direct.forward,
    direct_forward_backward_ms: direct.forwardBackward,
    direct_measured: measured,
    speedup_vs_direct: direct.forward / r.forward,
    speedup_vs_direct_forward_backward: direct.forwardBackward / r['forward+backward'],
  });
}
const est = (x: Record<string, unknown>): string => (x.direct_measured ? '' : ' (est.)');
console.table(rows.map((x) => ({
  L: x.L,
  'forward ms': fixed(x.forward_ms as number, 2),
  'direct ms': `${fixed(x.direct_ms as number, 1)}${est(x)}`,
  'direct / fftConv': fixed(x.speedup_vs_direct as number, 1),
  'fwd+bwd ms': fixed(x.forward_backward_ms as number, 2),
  'direct fwd+bwd ms': `${fixed(x.direct_forward_backward_ms as number, 1)}${est(x)}`,
  'direct / fftConv fwd+bwd': fixed(x.speedup_vs_direct_forward_backward as number, 1),
})));
const first = rows[0] as { L: number; forward_ms: number };
const last = rows[rows.length - 1] as { L: number; forward_ms: number };
if (last.L > first.L) {
  const growth = last.forward_ms / first.forward_ms;
  const lengthRatio = last.L / first.L;
  console.log(`forward time grew ${fixed(growth, 1)}x for ${lengthRatio}x the length (L log L predicts ${fixed(lengthRatio * Math.log2(last.L) / Math.log2(first.L), 1)}x, L² would be ${lengthRatio ** 2}x)`);
}
record('conv', rows);
