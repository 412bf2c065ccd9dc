// Attention block vs SGConv block (after Table 4 of the SGConv paper): the same pre-norm
// residual block, H = 128, batch 1, with multi-head attention (4 heads) or SGConv as its mixer.
// Reported per L: forward time (median of a few calls) and the bytes the forward pass holds
// for the backward pass (typed-array memory alive after a forward with the graph recorded,
// which is the peak a training step reaches before backward starts).
// Target: the SGConv block faster from L = 512 and at least 2× faster at L = 1024.

import { Generator, nn, noGrad, randn, type Tensor } from '../src/index.js';
import { fixed, header, record } from './helpers.js';

const H = 128;
const lengths = [256, 512, 1024, 2048, 3072, 4096];
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {});

function block(kind: 'attention' | 'sgconv', L: number): nn.ResidualBlock {
  const g = new Generator(1);
  const mixer = kind === 'attention'
    ? new nn.MultiheadAttention(H, 4, { generator: g })
    : new nn.SGConv({ dModel: H, lMax: L, kernelDim: 32, postact: 'glu', generator: g });
  return new nn.ResidualBlock(mixer, H, { generator: g });
}

function medianMs(fn: () => unknown, runs: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function heldBytes(b: nn.ResidualBlock, x: Tensor): number {
  gc();
  const before = process.memoryUsage().arrayBuffers;
  const y = b.forward(x); // graph recorded: intermediates stay alive for backward
  const after = process.memoryUsage().arrayBuffers;
  void y;
  return after - before;
}

header(`attention block vs SGConv block, H = ${H}, batch 1, float32`, { backend: 'js' });
const rows: Record<string, number>[] = [];
for (const L of lengths) {
  const x = randn([1, L, H], { generator: new Generator(2) }).requiresGrad_();
  const runs = L >= 2048 ? 3 : 5;
  const row: Record<string, number> = { L };
  for (const kind of ['attention', 'sgconv'] as const) {
    const b = block(kind, L);
    row[`${kind}_ms`] = medianMs(() => noGrad(() => b.forward(x)), runs);
    row[`${kind}_mb`] = heldBytes(b, x) / 2 ** 20;
  }
  row.speedup = row.attention_ms / row.sgconv_ms;
  rows.push(row);
}
console.table(rows.map((r) => ({
  L: r.L, 'attention ms': fixed(r.attention_ms, 1), 'SGConv ms': fixed(r.sgconv_ms, 1), 'SGConv speed-up': `${fixed(r.speedup)}x`,
  'attention MiB held': fixed(r.attention_mb, 1), 'SGConv MiB held': fixed(r.sgconv_mb, 1),
})));
const crossover = rows.find((r) => r.speedup > 1);
console.log(crossover ? `crossover: the SGConv block is faster from L = ${crossover.L}` : 'no crossover in the measured range');
const at1024 = rows.find((r) => r.L === 1024)!;
console.log(`target (SGConv faster from L = 512, ≥ 2× at L = 1024): ${rows.filter((r) => r.L >= 512).every((r) => r.speedup > 1) && at1024.speedup >= 2 ? 'met' : 'NOT met'} (${fixed(at1024.speedup)}× at 1024)`);
record('blocks', rows);
