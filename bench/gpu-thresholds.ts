// How bench/gpu.bench.ts turns its timings into dispatch thresholds, apart from the timing so a
// test can feed it made-up backend states (test/backend/gpu-bench.test.ts). The one rule that
// matters: a threshold is only measured when gpu.js really ran every gpu-side call of its kernel
// family; otherwise the "gpu" timings are js's and no threshold follows from them.

import type { GpuInfo, GpuKernelFamily } from '../src/backend/gpu/index.js';

export interface Row {
  kernel: 'matmul' | 'fft' | 'rfft';
  batch: number;
  n: number;
  /** Work as the thresholds count it: batch·m·n·k multiply-adds, or batch·n points. */
  work: number;
  jsMs: number;
  gpuMs: number;
  methods: string;
}

/** Smallest work from which gpu wins at every larger work measured; Infinity if it loses at the top. */
export function threshold(rows: Row[]): number {
  let t = Infinity;
  for (const r of [...rows].sort((a, b) => b.work - a.work)) {
    if (r.gpuMs >= r.jsMs) break;
    t = r.work;
  }
  return t;
}

const CALLS: Record<GpuKernelFamily, ('matmul' | 'fft' | 'rfft')[]> = { matmul: ['matmul'], fft: ['fft', 'rfft'] };
const UNIT: Record<GpuKernelFamily, string> = { matmul: 'batch·m·n·k', fft: 'batch·n' };

/** Null when gpu.js ran every gpu-side call of the family (so the timings are gpu.js's), else why not. */
export function notRun(info: GpuInfo, family: GpuKernelFamily): string | null {
  const calls = CALLS[family];
  if (info.mode === 'none') return info.fallbackReason ?? 'gpu.js is unusable';
  if (info.kernelFallbacks[family] !== null) return info.kernelFallbacks[family];
  const onJs = calls.reduce((s, c) => s + info.runs[c].js, 0);
  if (onJs > 0) return `${onJs} of its calls ran on js`;
  if (calls.every((c) => info.runs[c].gpu === 0)) return 'no call reached gpu.js';
  return null;
}

export interface Measured {
  /** The threshold, Infinity for never, or null when gpu.js did not run. */
  value: number | null;
  /** The line the benchmark prints. */
  shown: string;
}

/** The threshold of one kernel family from the rows of its calls, and how to print it. */
export function measuredThreshold(info: GpuInfo, family: GpuKernelFamily, rows: Row[]): Measured {
  const reason = notRun(info, family);
  if (reason !== null) return { value: null, shown: `${family}: no thresholds: gpu.js did not run (${reason})` };
  const t = threshold(rows.filter((r) => CALLS[family].includes(r.kernel)));
  return { value: t, shown: `${family}: ${t === Infinity ? 'never (js is faster at the largest size)' : `${UNIT[family]} ≥ ${t}`}` };
}
