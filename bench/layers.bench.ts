// The sequence layers nn.SGConv and nn.LongConv (SPEC 2.5, 3.3) at H = 128, batch 1, float32,
// L = 256 … 16384 (lMax = L), forward (eval, no graph) and forward+backward, and how their
// time grows with L: a global convolution through the FFT must grow as L log L, not as the L²
// of a direct convolution. Both layers end in Linear(H, 2H) + GLU (SGConv with postact 'glu',
// LongConv's default), so the two differ only in how the kernel is made.
//
// The whole layer is not where the L log L shows: a profile at L = 1024 puts most of the
// layer's time in the output Linear(H, 2H) + GLU, an O(L·H²) matmul (2·L·H·2H flops, 67 M at
// L = 1024) that grows exactly linearly in L, against O(H·L log L) for the FFT convolution
// (three real FFTs of size 2L per feature). So the bench also times, per L and without a graph,
// the convolution core alone (the layer's kernel at length L, then fftConv(v, K)) and the output
// Linear + GLU alone (the same shapes in both layers, so timed once); the core's growth is the
// one to compare with L log L. These two parts are cheap, so they get more calls, and their
// growth lines use the fastest call: on a shared machine other processes only ever add time.
//
// A call at L = 16384 takes seconds, so this file runs tinybench with one warm-up call and a
// few timed ones (helpers.measure's 16 warm-up iterations would take minutes there) and reports
// the median with the fastest and slowest call; the whole run stays under about three minutes.
// LAYERS_MAX_L=4096 stops at that length (for a quick run on a shared machine).

import { Bench } from 'tinybench';
import { Generator, fftConv, nn, noGrad, randn, sum, transpose, type Tensor } from '../src/index.js';
import { fixed, header, record } from './helpers.js';

const H = 128;
const maxL = Number(process.env.LAYERS_MAX_L ?? 16384);
const lengths = [256, 512, 1024, 2048, 4096, 8192, 16384].filter((L) => L <= maxL);
if (lengths.length < 2) throw new RangeError(`layers bench: LAYERS_MAX_L must be at least 512, got ${process.env.LAYERS_MAX_L}`);
const g = new Generator(5);

interface Layer {
  forward(u: Tensor): Tensor;
  train(mode?: boolean): unknown;
  zeroGrad(): void;
  /** The convolution kernel at input length L: [C', H, ≤ L]. */
  convKernel(L: number): Tensor;
  /** The output Linear(C·H, 2H) + GLU. */
  head(z: Tensor): Tensor;
}
const HEAD = 'Linear+GLU'; // the output Linear(H, 2H) + GLU, identical in both layers

const layers: Record<string, (L: number) => Layer> = {
  SGConv: (L) => {
    const layer = new nn.SGConv({ dModel: H, lMax: L, postact: 'glu', generator: g });
    return Object.assign(layer, { convKernel: (n: number) => layer.kernel(n).kernel, head: (z: Tensor) => layer.outputLinear.forward(z) });
  },
  LongConv: (L) => {
    const layer = new nn.LongConv({ dModel: H, lMax: L, generator: g });
    return Object.assign(layer, { convKernel: () => layer.kernel.forward(), head: (z: Tensor) => layer.outputLinear!.forward(z) });
  },
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
  backend: 'js', sgconv: 'kernelDim 64, channels 1, cat_randn', longconv: 'λ 0.003, channels 1', lengths: lengths.join(', '),
});
type Row = { layer: string; L: number; forward: Timing; forward_backward: Timing; conv: Timing | null; head: Timing | null };
const rows: Row[] = [];
for (const L of lengths) {
  const u = randn([1, L, H], { generator: g });
  const v = transpose(u, 1, 2); // [1, H, L]
  const ug = u.detach().requiresGrad_();
  const tasks: Record<string, () => unknown> = {};
  const parts: Record<string, () => unknown> = {};
  for (const [name, make] of Object.entries(layers)) {
    const layer = make(L);
    tasks[`${name} forward`] = () => { layer.train(false); return noGrad(() => layer.forward(u)); };
    tasks[`${name} forward+backward`] = () => {
      layer.train(true);
      sum(layer.forward(ug)).backward();
      layer.zeroGrad();
      ug.grad = null;
    };
    // The convolution core alone: kernel at length L, then the FFT convolution.  [1, C, H, L]
    parts[`${name} kernel+fftConv`] = () => { layer.train(false); return noGrad(() => fftConv(v, layer.convKernel(L))); };
    // The output Linear(H, 2H) + GLU alone, on features of the layer's shape.  [1, L, H]
    if (!(HEAD in parts)) parts[HEAD] = () => noGrad(() => layer.head(u));
  }
  const [budget, calls] = L >= 4096 ? [0, 3] : [600, 5];
  const r = { ...(await measureFew(tasks, budget, calls)), ...(await measureFew(parts, 300, 9)) };
  for (const [i, name] of Object.keys(layers).entries()) {
    rows.push({
      layer: name, L, forward: r[`${name} forward`], forward_backward: r[`${name} forward+backward`],
      conv: r[`${name} kernel+fftConv`], head: i === 0 ? r[HEAD] : null,
    });
  }
}
const cell = (t: Timing | null, pick: 'ms' | 'min'): string => (t === null ? '' : fixed(t[pick], 1));

console.table(rows.map((x) => ({
  layer: x.layer,
  L: x.L,
  'forward ms': fixed(x.forward.ms, 1),
  'forward range': `${fixed(x.forward.min, 0)}-${fixed(x.forward.max, 0)}`,
  'fwd+bwd ms': fixed(x.forward_backward.ms, 1),
  'fwd+bwd range': `${fixed(x.forward_backward.min, 0)}-${fixed(x.forward_backward.max, 0)}`,
  'kernel+fftConv ms': cell(x.conv, 'ms'),
  'kernel+fftConv min': cell(x.conv, 'min'),
  'Linear+GLU ms': cell(x.head, 'ms'),
  'Linear+GLU min': cell(x.head, 'min'),
})));

// Growth against the two models of the cost: over the whole range (where fixed per-call costs
// flatter the small lengths) and over the last doubling (where the O(L log L) work dominates).
// The layers by their median call, the two parts by their fastest.
const measured = [['forward', 'forward', 'ms'], ['forward+backward', 'forward_backward', 'ms'], ['kernel+fftConv (fastest call)', 'conv', 'min'], [`${HEAD} (fastest call)`, 'head', 'min']] as const;
const growth = (L0: number, L1: number): void => {
  const ratio = L1 / L0;
  const nLogN = (ratio * Math.log2(L1)) / Math.log2(L0);
  for (const name of Object.keys(layers)) {
    const first = rows.find((x) => x.layer === name && x.L === L0)!;
    const last = rows.find((x) => x.layer === name && x.L === L1)!;
    for (const [what, key, pick] of measured) {
      const [a, b] = [first[key], last[key]];
      if (a === null || b === null) continue;
      console.log(`${name} ${what}, L ${L0} → ${L1}: time grew ${fixed(b[pick] / a[pick], 2)}x for ${ratio}x the length (L log L predicts ${fixed(nLogN, 2)}x, L² would be ${ratio ** 2}x)`);
    }
  }
};
growth(lengths[0], lengths[lengths.length - 1]);
growth(lengths[lengths.length - 2], lengths[lengths.length - 1]);
record('layers', rows);
