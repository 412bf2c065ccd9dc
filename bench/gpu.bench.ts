// The gpu backend against js: float32 matmul (n × n, n = 64..1024, and one batch of 16 matrices
// of 128 × 128) and forward FFTs (complex, one row, n = 2^8..2^18, and one batched rfft), in
// whatever mode gpu.js gets on this machine (GPU_MODE=cpu, webasm, … asks for one), and the
// dispatch thresholds that follow from the timings. The batched rows are there because the
// thresholds are applied to batch·m·n·k and batch·n, and the ops mostly make batched calls
// (fftConv: rfft and irfft of batch × channels rows).
//
// The gpu side is the real backend with thresholds 0, so every call runs its gpu.js kernels
// and pays what a user pays: upload, launches (one per FFT stage), readback, the copy into
// `out`. The first call also compiles the kernels; it is the warm-up and is not timed, and the
// second call is the probe that picks the timing method. A threshold is the smallest measured
// work from which the gpu backend is faster at every larger measured work; "never" when js
// wins at the largest. If gpu.js did not run a family's calls (no usable gpu.js, a kernel
// fallback), its timings are js's and no threshold is printed or recorded (null); that rule lives
// in gpu-thresholds.ts, with its test. The "speed-up" column is js ms ÷ gpu ms.
// src/backend/gpu/thresholds.ts holds the measured values with this file's name. Calls slower
// than SLOW_MS are timed as the mean of the probe and a few more plain calls instead of
// tinybench's 20+ (the table says which). Shared 2-core machine: expect ±30 % between runs.

import { createRequire } from 'node:module';
import { fixed, header, measure, record } from './helpers.js';
import { jsBackend } from '../src/backend/js/index.js';
import { createGpuBackend, type GpuJsMode } from '../src/backend/gpu/index.js';
import { type Row, measuredThreshold } from './gpu-thresholds.js';

const SLOW_MS = 100;
/** [batch, n]: batch n×n matrices. */
const matmulSizes: [number, number][] = [[1, 64], [1, 128], [1, 256], [1, 512], [1, 1024], [16, 128]];
/** [kind, batch, n]: batch transforms of length n. */
const fftSizes: ['fft' | 'rfft', number, number][] = [
  ['fft', 1, 2 ** 8], ['fft', 1, 2 ** 10], ['fft', 1, 2 ** 12], ['fft', 1, 2 ** 14], ['fft', 1, 2 ** 16], ['fft', 1, 2 ** 18],
  ['rfft', 8, 2 ** 14],
];

interface Timing {
  ms: number;
  method: string;
}

/** Mean ms per call: tinybench for fast calls, a few plain calls for slow ones. */
async function time(name: string, fn: () => unknown): Promise<Timing> {
  fn(); // warm-up: compiles the gpu.js kernels of this shape, never timed
  const t0 = performance.now();
  fn(); // the probe: one call at its running cost
  const probe = performance.now() - t0;
  if (probe < SLOW_MS) {
    const [m] = await measure({ [name]: fn }, 400);
    return { ms: m.ms, method: `tinybench ${m.samples} ±${fixed(m.rme, 1)}%` };
  }
  const more = Math.max(1, Math.min(3, Math.ceil(1500 / probe) - 1)); // the probe counts as one call
  const start = performance.now();
  for (let i = 0; i < more; i++) fn();
  return { ms: (probe + performance.now() - start) / (more + 1), method: `${more + 1} calls` };
}

