// Importing longconv loads no gpu.js; the gpu entry loads it, and only when a backend is created.
// Each case runs in a fresh `node` (this process has loaded gpu.js already) and reports every
// loaded module whose path runs through a gpu.js package: the CommonJS cache, which holds gpu.js
// however it was reached (require, or import of a CommonJS module), plus the ESM loader's view
// via a resolve hook that logs every resolved URL. The positive cases prove the probe can see
// gpu.js, so the negative one can fail. Also: package.json tells bundlers that the gpu entry, and
// only it, has side effects (it registers the backend as it loads).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const build = fileURLToPath(new URL('../../src/', import.meta.url));

/** Run `body` (ESM, top-level await allowed) in a child node; return the gpu.js modules it loaded. */
function loadedGpuJs(body: string): string[] {
  const hooks = `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (/[\\\\/]gpu\\.js[\\\\/]/.test(r.url)) console.error('ESM ' + r.url);
      return r;
    }`)}`;
  const script = `
    import { register, createRequire } from 'node:module';
    register(${JSON.stringify(hooks)});
    ${body}
    const cjs = Object.keys(createRequire(import.meta.url).cache).filter((p) => /[\\\\/]gpu\\.js[\\\\/]/.test(p));
    console.log(JSON.stringify(cjs));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: build, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const esm = r.stderr.split('\n').filter((l) => l.startsWith('ESM ')).map((l) => l.slice(4));
  return [...JSON.parse(r.stdout.trim().split('\n').pop()!) as string[], ...esm];
}

test('importing longconv (build/src/index.js) and running ops loads no gpu.js', () => {
  const loaded = loadedGpuJs(`
    const { matmul, fft, tensor, getBackend } = await import('./index.js');
    matmul(tensor([[1, 2]]), tensor([[3], [4]]));
    fft.rfft(tensor([1, 2, 3, 4]));
    if (getBackend().name !== 'js') throw new Error('backend ' + getBackend().name);`);
  assert.equal(loaded, []);
});

test('importing the gpu entry alone does not load gpu.js yet', () => {
  assert.equal(loadedGpuJs(`await import('./gpu.js');`), []);
});

test('creating the gpu backend loads gpu.js (so the probe can see it)', () => {
  const loaded = loadedGpuJs(`
    const { createGpuBackend } = await import('./gpu.js');
    const b = createGpuBackend();
    if (b.info.mode === 'none') throw new Error(b.info.fallbackReason);`);
  assert.ok(loaded.some((p) => /node_modules[\\/]gpu\.js[\\/]src[\\/]index\.js$/.test(p)), loaded.join('\n'));
});

test("setBackend('gpu') after importing the entry loads it too", () => {
  const loaded = loadedGpuJs(`
    await import('./gpu.js');
    const { setBackend, getBackend } = await import('./index.js');
    setBackend('gpu');
    if (getBackend().name !== 'gpu') throw new Error('not installed');`);
  assert.ok(loaded.length > 0);
});

test('package.json: the gpu entry, which registers the backend on load, is the one file with side effects', () => {
  const root = new URL('../../../', import.meta.url); // build/test/backend -> the package root
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    exports: Record<string, { default: string }>; sideEffects: unknown;
  };
  // With "sideEffects": false a bundler may drop a bare `import 'longconv/gpu'`, and with it the
  // registration that setBackend('gpu') needs.
  assert.equal(pkg.sideEffects, [pkg.exports['./gpu'].default]);
  assert.is(pkg.exports['./gpu'].default, './dist/gpu.js'); // tsconfig.json: src/gpu.ts -> dist/gpu.js
  assert.match(readFileSync(new URL('src/gpu.ts', root), 'utf8'), /^registerGpuBackend\(/m);
});

test.run();
