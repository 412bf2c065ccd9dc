// Elementwise overhead: a 1M-element broadcast add through the library against a raw
// typed-array loop doing the same arithmetic, measured in the same run.
// Target: the library within 2× of the raw loop.

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

function rawBroadcastAdd(): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = A[o + j] + B[j];
  }
  return out;
}

function rawAdd(): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = A[i] + C[i];
  return out;
}

function rawExp(): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(A[i]);
  return out;
}

header('elementwise ops, 1M float32 elements', { backend: 'js' });
const results = await measure({
  'raw loop: [1000,1000] + [1000]': rawBroadcastAdd,
  'longconv add: [1000,1000] + [1000]': () => add(a, b),
  'raw loop: [1000,1000] + [1000,1000]': rawAdd,
  'longconv add: [1000,1000] + [1000,1000]': () => add(a, c),
  'longconv mul by a number': () => mul(a, 2),
  'raw loop: exp': rawExp,
  'longconv exp': () => exp(a),
}, 800);

const ms = Object.fromEntries(results.map((r) => [r.name, r.ms]));
const ratio = (ours: string, raw: string): number => ms[ours] / ms[raw];
const rows_ = [
  { case: 'broadcast add [1000,1000]+[1000]', ours_ms: ms['longconv add: [1000,1000] + [1000]'], raw_ms: ms['raw loop: [1000,1000] + [1000]'], ratio: ratio('longconv add: [1000,1000] + [1000]', 'raw loop: [1000,1000] + [1000]') },
  { case: 'same-shape add', ours_ms: ms['longconv add: [1000,1000] + [1000,1000]'], raw_ms: ms['raw loop: [1000,1000] + [1000,1000]'], ratio: ratio('longconv add: [1000,1000] + [1000,1000]', 'raw loop: [1000,1000] + [1000,1000]') },
  { case: 'exp', ours_ms: ms['longconv exp'], raw_ms: ms['raw loop: exp'], ratio: ratio('longconv exp', 'raw loop: exp') },
];
console.table(rows_.map((r) => ({ case: r.case, 'longconv ms': fixed(r.ours_ms, 3), 'raw loop ms': fixed(r.raw_ms, 3), 'longconv / raw': fixed(r.ratio) })));
console.log(`target: broadcast add within 2× of the raw loop: ${rows_[0].ratio <= 2 ? 'met' : 'NOT met'} (${fixed(rows_[0].ratio)}×)`);
record('elementwise', rows_);
