// Memory: 10,000 forward/backward steps of a small MLP, printing the memory after each block
// of steps (after a forced GC). The autograd graph is freed after every backward, so memory
// must stay flat; the script exits non-zero if it grows by more than 2 MiB after warm-up.
// Two numbers matter: the JS heap (tensor objects, closures, graph nodes) and `arrayBuffers`,
// the typed arrays' backing stores, which V8 keeps outside the heap (a leak of tensor storage
// would not show in heapUsed at all). `external` (which includes arrayBuffers) is printed too.
// Run with --expose-gc (npm run bench does).

import { crossEntropy, gelu, matmul, noGrad, randn, randint, Generator, add, type Tensor } from '../src/index.js';
import { header, record } from './helpers.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('memory benchmark needs node --expose-gc');
  process.exit(1);
}

const g = new Generator(0);
const [batch, inputs, hidden, classes] = [32, 16, 64, 10];
const params: Tensor[] = [
  randn([inputs, hidden], { generator: g }).mul(0.25),
  randn([hidden], { generator: g }).mul(0.1),
  randn([hidden, classes], { generator: g }).mul(0.125),
  randn([classes], { generator: g }).mul(0.1),
].map((p) => p.detach().requiresGrad_());
const x = randn([batch, inputs], { generator: g });
const y = randint(0, classes, [batch], { generator: g });

function step(): number {
  const [w1, b1, w2, b2] = params;
  const logits = add(matmul(gelu(add(matmul(x, w1), b1)), w2), b2);
  const loss = crossEntropy(logits, y);
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      const d = p.data;
      const gd = p.grad!.data;
      for (let i = 0; i < d.length; i++) d[i] -= 0.05 * gd[i];
      p.grad = null;
    }
  });
  return loss.item();
}

header('memory: 10,000 MLP training steps (batch 32, 16 → 64 → 10)');
const steps = 10000;
const block = 1000;
const MiB = 2 ** 20;
const LIMIT = 2 * MiB;
const samples: { heap: number; arrayBuffers: number; external: number }[] = [];
let loss = 0;
const t0 = performance.now();
for (let s = 1; s <= steps; s++) {
  loss = step();
  if (s % block === 0) {
    gc();
    const m = process.memoryUsage();
    samples.push({ heap: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external });
    console.log(`step ${String(s).padStart(5)}  loss ${loss.toFixed(4)}  heap ${(m.heapUsed / MiB).toFixed(2)} MiB`
      + `  arrayBuffers ${(m.arrayBuffers / MiB).toFixed(2)} MiB  external ${(m.external / MiB).toFixed(2)} MiB`);
  }
}
// Growth = floor of the last three samples − floor of the first three. Typed-array backing stores
// are released a little after the GC that finds them dead, so a single sample can carry a
// transient ~2 MiB of arrayBuffers; a leak raises the floor, a transient does not.
const window = 3;
const floor = (key: 'heap' | 'arrayBuffers' | 'external', from: number): number => Math.min(...samples.slice(from, from + window).map((m) => m[key]));
const growthOf = (key: 'heap' | 'arrayBuffers' | 'external'): number => floor(key, samples.length - window) - floor(key, 0);
const growth = { heap: growthOf('heap'), arrayBuffers: growthOf('arrayBuffers'), external: growthOf('external') };
console.log(`${(performance.now() - t0).toFixed(0)} ms total; growth of the floor (min of ${window} samples) from steps `
  + `${block}-${window * block} to ${steps - (window - 1) * block}-${steps}: `
  + Object.entries(growth).map(([k, v]) => `${k} ${(v / MiB).toFixed(3)} MiB`).join(', '));
record('memory', { steps, block, growth, samples });
const grown = Object.entries(growth).filter(([, v]) => v > LIMIT).map(([k]) => k);
if (grown.length > 0) {
  console.error(`${grown.join(' and ')} grew by more than 2 MiB: something retains the graph or tensor storage`);
  process.exit(1);
}
console.log('heap, arrayBuffers and external stayed flat: the graph and its tensors are released after every backward');
