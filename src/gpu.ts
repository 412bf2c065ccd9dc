// longconv/gpu: the second entry point, the only one that loads gpu.js (an optional peer
// dependency). Importing it makes setBackend('gpu') work; useGpu() does the same in one call.
// gpu.js itself is loaded when a backend is first created, not when this file is imported.
// See docs/gpu.md for what runs where, and why on a GPU-less Node nearly everything stays on js.
//
//   import { setBackend } from 'longconv';
//   import { useGpu } from 'longconv/gpu';
//   const gpu = useGpu();                   // or: setBackend('gpu')
//   console.log(gpu.info.mode, gpu.info.fallbackReason);

import { registerGpuBackend, setBackend } from './backend/index.js';
import { type GpuBackend, type GpuBackendOptions, createGpuBackend } from './backend/gpu/index.js';

export { createGpuBackend } from './backend/gpu/index.js';
export type {
  GpuBackend, GpuBackendOptions, GpuInfo, GpuJsConstructor, GpuJsMode, GpuKernelFamily, GpuThresholds,
} from './backend/gpu/index.js';

let shared: GpuBackend | null = null;
/** The backend the last useGpu(opts) created, destroyed when a later useGpu replaces it. */
let own: GpuBackend | null = null;

/** The backend setBackend('gpu') and useGpu() use: created on first use, with default options. */
function sharedBackend(): GpuBackend {
  shared ??= createGpuBackend();
  return shared;
}

registerGpuBackend(sharedBackend);

/**
 * Run kernels on gpu.js from now on: the shared default backend, or a new one with `opts`.
 * Returns it, so its `info` (mode, fallback reasons, where calls ran) can be read. Each call
 * destroys the backend the previous useGpu(opts) created (each holds a gpu.js instance and its
 * kernels); the shared one is kept. For a backend of your own that lives on, use
 * createGpuBackend and setBackend.
 */
export function useGpu(opts?: GpuBackendOptions): GpuBackend {
  const backend = opts === undefined ? sharedBackend() : createGpuBackend(opts);
  own?.destroy();
  own = opts === undefined ? null : backend;
  setBackend(backend);
  return backend;
}
