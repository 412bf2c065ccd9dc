// Elementwise overhead: a 1M-element broadcast add through the library against a raw
// typed-array loop doing the same arithmetic, measured in the same run.
// Target: the library within 2× of the raw loop.
//
// The baseline must be the best a careful hand-written loop does, or the ratio flatters the
// library. So each case has a few honest raw variants (index arithmetic, row views with
// subarray, a flat loop with a wrapping column counter), each allocating its output as the
// library does, and the fastest is the baseline. tinybench runs tasks one after another, and
// whichever runs later can pay for the garbage of the ones before; so everything is measured
// twice, in opposite orders, and each task keeps its better round. Times are medians: other
// processes on a shared machine add long outliers that move a mean by 2× from run to run.

import { add, mul, exp, randn, Generator } from '../src/index.js';
import { fixed, header, measure, record } from './helpers.js';

const rows = 1000;
const cols = 1000;
const g = new Generator(1);
const a = randn([rows, cols], { generator: g });
const b = randn([cols], { generator: g });
const c = randn([rows, cols], { generator: g });
const A = a.data as Float32Array;
const B = b.data as Float32Array;
const C = c.data as Float32Array;

// ---- raw variants, one list per case ---------------------------------------------------------

const rawBroadcast: Record<string, () => Float32Array> = {
  'raw broadcast, row offset + j': () => {
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[o + j] = A[o + j] + B[j];
    }
    return out;
  },
  'raw broadcast, subarray rows': () => {
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const x = A.subarray(i * cols, (i + 1) * cols);
      const y = out.subarray(i * cols, (i + 1) * cols);
      for (let j = 0; j < cols; j++) y[j] = x[j] + B[j];
    }
    return out;
  },
  'raw broadcast, flat with column counter': () => {
    const out = new Float32Array(rows * cols);
    const n = out.length;
    for (let i = 0, j = 0; i < n; i++) {
      out[i] = A[i] + B[j];
      if (++j === cols) j = 0;
    }
    return out;
  },
};

const rawSame: Record<string, () => Float32Array> = {
  'raw add, flat': () => {
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < out.length; i++) out[i] = A[i] + C[i];
    return out;
  },
  'raw add, flat, length hoisted': () => {
    const n = rows * cols;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = A[i] + C[i];
    return out;
  },
};

const rawExp: Record<string, () => Float32Array> = {
  'raw exp, flat': () => {
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < out.length; i++) out[i] = Math.exp(A[i]);
    return out;
  },
  'raw exp, flat, length hoisted': () => {
    const n = rows * cols;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.exp(A[i]);
    return out;
  },
};

const ours: Record<string, () => unknown> = {
  'longconv add: [1000,1000] + [1000]': () => add(a, b),
  'longconv add: [1000,1000] + [1000,1000]': () => add(a, c),
  'longconv mul by a number': () => mul(a, 2),
  'longconv exp': () => exp(a),
};

header('elementwise ops, 1M float32 elements', { backend: 'js' });

const tasks: Record<string, () => unknown> = { ...rawBroadcast, ...ours, ...rawSame, ...rawExp };
const forward = await measure(tasks, 400);
const backward = await measure(Object.fromEntries(Object.entries(tasks).reverse()), 400);
const ms: Record<string, number> = {};
for (const r of [...forward, ...backward]) ms[r.name] = Math.min(ms[r.name] ?? Infinity, r.median);

/** The fastest raw variant of a case: its name and time. */
function best(variants: Record<string, unknown>): { name: string; ms: number } {
  return Object.keys(variants).map((name) => ({ name, ms: ms[name] })).reduce((p, q) => (q.ms < p.ms ? q : p));
}

const cases = [
  { case: 'broadcast add [1000,1000]+[1000]', ours: 'longconv add: [1000,1000] + [1000]', raw: best(rawBroadcast) },
  { case: 'same-shape add', ours: 'longconv add: [1000,1000] + [1000,1000]', raw: best(rawSame) },
  { case: 'exp', ours: 'longconv exp', raw: best(rawExp) },
];
const rows_ = cases.map((k) => ({ case: k.case, ours_ms: ms[k.ours], raw_ms: k.raw.ms, raw_variant: k.raw.name, ratio: ms[k.ours] / k.raw.ms }));
console.log('every task, median ms per call (the better of two rounds in opposite orders):');
console.table(Object.keys(tasks).map((name) => ({ task: name, ms: fixed(ms[name], 3) })));
console.table(rows_.map((r) => ({ case: r.case, 'longconv ms': fixed(r.ours_ms, 3), 'best raw ms': fixed(r.raw_ms, 3), 'best raw variant': r.raw_variant, 'longconv / raw': fixed(r.ratio) })));
console.log(`target: broadcast add within 2× of the best raw loop: ${rows_[0].ratio <= 2 ? 'met' : 'NOT met'} (${fixed(rows_[0].ratio)}×)`);
record('elementwise', rows_);
