// nn.S4 against nn.SGConv, layer for layer, as Table 2 of the SGConv paper (Li et al. 2022)
// compares them (it reports SGConv 1.24x to 1.46x faster than S4 on CPU): u [1, L, 128],
// L = 256..16384, inference (forward under noGrad) and forward+backward, float32, js backend.
//
// S4: dState 64, lMax = L (the kernel is generated at lMax every call, as the reference does).
// SGConv: kernelDim 64, lMax = L, postact 'glu', so both layers end in the same Linear + GLU.
// Construction is not timed (S4 computes C̃ = C(I − Ā^L) once, by dense repeated squaring).
// Runs per task shrink with L to keep the whole file near 2-3 minutes on a shared 2-core
// machine: the numbers at the largest lengths are means of one or two runs, marked by `runs`.

import { Bench } from 'tinybench';
import { Generator, noGrad, nn, randn, sum, type Tensor } from '../src/index.js';
import { fixed, header, record } from './helpers.js';

const H = 128;
const lengths = [256, 512, 1024, 2048, 4096, 8192, 16384];
const g = new Generator(5);

/** Timed runs (after `warmup` untimed ones) per length. */
function plan(L: number): { runs: number; warmup: number } {
  if (L <= 1024) return { runs: 4, warmup: 1 };
  if (L <= 4096) return { runs: 2, warmup: 1 };
  return { runs: 1, warmup: 0 }; // the code paths are hot by now
}

/** Mean milliseconds per call of each task over exactly `runs` timed calls. */
async function timeTasks(tasks: Record<string, () => unknown>, runs: number, warmup: number): Promise<Record<string, number>> {
  const bench = new Bench({ time: 0, iterations: runs, warmup: warmup > 0, warmupIterations: warmup, warmupTime: 0 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, number> = {};
  for (const t of bench.tasks) {
    const r = t.result as unknown as { error?: unknown; latency?: { mean: number } };
    if (r.error !== undefined) throw r.error;
    if (r.latency === undefined) throw new Error(`benchmark task ${t.name} produced no measurements`);
    out[t.name] = r.latency.mean;
  }
  return out;
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function forwardBackward(layer: { forward(u: Tensor): Tensor; zeroGrad(): void }, u: Tensor): () => void {
  return () => {
    sum(layer.forward(u)).backward();
    layer.zeroGrad();
    u.grad = null;
  };
}

header(`nn.S4 (dState 64) vs nn.SGConv (kernelDim 64), u [1, L, ${H}], float32`, { backend: 'js' });
const rows: Record<string, number>[] = [];
const started = performance.now();
for (const L of lengths) {
  const t0 = performance.now();
  const s4 = new nn.S4({ dModel: H, dState: 64, lMax: L, generator: g });
  const setupS4 = performance.now() - t0;
  const sgconv = new nn.SGConv({ dModel: H, lMax: L, kernelDim: 64, postact: 'glu', generator: g });
  const u = randn([1, L, H], { generator: g });
  const ug = u.detach().requiresGrad_();
  const { runs, warmup } = plan(L);
  collect();
  const r = await timeTasks({
    's4 inference': () => noGrad(() => s4.forward(u)),
    'sgconv inference': () => noGrad(() => sgconv.forward(u)),
    's4 fwd+bwd': forwardBackward(s4, ug),
    'sgconv fwd+bwd': forwardBackward(sgconv, ug),
  }, runs, warmup);
  rows.push({
    L, runs, s4_setup_ms: setupS4,
    s4_inference_ms: r['s4 inference'], sgconv_inference_ms: r['sgconv inference'],
    s4_fwd_bwd_ms: r['s4 fwd+bwd'], sgconv_fwd_bwd_ms: r['sgconv fwd+bwd'],
  });
  console.log(`  L = ${L} done (${fixed((performance.now() - started) / 1000, 0)} s elapsed)`);
}

console.table(rows.map((x) => ({
  L: x.L,
  runs: x.runs,
  'S4 inf ms': fixed(x.s4_inference_ms, 1),
  'SGConv inf ms': fixed(x.sgconv_inference_ms, 1),
  'inf S4/SGConv': fixed(x.s4_inference_ms / x.sgconv_inference_ms, 2),
  'S4 fwd+bwd ms': fixed(x.s4_fwd_bwd_ms, 1),
  'SGConv fwd+bwd ms': fixed(x.sgconv_fwd_bwd_ms, 1),
  'fwd+bwd S4/SGConv': fixed(x.s4_fwd_bwd_ms / x.sgconv_fwd_bwd_ms, 2),
  'S4 setup ms': fixed(x.s4_setup_ms, 0),
})));
console.log('SGConv paper, Table 2 (CPU): S4/SGConv = 1.24 to 1.46. Here S4 runs its Cauchy kernel in plain JS at every call (no CUDA/KeOps extension).');
record('s4', rows);
