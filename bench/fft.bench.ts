// FFT kernels against fft.js (indutny/fft.js 4.0.4, a radix-4 FFT in plain JS), measured in the
// same run on the same float32 data:
//   complex: fftInterleaved (forward, float32 in/out)  vs  FFT#transform
//   real:    rfftInterleaved (n/2+1 bins, float32)     vs  FFT#realTransform (fills the same bins)
// at n = 2^8 .. 2^20. fft.js is timed twice, on Float32Array and on Float64Array buffers (it
// computes in doubles either way; the element type only changes its loads and stores), and
// our ratio is taken against the faster of the two, so the comparison cannot flatter us.
// Then Bluestein at the prime just below 2^k against a radix-4 FFT of 2^(k+1) (its convolution
// length). Each fft.js instance is built once per size, outside the timed functions, and both
// libraries' outputs are checked against each other before timing. Each time is the best of
// several rounds (see measureBest).

import { createRequire } from 'node:module';
import { fftInterleaved, rfftInterleaved } from '../src/fft/index.js';
import { fixed, header, measure, record, type Measured } from './helpers.js';

interface FftJs {
  transform(out: ArrayLike<number>, data: ArrayLike<number>): void;
  realTransform(out: ArrayLike<number>, data: ArrayLike<number>): void;
}
// fft.js is CommonJS with `export =` typings; createRequire keeps this file plain ESM.
const FFT = createRequire(import.meta.url)('fft.js') as new (size: number) => FftJs;