function random(length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

async function main(): Promise<void> {
  const requested = process.env.GPU_MODE as GpuJsMode | undefined;
  const gpu = createGpuBackend({ mode: requested, thresholds: { matmul: 0, fft: 0 } });
  const version = (createRequire(import.meta.url)('gpu.js/package.json') as { version: string }).version;
  header(`gpu backend (gpu.js ${gpu.info.mode}) vs js: float32 matmul and FFT`, {
    'gpu.js': version,
    'gpu.js mode': gpu.info.mode,
    ...(gpu.info.fallbackReason === null ? {} : { 'fallback reason': gpu.info.fallbackReason }),
  });
  if (gpu.info.mode === 'none') {
    // Every "gpu" call would run on js: nothing to time, and no threshold can follow.
    console.log(`\nno thresholds: gpu.js did not run (${gpu.info.fallbackReason})`);
    record('gpu', { mode: 'none', version, reason: gpu.info.fallbackReason, thresholds: { matmul: null, fft: null }, rows: [] });
    return;
  }
  console.log('speed-up = js ms ÷ gpu ms: above 1 the gpu backend is faster');
  const rows: Row[] = [];
  const line = (label: string, js: Timing, g: Timing, extra: string): void => {
    console.log(`${label.padEnd(14)}${fixed(js.ms, 3).padStart(11)}${fixed(g.ms, 3).padStart(11)}`
      + `${(fixed(js.ms / g.ms, 2) + 'x').padStart(10)}${extra}   ${js.method} | ${g.method}`);
  };

  console.log(`\n${'matmul'.padEnd(14)}${'js ms'.padStart(11)}${'gpu ms'.padStart(11)}${'speed-up'.padStart(10)}`
    + `${'js GF/s'.padStart(9)}${'gpu GF/s'.padStart(10)}   timing js | gpu`);
  for (const [batch, n] of matmulSizes) {
    const a = random(batch * n * n);
    const b = random(batch * n * n);
    const out = new Float32Array(batch * n * n);
    const args = { a, b, out, batch, m: n, k: n, n };
    const js = await time('js', () => jsBackend.matmul(args));
    const g = await time('gpu', () => gpu.matmul(args));
    const gflop = (2 * batch * n ** 3) / 1e9;
    line(batch === 1 ? `${n}×${n}` : `${batch} × ${n}×${n}`, js, g,
      `${fixed(gflop / (js.ms / 1e3)).padStart(9)}${fixed(gflop / (g.ms / 1e3)).padStart(10)}`);
    rows.push({ kernel: 'matmul', batch, n, work: batch * n ** 3, jsMs: js.ms, gpuMs: g.ms, methods: `${js.method} | ${g.method}` });
  }

  console.log(`\n${'transform'.padEnd(14)}${'js ms'.padStart(11)}${'gpu ms'.padStart(11)}${'speed-up'.padStart(10)}   timing js | gpu`);
  for (const [kind, batch, n] of fftSizes) {
    const input = random(batch * (kind === 'fft' ? 2 * n : n));
    const output = new Float32Array(batch * (kind === 'fft' ? 2 * n : n + 2));
    const args = { input, output, n, batch, inverse: false };
    const js = await time('js', () => jsBackend[kind](args));
    const g = await time('gpu', () => gpu[kind](args));
    line(`${kind} 2^${Math.log2(n)}${batch === 1 ? '' : ` ×${batch}`}`, js, g, '');
    rows.push({ kernel: kind, batch, n, work: batch * n, jsMs: js.ms, gpuMs: g.ms, methods: `${js.method} | ${g.method}` });
  }

  const { runs, kernelClass, kernelFallbacks } = gpu.info;
  const share = (c: 'matmul' | 'fft' | 'rfft'): string => `${c} ${runs[c].gpu}/${runs[c].gpu + runs[c].js}`;
  console.log(`\ngpu calls that ran on gpu.js: ${share('matmul')}, ${share('fft')}, ${share('rfft')}; `
    + `kernel classes: matmul ${kernelClass.matmul}, fft ${kernelClass.fft}`);
  if (kernelFallbacks.matmul || kernelFallbacks.fft) console.log(`kernel fallbacks: ${JSON.stringify(kernelFallbacks)}`);
  const matmulT = measuredThreshold(gpu.info, 'matmul', rows);
  const fftT = measuredThreshold(gpu.info, 'fft', rows);
  console.log(`thresholds for gpu.js mode ${gpu.info.mode}:\n  ${matmulT.shown}\n  ${fftT.shown}`);
  const json = (t: number | null): number | 'never' | null => (t === Infinity ? 'never' : t);
  record('gpu', {
    mode: gpu.info.mode, version, kernelClass, kernelFallbacks,
    thresholds: { matmul: json(matmulT.value), fft: json(fftT.value) }, rows,
  });
}

await main();
