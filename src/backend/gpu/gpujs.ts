// The small part of gpu.js this backend uses, described structurally, and how it gets loaded.
//
// gpu.js (2.24) is an optional peer dependency of the `longconv/gpu` entry alone. Its own
// typings are not imported anywhere: the interfaces below say exactly what the backend relies
// on, keep gpu.js out of every emitted .d.ts, and let tests inject a fake or broken GPU class.
//
// gpu.js is CommonJS. It is loaded synchronously, when a backend is created (never at import),
// through `require` built from `process.getBuiltinModule('node:module')` (Node ≥ 20.16): a
// synchronous load is what lets `setBackend('gpu')` stay synchronous. Where that does not
// exist (a browser, an older Node) the caller passes the GPU class in (`{ GPU }`).

/** gpu.js's modes as a kernel class reports them (GL kernels all say 'gpu'; the class names differ). */
export type GpuJsMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webgpu' | 'webasm' | 'cpu';

/** What `this` is inside a kernel body: the thread index and the baked-in constants. */
export interface KernelThis<C> {
  thread: { x: number };
  constants: C;
}

/** A gpu.js kernel as `createKernel` returns it: callable, with the kernel instance that ran. */
export interface GpuJsKernel {
  (...args: unknown[]): unknown;
  /** The backend kernel object; gpu.js replaces it with a CPUKernel when it falls back. */
  kernel?: { constructor: { name: string; mode?: string }; fallbackReason?: string | null } | null;
  destroy?(removeCanvasReferences?: boolean): void;
}

/** The settings this backend passes to `createKernel`. */
export interface GpuJsKernelSettings {
  output: [number];
  constants: Record<string, number | Float32Array>;
  pipeline: boolean;
  immutable: boolean;
  precision: 'single';
  tactic: 'precision';
  loopMaxIterations?: number;
}

export interface GpuJsInstance {
  /** The kernel class gpu.js chose (HeadlessGLKernel, WebGL2Kernel, WebAssemblyKernel, …). */
  Kernel?: { name: string; mode?: string } | null;
  mode?: string;
  createKernel(source: (...args: never[]) => number, settings: GpuJsKernelSettings): GpuJsKernel;
  destroy?(): unknown;
}

export type GpuJsConstructor = new (settings?: { mode?: string }) => GpuJsInstance;

/** The class names of gpu.js's kernels, mapped to the mode each one is. */
const modeOfClass: Record<string, GpuJsMode> = {
  HeadlessGLKernel: 'headlessgl',
  WebGL2Kernel: 'webgl2',
  WebGLKernel: 'webgl',
  WebGPUKernel: 'webgpu',
  WebAssemblyKernel: 'webasm',
  CPUKernel: 'cpu',
};

/** The mode a kernel class runs in, or null for a class this backend does not know. */
export function modeOfKernelClass(kernelClass: { name: string; mode?: string } | null | undefined): GpuJsMode | null {
  if (!kernelClass) return null;
  return modeOfClass[kernelClass.name] ?? (kernelClass.mode === 'cpu' || kernelClass.mode === 'webasm' ? kernelClass.mode : null);
}

type Require = (id: string) => unknown;

/** A synchronous `require` for this module's location, or null where the platform has none. */
function nodeRequire(): Require | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeModule = proc?.getBuiltinModule?.('node:module') as { createRequire?: (url: string) => Require } | undefined;
  return nodeModule?.createRequire ? nodeModule.createRequire(import.meta.url) : null;
}

/**
 * gpu.js's GPU class, or the reason it cannot be had. Never throws: a missing optional
 * dependency is an expected state, reported by the backend and answered by the js path.
 */
export function loadGpuJs(): { GPU: GpuJsConstructor } | { reason: string } {
  const req = nodeRequire();
  if (req === null) {
    return { reason: 'gpu.js cannot be loaded synchronously here (no require); import it yourself and pass createGpuBackend({ GPU })' };
  }
  try {
    const GPU = (req('gpu.js') as { GPU?: unknown }).GPU;
    if (typeof GPU !== 'function') return { reason: 'the gpu.js module has no GPU class' };
    return { GPU: GPU as GpuJsConstructor };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { reason: `gpu.js could not be loaded (npm install gpu.js@2.24.1): ${message}` };
  }
}