function randomFloat32(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** max |a_i − b_i| over the first `len` entries, relative to max |b_i|. */
function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>, len: number): number {
  let diff = 0;
  let scale = 1e-30;
  for (let i = 0; i < len; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/**
 * Time budget per task and round, and rounds, by size: short rounds, many of them, where a call
 * is cheap; one long round at 2^19..2^20 (tinybench also runs 16 warm-up calls per task, which
 * dominates there). Keeps the whole run under a minute and a half.
 */
const budgetMs = (p: number): number => (p <= 12 ? 40 : p <= 16 ? 60 : 150);
const roundsFor = (p: number): number => (p <= 12 ? 11 : p <= 16 ? 7 : p <= 18 ? 3 : 1);

/**
 * The fastest mean of each task over `rounds` runs of `measure`. The shared 2-core machine's
 * speed drifts by 2-4x over seconds (other jobs, hypervisor steal time); running every task of
 * a size in each round and keeping each one's best round lets a slow spell hit both libraries
 * alike instead of whichever task happened to run during it.
 */
async function measureBest(tasks: Record<string, () => unknown>, timeMs: number, rounds: number): Promise<Measured[]> {
  let best: Measured[] = await measure(tasks, timeMs);
  for (let round = 1; round < rounds; round++) {
    const again = await measure(tasks, timeMs);
    best = best.map((m, i) => (again[i].ms < m.ms ? again[i] : m));
  }
  return best;
}

interface Row {
  n: number;
  oursComplexMs: number;
  fftjsComplex32Ms: number;
  fftjsComplex64Ms: number;
  complexRatio: number;
  oursRealMs: number;
  fftjsReal32Ms: number;
  fftjsReal64Ms: number;
  realRatio: number;
}

async function main(): Promise<void> {
  header('FFT kernels vs fft.js (float32 data; ratio = ours / fastest fft.js variant, < 1 means faster)', { 'fft.js': '4.0.4' });
  const rows: Row[] = [];
  for (let p = 8; p <= 20; p++) {
    const n = 2 ** p;
    const fj = new FFT(n);
    const x32 = randomFloat32(2 * n, p);
    const x64 = Float64Array.from(x32);
    const real32 = x32.subarray(0, n);
    const real64 = x64.subarray(0, n);
    const ours = new Float32Array(2 * n);
    const oursReal = new Float32Array(n + 2);
    const theirs32 = new Float32Array(2 * n);
    const theirs64 = new Float64Array(2 * n);

    fftInterleaved(x32, ours, n, 1, false);
    fj.transform(theirs64, x64);
    const complexDiff = relativeDiff(ours, theirs64, 2 * n);
    rfftInterleaved(real32, oursReal, n, 1);
    fj.realTransform(theirs64, real64);
    const realDiff = relativeDiff(oursReal, theirs64, n + 2);
    if (complexDiff > 1e-6 || realDiff > 1e-6) throw new Error(`n=${n}: ours and fft.js disagree (${complexDiff}, ${realDiff})`);

    const [oc, jc32, jc64, or, jr32, jr64] = await measureBest({
      'ours complex': () => fftInterleaved(x32, ours, n, 1, false),
      'fft.js complex f32': () => fj.transform(theirs32, x32),
      'fft.js complex f64': () => fj.transform(theirs64, x64),
      'ours real': () => rfftInterleaved(real32, oursReal, n, 1),
      'fft.js real f32': () => fj.realTransform(theirs32, real32),
      'fft.js real f64': () => fj.realTransform(theirs64, real64),
    }, budgetMs(p), roundsFor(p));
    rows.push({
      n,
      oursComplexMs: oc.ms,
      fftjsComplex32Ms: jc32.ms,
      fftjsComplex64Ms: jc64.ms,
      complexRatio: oc.ms / Math.min(jc32.ms, jc64.ms),
      oursRealMs: or.ms,
      fftjsReal32Ms: jr32.ms,
      fftjsReal64Ms: jr64.ms,
      realRatio: or.ms / Math.min(jr32.ms, jr64.ms),
    });
  }

  console.log('\n| n | complex ours ms | fft.js f32 ms | fft.js f64 ms | ratio | real ours ms | fft.js f32 ms | fft.js f64 ms | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const ms = (x: number): string => (x < 0.1 ? fixed(x, 4) : x < 10 ? fixed(x, 3) : fixed(x, 1));
  for (const r of rows) {
    console.log(`| 2^${Math.log2(r.n)} | ${ms(r.oursComplexMs)} | ${ms(r.fftjsComplex32Ms)} | ${ms(r.fftjsComplex64Ms)} | ${fixed(r.complexRatio)} | ${ms(r.oursRealMs)} | ${ms(r.fftjsReal32Ms)} | ${ms(r.fftjsReal64Ms)} | ${fixed(r.realRatio)} |`);
  }

  // Bluestein: the largest prime below 2^k costs about two FFTs of M = 2^(k+1) plus O(n) work.
  const primes: [number, number][] = [[10, 1021], [12, 4093], [14, 16381], [16, 65521]];
  const blue: { prime: number; primeMs: number; pow2: number; pow2Ms: number; ratio: number }[] = [];
  for (const [k, prime] of primes) {
    const xp = randomFloat32(2 * prime, k);
    const yp = new Float32Array(2 * prime);
    const m = 2 ** (k + 1);
    const xm = randomFloat32(2 * m, k);
    const ym = new Float32Array(2 * m);
    const [bp, bm] = await measureBest({
      [`bluestein ${prime}`]: () => fftInterleaved(xp, yp, prime, 1, false),
      [`radix-4 ${m}`]: () => fftInterleaved(xm, ym, m, 1, false),
    }, budgetMs(k + 1), roundsFor(k + 1));
    blue.push({ prime, primeMs: bp.ms, pow2: m, pow2Ms: bm.ms, ratio: bp.ms / bm.ms });
  }
  console.log('\n| prime n (Bluestein) | ms | 2^(k+1) (radix-4) | ms | ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const b of blue) console.log(`| ${b.prime} | ${ms(b.primeMs)} | ${b.pow2} | ${ms(b.pow2Ms)} | ${fixed(b.ratio)} |`);

  record('fft', { pow2: rows, bluestein: blue });
}

await main();
