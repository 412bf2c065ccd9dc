// Shared plumbing for the benchmarks: a tinybench run with a time budget, a header naming the
// machine and backend, and a JSON record of every run appended under bench/results/.
// Speed is reported as ratios against a peer measured in the same run; absolute times on a
// shared 2-core machine are noisy and mean little alone.

import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { Bench } from 'tinybench';

export interface Measured {
  name: string;
  /** Mean time per call in milliseconds. */
  ms: number;
  /** Median time per call in milliseconds: steadier than the mean on a shared, noisy machine. */
  median: number;
  /** Relative margin of error of the mean, in percent. */
  rme: number;
  samples: number;
}

/** Run each task for about `timeMs` (after a warm-up) and return the mean time per call. */
export async function measure(tasks: Record<string, () => unknown>, timeMs = 500): Promise<Measured[]> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 2), iterations: 5 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  return bench.tasks.map((t) => {
    const r = t.result as unknown as { error?: unknown; latency?: { mean: number; p50: number; rme: number; samplesCount?: number; samples?: number[] } };
    if (r.error !== undefined) throw r.error;
    if (r.latency === undefined) throw new Error(`benchmark task ${t.name} produced no measurements`);
    const lat = r.latency;
    return { name: t.name, ms: lat.mean, median: lat.p50, rme: lat.rme, samples: lat.samplesCount ?? lat.samples?.length ?? 0 };
  });
}

export function header(title: string, extra: Record<string, string> = {}): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const fields = { node: process.version, cpu, cores: String(cpus().length), ...extra };
  console.log(`${title}\n${Object.entries(fields).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
}

/** Append one JSON line per run to bench/results/<name>.jsonl, to compare runs over time. */
export function record(name: string, rows: unknown): void {
  mkdirSync('bench/results', { recursive: true });
  appendFileSync(`bench/results/${name}.jsonl`, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }) + '\n');
}

export function fixed(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}
