// Float32 matmul: the js backend's blocked kernel against TensorFlow.js's CPU backend and the
// naive i-k-j loop, side by side in one run, at n = 128, 256, 512, 1024 and a batch of
// 64 × [128 × 128]. Speed is GFLOP/s = 2·batch·m·n·k / time; the ratios are what to read.
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
import { matmulNaive } from '../src/backend/js/matmul-naive.js';

const SLOW_MS = 100;
/** The naive loop is skipped above this many multiply-adds (n = 1024 would take ~10 s a call). */
const NAIVE_MAX_WORK = 512 ** 3;

interface Case {
  label: string;
  batch: number;
  n: number;
}

const cases: Case[] = [
  { label: '128', batch: 1, n: 128 },
  { label: '256', batch: 1, n: 256 },
  { label: '512', batch: 1, n: 512 },
  { label: '1024', batch: 1, n: 1024 },
  { label: '64x[128x128]', batch: 64, n: 128 },
];

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
  header('matmul float32: js blocked kernel vs TensorFlow.js CPU vs naive i-k-j', {
    tfjs: `${tf.version_core} (${tf.getBackend()})`,
  });
  const rows = [];
  console.log(`\n${'case'.padEnd(14)}${'ours'.padStart(8)}${'tfjs'.padStart(8)}${'naive'.padStart(8)}`
    + `${'ours/tfjs'.padStart(11)}${'ours/naive'.padStart(12)}   GFLOP/s; timing method ours | tfjs | naive`);
  for (const c of cases) {
    const { batch, n } = c;
    const a = random(batch * n * n);
    const b = random(batch * n * n);
    const out = new Float32Array(batch * n * n);
    const args = { a, b, out, batch, m: n, k: n, n };
    const shape = batch === 1 ? [n, n] : [batch, n, n];
    const ta = tf.tensor(a, shape, 'float32');
    const tb = tf.tensor(b, shape, 'float32');

    const ours = await time('ours', () => matmul(args));
    const tfjs = await time('tfjs', () => tf.tidy(() => tf.matMul(ta, tb).dataSync()));
    const naive = batch * n ** 3 <= NAIVE_MAX_WORK ? await time('naive', () => matmulNaive(args)) : null;
    ta.dispose();
    tb.dispose();

    const gflop = (2 * batch * n ** 3) / 1e9;
    const speed = (t: Timing | null) => (t === null ? NaN : gflop / (t.ms / 1e3));
    const row = {
      case: c.label,
      oursGflops: speed(ours),
      tfjsGflops: speed(tfjs),
      naiveGflops: speed(naive),
      oursOverTfjs: tfjs.ms / ours.ms,
      oursOverNaive: naive === null ? NaN : naive.ms / ours.ms,
    };
    rows.push({ ...row, methods: [ours.method, tfjs.method, naive?.method ?? 'skipped'] });
    console.log(`${c.label.padEnd(14)}${fixed(row.oursGflops).padStart(8)}${fixed(row.tfjsGflops).padStart(8)}`
      + `${(naive === null ? '-' : fixed(row.naiveGflops)).padStart(8)}${(fixed(row.oursOverTfjs, 1) + 'x').padStart(11)}`
      + `${(naive === null ? '-' : fixed(row.oursOverNaive, 1) + 'x').padStart(12)}`
      + `   ${ours.method} | ${tfjs.method} | ${naive?.method ?? 'skipped'}`);
  }
  record('matmul', rows);
}

await main();
