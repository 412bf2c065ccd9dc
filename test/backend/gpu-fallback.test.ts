// The gpu backend's fallbacks, each simulated the way it happens: gpu.js missing (a child
// process running a copy of the build where no node_modules can be found), a mode gpu.js
// refuses, webgpu (asynchronous only), a kernel that fails to build, one that fails on a later
// run, one that gpu.js quietly degrades to its cpu backend, and a mode nobody has measured.
// Every time: correct numbers (js's), the reason in `info`, one console.warn per reason.
// Also: the entry's registration, so that setBackend('gpu') and useGpu() work once imported, and
// destroy(), which frees the gpu.js instance (checked on a fake one that counts).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { createGpuBackend, type GpuJsConstructor } from '../../src/backend/gpu/index.js';
import type { GpuJsInstance } from '../../src/backend/gpu/gpujs.js';
import { fakeGpu, fftAgrees, filled, matmulAgrees, warnings } from './gpu-helpers.js';

const { GPU } = createRequire(import.meta.url)('gpu.js') as { GPU: GpuJsConstructor };
const zero = { matmul: 0, fft: 0 };

const start = suite('gpu backend: no usable gpu.js');

start('gpu.js not installed: mode none, the reason, one warning, js numbers (child process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longconv-nogpujs-'));
  try {
    cpSync(fileURLToPath(new URL('../../src', import.meta.url)), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(dir, 'probe.mjs'), `
      const warned = [];
      console.warn = (m) => warned.push(String(m));
      const { useGpu, createGpuBackend } = await import('./src/gpu.js');
      const { getBackend } = await import('./src/backend/index.js');
      const b = useGpu({ thresholds: { matmul: 0, fft: 0 } });
      createGpuBackend();
      const c = new Float32Array(4);
      getBackend().matmul({ a: new Float32Array([1, 2, 3, 4]), b: new Float32Array([5, 6, 7, 8]), out: c, batch: 1, m: 2, k: 2, n: 2 });
      console.log(JSON.stringify({ info: b.info, warned, c: Array.from(c) }));`);
    const r = spawnSync(process.execPath, ['probe.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { info: { mode: string; fallbackReason: string; runs: { matmul: { js: number } } }; warned: string[]; c: number[] };
    assert.is(out.info.mode, 'none');
    assert.match(out.info.fallbackReason, /gpu\.js could not be loaded .*Cannot find module 'gpu\.js'/);
    assert.is(out.warned.length, 1, out.warned.join('\n'));
    assert.match(out.warned[0], /^longconv\/gpu: gpu\.js could not be loaded.*every kernel runs on js$/);
    assert.equal(out.c, [19, 22, 43, 50]);
    assert.is(out.info.runs.matmul.js, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

start('a mode gpu.js refuses (webgl2 in Node) and webgpu (async only): js, with the reason', () => {
  const { result: refused, messages } = warnings(() => createGpuBackend({ mode: 'webgl2', thresholds: zero }));
  assert.is(refused.info.mode, 'none');
  assert.match(refused.info.fallbackReason!, /could not start in mode webgl2/);
  assert.equal(messages, [`longconv/gpu: ${refused.info.fallbackReason}; every kernel runs on js`]);
  matmulAgrees(refused, { m: 4, k: 5, n: 6 }, 'refused mode');
  fftAgrees(refused, 'rfft', 64, 2, 'refused mode');
  assert.equal([refused.info.runs.matmul.js, refused.info.runs.rfft.js], [1, 1]);
  const webgpu = warnings(() => createGpuBackend({ mode: 'webgpu' })).result;
  assert.match(webgpu.info.fallbackReason!, /asynchronously .* Backend interface is synchronous/);
  assert.throws(() => createGpuBackend({ mode: 'metal' as never }), TypeError);
  assert.throws(() => createGpuBackend({ launchLimit: 2 ** 23 }), RangeError);
  assert.throws(() => createGpuBackend({ thresholds: { fft: -1 } }), RangeError);
});

start.run();

const kernels = suite('gpu backend: kernels that fail');

kernels('a kernel that fails to build: warned once, its family on js for good, the other still on gpu.js', () => {
  const broken = fakeGpu('WebAssemblyKernel', () => { throw new Error('simulated shader compile error'); });
  const b = createGpuBackend({ GPU: broken, thresholds: zero });
  assert.is(b.info.mode, 'webasm');
  const { messages } = warnings(() => {
    matmulAgrees(b, { m: 5, k: 6, n: 7 }, 'first call, recomputed on js');
    matmulAgrees(b, { m: 8, k: 6, n: 7 }, 'second call, straight to js');
  });
  assert.equal(messages, ['longconv/gpu: the matmul kernel failed: simulated shader compile error; matmul now runs on js']);
  assert.equal(b.info.kernelFallbacks, { matmul: 'the matmul kernel failed: simulated shader compile error', fft: null });
  assert.equal(b.info.runs.matmul, { gpu: 0, js: 2 });
  const again = warnings(() => fftAgrees(b, 'fft', 16, 2, 'the fft family fails on its own'));
  assert.is(again.messages.length, 1);
  assert.match(b.info.kernelFallbacks.fft!, /the fft kernel failed: simulated/);
});

kernels('a kernel that fails on a later run: that call and later ones on js', () => {
  const flaky = fakeGpu('WebAssemblyKernel', (real, call, args) => {
    if (call > 0) throw new Error('simulated lost context');
    return real()(...args);
  }, new GPU({ mode: 'webasm' }));
  const b = createGpuBackend({ GPU: flaky, thresholds: zero });
  const { messages } = warnings(() => {
    for (let i = 0; i < 3; i++) matmulAgrees(b, { m: 6, k: 6, n: 6 }, `call ${i}`);
  });
  assert.equal(b.info.runs.matmul, { gpu: 1, js: 2 });
  assert.equal(messages, ['longconv/gpu: the matmul kernel failed: simulated lost context; matmul now runs on js']);
});

kernels('an in-place FFT whose second launch fails still gets js its untouched input', () => {
  let launches = 0;
  const failsLater = fakeGpu('WebAssemblyKernel', (real, _call, args) => {
    if (++launches > 4) throw new Error('simulated failure in launch 5'); // 4 stages of n = 16
    return real()(...args);
  }, new GPU({ mode: 'webasm' }));
  const b = createGpuBackend({ GPU: failsLater, thresholds: zero, launchLimit: 70 }); // 2 rows per launch
  const x = filled(2 * 16 * 3, 21) as Float32Array;
  const expected = new Float32Array(x.length);
  jsBackend.fft({ input: x, output: expected, n: 16, batch: 3, inverse: false });
  warnings(() => b.fft({ input: x, output: x, n: 16, batch: 3, inverse: false }));
  assert.equal(b.info.runs.fft, { gpu: 0, js: 1 });
  assert.equal(Array.from(x), Array.from(expected));
});

kernels("gpu.js quietly degrading a kernel to its cpu backend is caught: warned, then js", () => {
  const cpu: GpuJsInstance = new GPU({ mode: 'cpu' });
  const degrading = fakeGpu('WebAssemblyKernel', (real, _call, args) => real()(...args), cpu);
  const b = createGpuBackend({ GPU: degrading, thresholds: zero });
  const { messages } = warnings(() => {
    matmulAgrees(b, { m: 3, k: 4, n: 5 }, 'degraded');
    fftAgrees(b, 'irfft', 32, 1, 'degraded');
    fftAgrees(b, 'irfft', 32, 1, 'degraded, now js');
  });
  assert.equal(messages, [
    'longconv/gpu: gpu.js ran the matmul kernel as CPUKernel instead of a webasm kernel; matmul now runs on js',
    'longconv/gpu: gpu.js ran the irfft kernel as CPUKernel instead of a webasm kernel; fft now runs on js',
  ]);
  assert.equal(b.info.runs.irfft, { gpu: 0, js: 2 });
});

kernels('a mode without measured thresholds: everything on js, warned with how to measure', () => {
  const gl = fakeGpu('HeadlessGLKernel', () => { throw new Error('never called'); });
  const { result: b, messages } = warnings(() => createGpuBackend({ GPU: gl }));
  assert.is(b.info.mode, 'headlessgl');
  assert.equal([b.info.thresholds.matmul, b.info.thresholds.fft, b.info.thresholds.source], [Infinity, Infinity, 'not measured for headlessgl']);
  assert.is(messages.length, 1);
  assert.match(messages[0], /no measured dispatch thresholds for gpu\.js mode headlessgl.*npm run bench -- gpu/);
  matmulAgrees(b, { m: 64, k: 64, n: 64 }, 'unmeasured');
  const given = warnings(() => createGpuBackend({ GPU: gl, thresholds: { matmul: 1e6, fft: 1e5 } }));
  assert.equal(given.messages, []);
  assert.is(given.result.info.thresholds.source, 'given');
});

kernels.run();

const entry = suite('longconv/gpu entry');

entry("after importing the entry, setBackend('gpu') and useGpu() install the gpu backend", async () => {
  const { useGpu } = await import('../../src/gpu.js');
  try {
    setBackend('gpu');
    const shared = getBackend() as ReturnType<typeof useGpu>;
    assert.is(shared.name, 'gpu');
    assert.is(shared.info.mode, createGpuBackend().info.mode);
    assert.is(useGpu(), shared);
    const own = useGpu({ thresholds: zero });
    assert.ok(own !== shared && getBackend() === own);
    own.release();
    matmulAgrees(own, { m: 9, k: 9, n: 9 }, 'kernels rebuilt after release');
  } finally {
    setBackend('js');
  }
  assert.is(getBackend(), jsBackend);
});

/** A fake gpu.js (real webasm kernels inside) whose instances count destroy() calls. */
function countingGpu(destroyResult: () => unknown = () => Promise.resolve()): { GPU: GpuJsConstructor; made: { destroyed: number }[] } {
  const made: { destroyed: number }[] = [];
  const Base = fakeGpu('WebAssemblyKernel', (real, _call, args) => real()(...args), new GPU({ mode: 'webasm' }));
  class Counting extends Base {
    destroyed = 0;
    constructor() {
      super();
      made.push(this);
    }
    override destroy(): unknown {
      this.destroyed++;
      return destroyResult();
    }
  }
  return { GPU: Counting, made };
}

entry('destroy() destroys the gpu.js instance once; later calls run on js, with the reason', () => {
  const { GPU: Counting, made } = countingGpu();
  const b = createGpuBackend({ GPU: Counting, thresholds: zero });
  matmulAgrees(b, { m: 5, k: 6, n: 7 }, 'before destroy');
  assert.equal([made.length, made[0].destroyed, b.info.runs.matmul.gpu], [1, 0, 1]);
  b.destroy();
  b.destroy();
  assert.is(made[0].destroyed, 1);
  assert.equal([b.info.mode, b.info.fallbackReason], ['none', 'the backend was destroyed (destroy() was called)']);
  matmulAgrees(b, { m: 5, k: 6, n: 7 }, 'after destroy');
  fftAgrees(b, 'fft', 16, 1, 'after destroy');
  assert.equal([b.info.runs.matmul, b.info.runs.fft], [{ gpu: 1, js: 1 }, { gpu: 0, js: 1 }]);
  warnings(() => createGpuBackend({ mode: 'webgl2' })).result.destroy(); // no gpu.js instance: nothing to do
});

entry('a gpu.js destroy that throws or rejects is warned, not thrown', async () => {
  const throwing = createGpuBackend({ GPU: countingGpu(() => { throw new Error('simulated sync'); }).GPU });
  const rejecting = createGpuBackend({ GPU: countingGpu(() => Promise.reject(new Error('simulated async'))).GPU });
  const { messages } = warnings(() => {
    throwing.destroy();
    rejecting.destroy();
  });
  const later = await new Promise<string[]>((resolve) => {
    const got: string[] = [];
    const original = console.warn;
    console.warn = (m: unknown) => { got.push(String(m)); };
    setTimeout(() => { console.warn = original; resolve(got); }, 0);
  });
  assert.equal(messages, ['longconv/gpu: gpu.js could not be destroyed: simulated sync']);
  assert.equal(later, ['longconv/gpu: gpu.js could not be destroyed: simulated async']);
});

entry('each useGpu(opts) destroys the backend the previous useGpu(opts) made; the shared one is kept', async () => {
  const { useGpu } = await import('../../src/gpu.js');
  const { GPU: Counting, made } = countingGpu();
  try {
    useGpu({ thresholds: zero }); // whatever an earlier useGpu(opts) left is destroyed here
    const first = useGpu({ GPU: Counting, thresholds: zero });
    const second = useGpu({ GPU: Counting, thresholds: zero });
    assert.equal(made.map((g) => g.destroyed), [1, 0]);
    assert.is(first.info.mode, 'none');
    assert.is(getBackend(), second);
    matmulAgrees(second, { m: 4, k: 4, n: 4 }, 'the current one still runs gpu.js');
    assert.is(second.info.runs.matmul.gpu, 1);
    const shared = useGpu();
    assert.equal(made.map((g) => g.destroyed), [1, 1]);
    assert.ok(useGpu() === shared && shared.info.mode !== 'none');
    assert.equal(made.map((g) => g.destroyed), [1, 1]);
  } finally {
    setBackend('js');
  }
});

entry.run();
