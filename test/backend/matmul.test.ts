// The js matmul kernels against the slow truth (matmulNaive): the dispatcher, the blocked
// kernel forced at every size, and the direct loop, over shapes chosen to hit every edge of
// the 4×8 tile and the 64 / 256 / 2048 blocks, all four transposes, broadcast batches, empty
// dimensions, and bad arguments.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MatmulArgs, Storage } from '../../src/backend/backend.js';
import { matmul, matmulBlocked, matmulDirect } from '../../src/backend/js/matmul.js';
import { matmulNaive } from '../../src/backend/js/matmul-naive.js';
import { allClose } from '../helpers/close.js';

type Kernel = (args: MatmulArgs) => void;
type ArrayType = Float32ArrayConstructor | Float64ArrayConstructor;

const kernels: Record<string, Kernel> = { matmul, matmulBlocked, matmulDirect };
const dtypes: ArrayType[] = [Float32Array, Float64Array];
const transposes = [[false, false], [true, false], [false, true], [true, true]] as const;

/** Deterministic values in [-1, 1) from a linear congruential generator. */
function filled(T: ArrayType, length: number, seed: number): Storage {
  const x = new T(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

interface Case {
  batch?: number;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
  aStride?: number;
  bStride?: number;
}

/** Run `kernel` and matmulNaive on the same random operands and compare. */
function agree(kernel: Kernel, T: ArrayType, c: Case, label: string): void {
  const batch = c.batch ?? 1;
  const aStride = c.aStride ?? c.m * c.k;
  const bStride = c.bStride ?? c.k * c.n;
  const a = filled(T, (batch - 1) * aStride + c.m * c.k, 1 + c.m);
  const b = filled(T, (batch - 1) * bStride + c.k * c.n, 2 + c.n);
  const expected = new T(batch * c.m * c.n);
  const actual = new T(batch * c.m * c.n).fill(NaN); // NaN proves every element is written
  matmulNaive({ ...c, batch, a, b, out: expected });
  kernel({ ...c, batch, a, b, out: actual });
  // Both sum in doubles, in different orders; float32 output is also rounded per k block.
  const tol = T === Float64Array ? { atol: 1e-14 * c.k, rtol: 1e-12 } : { atol: 1e-6 * c.k, rtol: 1e-5 };
  allClose(actual, expected, tol, label);
}

// m × k × n: 1×1, squares, odd sizes, and sizes just under / at / over MR = 4, NR = 8,
// MC = 64, KC = 256 (k = 257 and 513 split into balanced k blocks), NC = 2048.
const shapes: [number, number, number][] = [
  [1, 1, 1], [2, 3, 4], [7, 13, 5], [3, 1, 9], [4, 8, 8], [5, 9, 7], [16, 16, 16], [6, 6, 6],
  [1, 20, 30], [30, 20, 1], [40, 17, 2], [31, 33, 63], [63, 255, 7], [64, 64, 64], [65, 40, 9],
  [33, 257, 17], [9, 256, 8], [9, 513, 11], [130, 3, 12], [5, 3, 2050],
];

test('every kernel matches matmulNaive on single matrices, all transposes, both dtypes', () => {
  for (const [name, kernel] of Object.entries(kernels)) {
    for (const T of dtypes) {
      for (const [m, k, n] of shapes) {
        for (const [transA, transB] of transposes) {
          agree(kernel, T, { m, k, n, transA, transB }, `${name} ${T.name} ${m}x${k}x${n} tA=${transA} tB=${transB}`);
        }
      }
    }
  }
});

test('batched products with broadcast (stride 0) and padded strides on either side', () => {
  const batched: Case[] = [
    { batch: 3, m: 9, k: 10, n: 11 },
    { batch: 3, m: 9, k: 10, n: 11, bStride: 0 }, // folds into one 27×10 product in matmul
    { batch: 3, m: 9, k: 10, n: 11, aStride: 0 },
    { batch: 3, m: 9, k: 10, n: 11, aStride: 0, bStride: 0 },
    { batch: 4, m: 5, k: 7, n: 6, aStride: 40, bStride: 50 }, // gaps between the matrices
    { batch: 2, m: 70, k: 20, n: 12, bStride: 0 },
    { batch: 5, m: 1, k: 4, n: 1, bStride: 0 },
  ];
  for (const [name, kernel] of Object.entries(kernels)) {
    for (const T of dtypes) {
      for (const c of batched) {
        for (const [transA, transB] of transposes) {
          agree(kernel, T, { ...c, transA, transB }, `${name} ${T.name} ${JSON.stringify(c)} tA=${transA} tB=${transB}`);
        }
      }
    }
  }
});

test('k = 0 writes zeros; m, n or batch = 0 write nothing; out past batch·m·n is untouched', () => {
  for (const [name, kernel] of Object.entries(kernels)) {
    for (const T of dtypes) {
      const out = new T(2 * 3 * 4 + 2).fill(7);
      kernel({ a: new T(0), b: new T(0), out, batch: 2, m: 3, k: 0, n: 4 });
      for (let i = 0; i < 24; i++) assert.is(out[i], 0, `${name} k=0 element ${i}`);
      assert.equal([out[24], out[25]], [7, 7], `${name} k=0 tail`);
      for (const dims of [{ batch: 1, m: 0, k: 3, n: 4 }, { batch: 1, m: 3, k: 3, n: 0 }, { batch: 0, m: 3, k: 3, n: 4 }]) {
        const untouched = new T(5).fill(7);
        kernel({ ...dims, a: new T(9), b: new T(12), out: untouched });
        assert.equal(Array.from(untouched), [7, 7, 7, 7, 7], `${name} ${JSON.stringify(dims)}`);
      }
      const longer = new T(8).fill(7);
      kernel({ a: new T([1, 2]), b: new T([3, 4]), out: longer, batch: 1, m: 1, k: 2, n: 1 });
      assert.equal(Array.from(longer), [11, 7, 7, 7, 7, 7, 7, 7], `${name} longer out`);
    }
  }
});

test('bad arguments throw a RangeError naming matmul, the sizes and the lengths expected', () => {
  const f = (n: number) => new Float64Array(n);
  const bad: [MatmulArgs, RegExp][] = [
    [{ a: f(5), b: f(12), out: f(8), batch: 1, m: 2, k: 3, n: 4 }, /a has length 5, expected at least 6 .*m=2, k=3, n=4/],
    [{ a: f(6), b: f(11), out: f(8), batch: 1, m: 2, k: 3, n: 4 }, /b has length 11, expected at least 12/],
    [{ a: f(6), b: f(12), out: f(7), batch: 1, m: 2, k: 3, n: 4 }, /out has length 7, expected at least batch·m·n = 8/],
    [{ a: f(6), b: f(12), out: f(16), batch: 2, m: 2, k: 3, n: 4, bStride: 0 }, /a has length 6, expected at least 12/],
    [{ a: f(6), b: f(12), out: f(8), batch: 1, m: 2.5, k: 3, n: 4 }, /non-negative integers, got batch=1, m=2.5, k=3, n=4/],
    [{ a: f(6), b: f(12), out: f(8), batch: 1, m: 2, k: -3, n: 4 }, /non-negative integers, got batch=1, m=2, k=-3/],
    [{ a: f(6), b: f(12), out: f(8), batch: 1, m: 2, k: 3, n: NaN }, /n=NaN/],
    [{ a: f(6), b: f(12), out: f(8), batch: 1, m: 2, k: 3, n: 4, aStride: -1 }, /aStride=-1/],
  ];
  for (const kernel of [...Object.values(kernels), matmulNaive]) {
    for (const [args, message] of bad) {
      args.out.fill(7);
      assert.throws(() => kernel(args), (e: unknown) => e instanceof RangeError && /^matmul: /.test(e.message) && message.test(e.message));
      assert.ok(args.out.every((x) => x === 7), 'out must not be written before the check');
    }
  }
});

test('mixed dtypes are a TypeError; an out that shares memory with an input is a RangeError', () => {
  const out32 = new Float32Array(4);
  assert.throws(() => matmul({ a: new Float64Array(4), b: new Float64Array(4), out: out32, batch: 1, m: 2, k: 2, n: 2 }),
    (e: unknown) => e instanceof TypeError && /matmul: .*Float64Array, Float64Array, Float32Array/.test(e.message));
  const buffer = new Float64Array(12);
  assert.throws(() => matmul({ a: buffer.subarray(0, 4), b: buffer.subarray(4, 8), out: buffer.subarray(2, 6), batch: 1, m: 2, k: 2, n: 2 }),
    (e: unknown) => e instanceof RangeError && /matmul: out must not share memory/.test(e.message));
  // Disjoint views of one buffer are fine.
  matmul({ a: buffer.subarray(0, 4), b: buffer.subarray(4, 8), out: buffer.subarray(8, 12), batch: 1, m: 2, k: 2, n: 2 });
});

test.run();
