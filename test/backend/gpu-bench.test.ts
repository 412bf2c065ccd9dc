// bench/gpu.bench.ts only states thresholds that gpu.js measured: with no usable gpu.js, after a
// kernel fallback, or when a call ran on js, its "gpu" timings are js's, so it prints "no
// thresholds: gpu.js did not run (reason)" and records null. The rule on made-up backend states,
// then the benchmark itself in a child process with a mode gpu.js refuses in Node.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GpuInfo } from '../../src/backend/gpu/index.js';
import { type Row, measuredThreshold } from '../../bench/gpu-thresholds.js';

const ran = { gpu: 3, js: 0 };
const ok: GpuInfo = {
  mode: 'webasm', fallbackReason: null, kernelFallbacks: { matmul: null, fft: null },
  kernelClass: { matmul: 'WebAssemblyKernel', fft: 'WebAssemblyKernel' },
  thresholds: { matmul: 0, fft: 0, source: 'given' },
  runs: { matmul: ran, fft: ran, rfft: ran, irfft: { gpu: 0, js: 0 } },
};
const row = (kernel: Row['kernel'], work: number, jsMs: number, gpuMs: number): Row => ({ kernel, batch: 1, n: work, work, jsMs, gpuMs, methods: '' });
const rows = [row('matmul', 1e3, 1, 2), row('matmul', 1e6, 3, 2), row('matmul', 1e9, 9, 3), row('fft', 256, 1, 2), row('rfft', 4096, 1, 2)];

test('thresholds when gpu.js ran every call: the smallest work from which it wins, or never', () => {
  assert.equal(measuredThreshold(ok, 'matmul', rows), { value: 1e6, shown: 'matmul: batch·m·n·k ≥ 1000000' });
  assert.equal(measuredThreshold(ok, 'fft', rows), { value: Infinity, shown: 'fft: never (js is faster at the largest size)' });
});

test('no thresholds when gpu.js did not run: mode none, a kernel fallback, calls on js, no calls', () => {
  const cases: [GpuInfo, 'matmul' | 'fft', string][] = [
    [{ ...ok, mode: 'none', fallbackReason: 'gpu.js could not be loaded' }, 'matmul', 'gpu.js could not be loaded'],
    [{ ...ok, kernelFallbacks: { matmul: null, fft: 'the fft kernel failed: boom' } }, 'fft', 'the fft kernel failed: boom'],
    [{ ...ok, runs: { ...ok.runs, rfft: { gpu: 1, js: 2 } } }, 'fft', '2 of its calls ran on js'],
    [{ ...ok, runs: { ...ok.runs, matmul: { gpu: 0, js: 0 } } }, 'matmul', 'no call reached gpu.js'],
  ];
  for (const [info, family, reason] of cases) {
    assert.equal(measuredThreshold(info, family, rows), { value: null, shown: `${family}: no thresholds: gpu.js did not run (${reason})` });
  }
});

test('the benchmark with a mode gpu.js refuses: no table, "no thresholds", null recorded (child process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longconv-gpubench-')); // the record lands under the cwd
  try {
    const bench = fileURLToPath(new URL('../../bench/gpu.bench.js', import.meta.url));
    const r = spawnSync(process.execPath, [bench], { cwd: dir, encoding: 'utf8', env: { ...process.env, GPU_MODE: 'webgl2' } });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /gpu\.js mode: none/);
    assert.match(r.stdout, /no thresholds: gpu\.js did not run \(gpu\.js could not start in mode webgl2/);
    assert.not.match(r.stdout, /speed-up|≥|never/);
    const recorded = JSON.parse(readFileSync(join(dir, 'bench/results/gpu.jsonl'), 'utf8')) as { rows: { thresholds: unknown } };
    assert.equal(recorded.rows.thresholds, { matmul: null, fft: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
