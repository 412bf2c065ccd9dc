// fftConv, the causal long convolution, at u [1, 128, L] with a full-length kernel [128, L],
// forward and forward+backward, against the direct O(L²) sum measured in the same run.
// The direct sum is measured up to L = 4096; beyond that its time is extrapolated as L²
// from the largest measured length (marked "est."), because a measured run would take minutes.

import { fftConv, randn, sum, Generator, noGrad } from '../src/index.js';
import { fixed, header, measure, record } from './helpers.js';

const H = 128;
const g = new Generator(3);
const lengths = [256, 512, 1024, 2048, 4096, 8192, 16384];
const directLimit = 4096;

function directConv(u: Float32Array, k: Float32Array, L: number): Float32Array {
  const y = new Float32Array(H * L);
  for (let h = 0; h < H; h++) {
    const uo = h * L;
    for (let t = 0; t < L; t++) {
      let s = 0;
      for (let j = 0; j <= t; j++) s += k[uo + j] * u[uo + t - j];
      y[uo + t] = s;
    }
  }
  return y;
}

header(`fftConv vs direct convolution, u [1, ${H}, L], k [${H}, L], float32`, { backend: 'js' });
const rows: Record<string, unknown>[] = [];
let lastDirect = { L: 0, ms: 0 };
for (const L of lengths) {
  const u = randn([1, H, L], { generator: g });
  const k = randn([H, L], { generator: g });
  const ug = u.detach().requiresGrad_();
  const kg = k.detach().requiresGrad_();
  const budget = L >= 8192 ? 1500 : 600;
  const tasks: Record<string, () => unknown> = {
    forward: () => noGrad(() => fftConv(u, k)),
    'forward+backward': () => { sum(fftConv(ug, kg)).backward(); ug.grad = null; kg.grad = null; },
  };
  if (L <= directLimit) tasks.direct = () => directConv(u.data as Float32Array, k.data as Float32Array, L);
  const r = Object.fromEntries((await measure(tasks, budget)).map((m) => [m.name, m.ms]));
  const direct = r.direct ?? lastDirect.ms * (L / lastDirect.L) ** 2;
  if (r.direct !== undefined) lastDirect = { L, ms: r.direct };
  rows.push({ L, forward_ms: r.forward, forward_backward_ms: r['forward+backward'], direct_ms: direct, direct_measured: r.direct !== undefined, speedup_vs_direct: direct / r.forward });
}
console.table(rows.map((x) => ({
  L: x.L,
  'forward ms': fixed(x.forward_ms as number, 2),
  'fwd+bwd ms': fixed(x.forward_backward_ms as number, 2),
  'direct ms': `${fixed(x.direct_ms as number, 1)}${x.direct_measured ? '' : ' (est.)'}`,
  'direct / fftConv': fixed(x.speedup_vs_direct as number, 1),
})));
const first = rows[0] as { L: number; forward_ms: number };
const last = rows[rows.length - 1] as { L: number; forward_ms: number };
const growth = last.forward_ms / first.forward_ms;
const lengthRatio = last.L / first.L;
console.log(`forward time grew ${fixed(growth, 1)}x for ${lengthRatio}x the length (L log L predicts ${fixed(lengthRatio * Math.log2(last.L) / Math.log2(first.L), 1)}x, L² would be ${lengthRatio ** 2}x)`);
record('conv', rows);
