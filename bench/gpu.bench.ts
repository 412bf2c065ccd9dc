// The gpu backend against js: float32 matmul (n × n, n = 64..1024) and complex forward FFTs
// (one row, n = 2^8..2^18), in whatever mode gpu.js gets on this machine (GPU_MODE=cpu,
// webasm, … asks for one), and the dispatch thresholds that follow from the timings.
//
// The gpu side is the real backend with thresholds 0, so every call runs its gpu.js kernels
// and pays what a user pays: upload, launches (one per FFT stage), readback, the copy into
// `out`. The first call also compiles the kernels; it is the warm-up and is not timed.
// A threshold is the smallest measured size from which the gpu backend is faster at every
// larger measured size; "never" when js wins at the largest. src/backend/gpu/thresholds.ts
// holds the measured values with this file's name. Calls slower than SLOW_MS are timed as the
// mean of a few plain calls instead of tinybench's 20+ (the table says which). Shared 2-core
// machine: expect ±30 % between runs.

import { createRequire } from 'node:module';
import { fixed, header, measure, record } from './helpers.js';
import { jsBackend } from '../src/backend/js/index.js';
import { createGpuBackend, type GpuJsMode } from '../src/backend/gpu/index.js';

const SLOW_MS = 100;
const matmulSizes = [64, 128, 256, 512, 1024];
const fftSizes = [2 ** 8, 2 ** 10, 2 ** 12, 2 ** 14, 2 ** 16, 2 ** 18];

interface Timing {
  ms: number;
  method: string;
}

/** Mean ms per call: tinybench for fast calls, a few plain calls for slow ones. */
async function time(name: string, fn: () => unknown): Promise<Timing> {
  const t0 = performance.now();
  fn(); // warm-up (compiles gpu.js kernels), and a probe of the cost
  const probe = performance.now() - t0;
  if (probe < SLOW_MS) {
    const [m] = await measure({ [name]: fn }, 400);
    return { ms: m.ms, method: `tinybench ${m.samples} ±${fixed(m.rme, 1)}%` };
  }
  const calls = Math.max(2, Math.min(4, Math.ceil(1500 / probe)));
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return { ms: (performance.now() - start) / calls, method: `${calls} calls` };
}

function random(length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

interface Row {
  kernel: 'matmul' | 'fft';
  n: number;
  /** Work as the thresholds count it: m·n·k multiply-adds, or n points. */
  work: number;
  jsMs: number;
  gpuMs: number;
  methods: string;
}

/** Smallest work from which gpu wins at every larger size measured; Infinity if it loses at the top. */
function threshold(rows: Row[]): number {
  let t = Infinity;
  for (const r of [...rows].sort((a, b) => b.work - a.work)) {
    if (r.gpuMs >= r.jsMs) break;
    t = r.work;
  }
  return t;
}

async function main(): Promise<void> {
  const requested = process.env.GPU_MODE as GpuJsMode | undefined;
  const gpu = createGpuBackend({ mode: requested, thresholds: { matmul: 0, fft: 0 } });
  const version = (createRequire(import.meta.url)('gpu.js/package.json') as { version: string }).version;
  header(`gpu backend (gpu.js ${gpu.info.mode}) vs js: float32 matmul and complex FFT`, {
    'gpu.js': version,
    'gpu.js mode': gpu.info.mode,
    ...(gpu.info.fallbackReason === null ? {} : { 'fallback reason': gpu.info.fallbackReason }),
  });
  const rows: Row[] = [];
  const line = (label: string, js: Timing, g: Timing, extra: string): void => {
    console.log(`${label.padEnd(14)}${fixed(js.ms, 3).padStart(11)}${fixed(g.ms, 3).padStart(11)}`
      + `${(fixed(js.ms / g.ms, 2) + 'x').padStart(10)}${extra}   ${js.method} | ${g.method}`);
  };

  console.log(`\n${'matmul n×n'.padEnd(14)}${'js ms'.padStart(11)}${'gpu ms'.padStart(11)}${'gpu/js'.padStart(10)}`
    + `${'js GF/s'.padStart(9)}${'gpu GF/s'.padStart(10)}   timing js | gpu`);
  for (const n of matmulSizes) {
    const a = random(n * n);
    const b = random(n * n);
    const out = new Float32Array(n * n);
    const args = { a, b, out, batch: 1, m: n, k: n, n };
    const js = await time('js', () => jsBackend.matmul(args));
    const g = await time('gpu', () => gpu.matmul(args));
    const gflop = (2 * n ** 3) / 1e9;
    line(String(n), js, g, `${fixed(gflop / (js.ms / 1e3)).padStart(9)}${fixed(gflop / (g.ms / 1e3)).padStart(10)}`);
    rows.push({ kernel: 'matmul', n, work: n ** 3, jsMs: js.ms, gpuMs: g.ms, methods: `${js.method} | ${g.method}` });
  }

  console.log(`\n${'fft n'.padEnd(14)}${'js ms'.padStart(11)}${'gpu ms'.padStart(11)}${'gpu/js'.padStart(10)}   timing js | gpu`);
  for (const n of fftSizes) {
    const input = random(2 * n);
    const output = new Float32Array(2 * n);
    const args = { input, output, n, batch: 1, inverse: false };
    const js = await time('js', () => jsBackend.fft(args));
    const g = await time('gpu', () => gpu.fft(args));
    line(`2^${Math.log2(n)}`, js, g, '');
    rows.push({ kernel: 'fft', n, work: n, jsMs: js.ms, gpuMs: g.ms, methods: `${js.method} | ${g.method}` });
  }

  const { runs, kernelClass, kernelFallbacks } = gpu.info;
  console.log(`\ngpu calls that ran on gpu.js: matmul ${runs.matmul.gpu}/${runs.matmul.gpu + runs.matmul.js}, `
    + `fft ${runs.fft.gpu}/${runs.fft.gpu + runs.fft.js}; kernel classes: matmul ${kernelClass.matmul}, fft ${kernelClass.fft}`);
  if (kernelFallbacks.matmul || kernelFallbacks.fft) console.log(`kernel fallbacks: ${JSON.stringify(kernelFallbacks)}`);
  const show = (t: number, unit: string): string => (t === Infinity ? 'never (js is faster at the largest size)' : `${unit} ≥ ${t}`);
  const matmulT = threshold(rows.filter((r) => r.kernel === 'matmul'));
  const fftT = threshold(rows.filter((r) => r.kernel === 'fft'));
  console.log(`measured thresholds for gpu.js mode ${gpu.info.mode}: matmul ${show(matmulT, 'batch·m·n·k')}; fft ${show(fftT, 'batch·n')}`);
  const json = (t: number): number | 'never' => (t === Infinity ? 'never' : t);
  record('gpu', { mode: gpu.info.mode, version, kernelClass, thresholds: { matmul: json(matmulT), fft: json(fftT) }, rows });
}

await main();
