// Float32 matmul: the js backend's blocked kernel, and the tensor-level `matmul` op that users
// call (shape checks, output allocation, then that kernel), against TensorFlow.js's CPU backend
// and the naive i-k-j loop, side by side in one run, at n = 128, 256, 512, 1024 and a batch of
// 64 × [128 × 128]. Speed is GFLOP/s = 2·batch·m·n·k / time; the ratios are what to read.
// Issue 2's target: the library at least 4× TF.js CPU at n = 512; the last line says whether
// the kernel and the op meet it. Arguments pick cases by label (`node build/bench/matmul.bench.js
// 512`); npm run bench runs them all.
//
// Fast calls go through tinybench (`measure`). A call slower than SLOW_MS (TF.js from about
// n = 256, the naive loop from 512, ours at 1024) would take tinybench's 16 warm-up + 5 timed
// calls, minutes for TF.js at n = 1024, so those are the mean of a few plain calls after one
// warm-up call instead, and the table says which method each number came from. The machine is
// shared: expect ±30 % between runs; ours and its peers are measured back to back per case.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fixed, header, measure, record } from './helpers.js';
import { matmul } from '../src/backend/js/matmul.js';
import { matmul as matmulOp } from '../src/ops/matmul.js';
import { Tensor } from '../src/tensor/tensor.js';
import { matmulNaive } from '../src/backend/js/matmul-naive.js';

const SLOW_MS = 100;
/** The naive loop is skipped above this many multiply-adds (n = 1024 would take ~10 s a call). */
const NAIVE_MAX_WORK = 512 ** 3;

interface Case {
  label: string;
  batch: number;
  n: number;
}

const allCases: Case[] = [
  { label: '128', batch: 1, n: 128 },
  { label: '256', batch: 1, n: 256 },
  { label: '512', batch: 1, n: 512 },
  { label: '1024', batch: 1, n: 1024 },
  { label: '64x[128x128]', batch: 64, n: 128 },
];
const picked = process.argv.slice(2);
const cases = picked.length === 0 ? allCases : allCases.filter((c) => picked.includes(c.label));
if (cases.length === 0) throw new Error(`matmul bench: no case among ${picked.join(', ')}; cases are ${allCases.map((c) => c.label).join(', ')}`);
/** Issue 2: at least this many times TF.js CPU's speed at n = 512. */
const TARGET = 4;

function random(length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

interface Timing {
  ms: number;
  method: string;
}

/** Mean ms per call: tinybench for fast calls, a few plain calls for slow ones. */
async function time(name: string, fn: () => unknown): Promise<Timing> {
  const t0 = performance.now();
  fn(); // warm-up, and a probe of the cost
  const probe = performance.now() - t0;
  if (probe < SLOW_MS) {
    const [m] = await measure({ [name]: fn }, 500);
    return { ms: m.ms, method: `tinybench ${m.samples} ±${fixed(m.rme, 1)}%` };
  }
  const calls = Math.max(2, Math.min(5, Math.ceil(2000 / probe)));
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return { ms: (performance.now() - start) / calls, method: `${calls} calls` };
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  header('matmul float32: js blocked kernel and the tensor op vs TensorFlow.js CPU vs naive i-k-j', {
    tfjs: `${tf.version_core} (${tf.getBackend()})`,
  });
  const rows = [];
  console.log(`\n${'case'.padEnd(14)}${'kernel'.padStart(8)}${'op'.padStart(8)}${'tfjs'.padStart(8)}${'naive'.padStart(8)}`
    + `${'kernel/tfjs'.padStart(13)}${'op/tfjs'.padStart(9)}${'kernel/naive'.padStart(14)}   GFLOP/s; timing method kernel | op | tfjs | naive`);
  for (const c of cases) {
    const { batch, n } = c;
    const a = random(batch * n * n);
    const b = random(batch * n * n);
    const out = new Float32Array(batch * n * n);
    const args = { a, b, out, batch, m: n, k: n, n };
    const shape = batch === 1 ? [n, n] : [batch, n, n];
    const ta = tf.tensor(a, shape, 'float32');
    const tb = tf.tensor(b, shape, 'float32');
    const la = new Tensor(a, shape);
    const lb = new Tensor(b, shape);

    const ours = await time('ours', () => matmul(args));
    const op = await time('op', () => matmulOp(la, lb));
    const tfjs = await time('tfjs', () => tf.tidy(() => tf.matMul(ta, tb).dataSync()));
    const naive = batch * n ** 3 <= NAIVE_MAX_WORK ? await time('naive', () => matmulNaive(args)) : null;
    ta.dispose();
    tb.dispose();

    const gflop = (2 * batch * n ** 3) / 1e9;
    const speed = (t: Timing | null) => (t === null ? NaN : gflop / (t.ms / 1e3));
    const row = {
      case: c.label,
      oursGflops: speed(ours),
      opGflops: speed(op),
      tfjsGflops: speed(tfjs),
      naiveGflops: speed(naive),
      oursOverTfjs: tfjs.ms / ours.ms,
      opOverTfjs: tfjs.ms / op.ms,
      oursOverNaive: naive === null ? NaN : naive.ms / ours.ms,
    };
    rows.push({ ...row, methods: [ours.method, op.method, tfjs.method, naive?.method ?? 'skipped'] });
    console.log(`${c.label.padEnd(14)}${fixed(row.oursGflops).padStart(8)}${fixed(row.opGflops).padStart(8)}${fixed(row.tfjsGflops).padStart(8)}`
      + `${(naive === null ? '-' : fixed(row.naiveGflops)).padStart(8)}${(fixed(row.oursOverTfjs, 1) + 'x').padStart(13)}`
      + `${(fixed(row.opOverTfjs, 1) + 'x').padStart(9)}${(naive === null ? '-' : fixed(row.oursOverNaive, 1) + 'x').padStart(14)}`
      + `   ${ours.method} | ${op.method} | ${tfjs.method} | ${naive?.method ?? 'skipped'}`);
  }
  record('matmul', rows);
  const at512 = rows.find((r) => r.case === '512');
  if (at512 === undefined) {
    console.log(`target (≥ ${TARGET}× TF.js CPU at n = 512): not measured in this run`);
  } else {
    const verdict = (x: number): string => `${fixed(x, 1)}× (${x >= TARGET ? 'met' : 'NOT met'})`;
    console.log(`target (≥ ${TARGET}× TF.js CPU at n = 512): kernel ${verdict(at512.oursOverTfjs)}, tensor op matmul ${verdict(at512.opOverTfjs)}`);
  }
}

await main();
