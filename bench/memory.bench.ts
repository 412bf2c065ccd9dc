// Memory: 10,000 forward/backward steps of a small MLP, printing the heap after each block of
// steps (after a forced GC). The autograd graph is freed after every backward, so the heap
// must stay flat; the script exits non-zero if it grows by more than 2 MiB after warm-up.
// Run with --expose-gc (npm run bench does).

import { crossEntropy, gelu, matmul, noGrad, randn, randint, Generator, add, type Tensor } from '../src/index.js';
import { header } from './helpers.js';

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
const heap: number[] = [];
let loss = 0;
const t0 = performance.now();
for (let s = 1; s <= steps; s++) {
  loss = step();
  if (s % block === 0) {
    gc();
    heap.push(process.memoryUsage().heapUsed);
    console.log(`step ${String(s).padStart(5)}  loss ${loss.toFixed(4)}  heap ${(heap[heap.length - 1] / 2 ** 20).toFixed(2)} MiB`);
  }
}
const growth = heap[heap.length - 1] - heap[0];
console.log(`${(performance.now() - t0).toFixed(0)} ms total; heap growth from step ${block} to ${steps}: ${(growth / 2 ** 20).toFixed(3)} MiB`);
if (growth > 2 * 2 ** 20) {
  console.error('heap grew by more than 2 MiB: something retains the graph');
  process.exit(1);
}
console.log('heap stayed flat: the graph is released after every backward');
