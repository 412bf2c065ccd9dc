// The sequence layers nn.SGConv and nn.LongConv (SPEC 2.5, 3.3) at H = 128, batch 1, float32,
// L = 256 … 16384 (lMax = L), forward (eval, no graph) and forward+backward, and how their
// time grows with L: a global convolution through the FFT must grow as L log L, not as the L²
// of a direct convolution. Both layers end in Linear(H, 2H) + GLU (SGConv with postact 'glu',
// LongConv's default), so the two differ only in how the kernel is made.
//
// A call at L = 16384 takes seconds, so this file runs tinybench with one warm-up call and a
// few timed ones (helpers.measure's 16 warm-up iterations would take minutes there) and reports
// the median with the fastest and slowest call; the whole run stays under about three minutes.

import { Bench } from 'tinybench';
import { Generator, nn, noGrad, randn, sum, type Tensor } from '../src/index.js';
import { fixed, header, record } from './helpers.js';

const H = 128;
const lengths = [256, 512, 1024, 2048, 4096, 8192, 16384];
const g = new Generator(5);

interface Layer {
  forward(u: Tensor): Tensor;
  train(mode?: boolean): unknown;
  zeroGrad(): void;
}

const layers: Record<string, (L: number) => Layer> = {
  SGConv: (L) => new nn.SGConv({ dModel: H, lMax: L, postact: 'glu', generator: g }),
  LongConv: (L) => new nn.LongConv({ dModel: H, lMax: L, generator: g }),
};

interface Timing {
  /** Median ms per call, and the fastest and slowest call (few samples: a spread, not an error bar). */
  ms: number;
  min: number;
  max: number;
}

/** Per task: one warm-up call, then at least `minCalls` timed calls and `timeMs`. */
async function measureFew(tasks: Record<string, () => unknown>, timeMs: number, minCalls: number): Promise<Record<string, Timing>> {
  const bench = new Bench({ time: timeMs, iterations: minCalls, warmupTime: 0, warmupIterations: 1, retainSamples: true });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, Timing> = {};
  for (const t of bench.tasks) {
    const r = t.result as unknown as { error?: unknown; latency?: { samples?: number[] } };
    if (r.error !== undefined) throw r.error;
    const samples = [...(r.latency?.samples ?? [])].sort((a, b) => a - b);
    if (samples.length === 0) throw new Error(`benchmark task ${t.name} produced no measurements`);
    const mid = samples.length >> 1;
    const ms = samples.length % 2 === 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
    out[t.name] = { ms, min: samples[0], max: samples[samples.length - 1] };
  }
  return out;
}

header(`nn.SGConv and nn.LongConv layers, u [1, L, ${H}], lMax = L, float32, output Linear + GLU`, {
  backend: 'js', sgconv: 'kernelDim 64, channels 1, cat_randn', longconv: 'λ 0.003, channels 1',
});
const rows: { layer: string; L: number; forward: Timing; forward_backward: Timing }[] = [];
for (const L of lengths) {
  const u = randn([1, L, H], { generator: g });
  const ug = u.detach().requiresGrad_();
  const tasks: Record<string, () => unknown> = {};
  for (const [name, make] of Object.entries(layers)) {
    const layer = make(L);
    tasks[`${name} forward`] = () => { layer.train(false); return noGrad(() => layer.forward(u)); };
    tasks[`${name} forward+backward`] = () => {
      layer.train(true);
      sum(layer.forward(ug)).backward();
      layer.zeroGrad();
      ug.grad = null;
    };
  }
  const [budget, calls] = L >= 4096 ? [0, 3] : [600, 5];
  const r = await measureFew(tasks, budget, calls);
  for (const name of Object.keys(layers)) {
    rows.push({ layer: name, L, forward: r[`${name} forward`], forward_backward: r[`${name} forward+backward`] });
  }
}

console.table(rows.map((x) => ({
  layer: x.layer,
  L: x.L,
  'forward ms': fixed(x.forward.ms, 1),
  'forward range': `${fixed(x.forward.min, 0)}-${fixed(x.forward.max, 0)}`,
  'fwd+bwd ms': fixed(x.forward_backward.ms, 1),
  'fwd+bwd range': `${fixed(x.forward_backward.min, 0)}-${fixed(x.forward_backward.max, 0)}`,
  'fwd+bwd / fwd': fixed(x.forward_backward.ms / x.forward.ms, 1),
})));

// Growth against the two models of the cost: over the whole range (where fixed per-call costs
// flatter the small lengths) and over the last doubling (where the O(L log L) work dominates).
const growth = (L0: number, L1: number): void => {
  const ratio = L1 / L0;
  const nLogN = (ratio * Math.log2(L1)) / Math.log2(L0);
  for (const name of Object.keys(layers)) {
    const first = rows.find((x) => x.layer === name && x.L === L0)!;
    const last = rows.find((x) => x.layer === name && x.L === L1)!;
    for (const [what, key] of [['forward', 'forward'], ['forward+backward', 'forward_backward']] as const) {
      console.log(`${name} ${what}, L ${L0} → ${L1}: time grew ${fixed(last[key].ms / first[key].ms, 2)}x for ${ratio}x the length (L log L predicts ${fixed(nLogN, 2)}x, L² would be ${ratio ** 2}x)`);
    }
  }
};
growth(lengths[0], lengths[lengths.length - 1]);
growth(lengths[lengths.length - 2], lengths[lengths.length - 1]);
record('layers', rows);
