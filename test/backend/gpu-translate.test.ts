// Every gpu.js kernel of the backend goes through gpu.js's GLSL (WebGL 1 and 2) and WGSL
// translators. This machine has no GL and no GPU, so nothing here runs a shader: the test only
// proves that the kernel sources stay inside the subset those backends translate (no closure,
// no unsupported syntax), and pins two properties of the GLSL that the kernels rely on: index
// maths in float (exact below 2^24, see kernels.ts), and a matmul loop bounded by a constant.
// It drives gpu.js's FunctionBuilder directly with the fields a kernel would hand it
// (gpu.js 2.24.1 internals; the devDependency is pinned to that version).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { createGpuBackend } from '../../src/backend/gpu/index.js';
import type { GpuJsInstance, GpuJsKernelSettings } from '../../src/backend/gpu/gpujs.js';
import { warnings } from './gpu-helpers.js';

const require = createRequire(import.meta.url);
type Translator = new (...args: unknown[]) => unknown;
const { FunctionBuilder } = require('gpu.js/src/backend/function-builder') as {
  FunctionBuilder: { fromKernel(kernel: object, node: Translator, extra: object): { getPrototypeString(name: string): string } };
};
const translators: Record<string, Translator> = {
  webgl: (require('gpu.js/src/backend/web-gl/function-node') as { WebGLFunctionNode: Translator }).WebGLFunctionNode,
  webgl2: (require('gpu.js/src/backend/web-gl2/function-node') as { WebGL2FunctionNode: Translator }).WebGL2FunctionNode,
  webgpu: (require('gpu.js/src/backend/web-gpu/function-node') as { WGSLFunctionNode: Translator }).WGSLFunctionNode,
};
const { utils } = require('gpu.js/src/utils') as { utils: { getArgumentNamesFromString(s: string): string[] } };

/** Every kernel the backend creates for a matmul, an rfft and an irfft, recorded, never run. */
function recordKernels(): Map<string, { source: string; settings: GpuJsKernelSettings }> {
  const seen = new Map<string, { source: string; settings: GpuJsKernelSettings }>();
  class Recorder implements GpuJsInstance {
    Kernel = { name: 'WebAssemblyKernel' };
    createKernel(fn: (...args: never[]) => number, settings: GpuJsKernelSettings) {
      seen.set(fn.name, { source: fn.toString(), settings });
      return () => { throw new Error('recorded only'); };
    }
  }
  warnings(() => {
    const b = createGpuBackend({ GPU: Recorder, thresholds: { matmul: 0, fft: 0 } });
    b.matmul({ a: new Float32Array(12), b: new Float32Array(12), out: new Float32Array(9), batch: 1, m: 3, k: 4, n: 3 });
    b.rfft({ input: new Float32Array(16), output: new Float32Array(18), n: 16, batch: 1 }); // stages, then post
    createGpuBackend({ GPU: Recorder, thresholds: { matmul: 0, fft: 0 } })
      .irfft({ input: new Float32Array(18), output: new Float32Array(16), n: 16, batch: 1 });
  });
  return seen;
}

/** Argument types as gpu.js would detect them: Float32Array → 'Array', number → 'Number'. */
const argumentTypes: Record<string, string[]> = {
  matmulKernel: ['Array', 'Array'],
  stockhamStage: ['Array', 'Number', 'Number', 'Number'],
  rfftPost: ['Array', 'Number'],
  irfftPre: ['Array'],
};

/** The variables of each kernel that hold indices: GL must compute them in float (see kernels.ts). */
const indexVariables: Record<string, string[]> = {
  matmulKernel: ['q', 'r', 'i', 'j', 'ap', 'bp'],
  stockhamStage: ['o', 'row', 'e', 't', 'q', 'p', 'ia', 'ib', 'w'],
  rfftPost: ['o', 'row', 'k', 'ka', 'kb', 'base'],
  irfftPre: ['o', 'row', 'k', 'base'],
};

function translate(source: string, settings: GpuJsKernelSettings, types: string[], node: Translator): string {
  const constants = settings.constants;
  const kernel = {
    source,
    argumentNames: utils.getArgumentNamesFromString(source),
    kernelArguments: types.map((type) => ({ type })),
    argumentSizes: types.map(() => [64, 1]),
    argumentBitRatios: types.map(() => 4),
    kernelConstants: Object.entries(constants).map(([name, v]) => ({ name, type: typeof v === 'number' ? 'Float' : 'Array' })),
    constants,
    constantBitRatios: {},
    output: settings.output,
    precision: 'single',
    optimizeFloatMemory: false,
    loopMaxIterations: settings.loopMaxIterations ?? 1000,
    functions: [],
    nativeFunctions: [],
    subKernels: null,
    leadingReturnStatement: null,
    followingReturnStatement: null,
    dynamicArguments: false,
    dynamicOutput: false,
    debug: false,
  };
  return FunctionBuilder.fromKernel(kernel, node, {}).getPrototypeString('kernel');
}

test('the four kernels translate to GLSL for WebGL 1 and 2 and to WGSL', () => {
  const kernels = recordKernels();
  assert.equal([...kernels.keys()].sort(), ['irfftPre', 'matmulKernel', 'rfftPost', 'stockhamStage']);
  for (const [name, { source, settings }] of kernels) {
    for (const [target, node] of Object.entries(translators)) {
      let code = '';
      try {
        code = translate(source, settings, argumentTypes[name], node);
      } catch (e) {
        assert.unreachable(`${name} → ${target}: ${(e as Error).message}`);
      }
      assert.ok(code.length > 200, `${name} → ${target}: ${code}`);
      if (target === 'webgpu') continue;
      for (const v of indexVariables[name]) assert.match(code, `float user_${v}=`, `${name} → ${target}: ${v} must be float`);
      if (name === 'matmulKernel') assert.match(code, 'for (int user_p=0;(user_p<int(ceil(constants_k)));user_p++)', 'loop bounded by a constant');
    }
  }
});

test.run();
