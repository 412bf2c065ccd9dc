// The current backend: one module-level variable, no registry. Ops call getBackend() for
// every kernel; setBackend switches it. The js backend is always there. The gpu backend lives
// in the separate `longconv/gpu` entry (so the core never loads gpu.js); that entry hands its
// factory to registerGpuBackend when it loads. Until then, asking for 'gpu' by name fails with
// a message saying which import is missing.

import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

export type { Backend, MatmulArgs, FftArgs, Storage } from './backend.js';
export { jsBackend } from './js/index.js';

let current: Backend = jsBackend;
let gpuFactory: (() => Backend) | null = null;

/** Called by the longconv/gpu entry as it loads: what setBackend('gpu') builds (the one hook, no registry). */
export function registerGpuBackend(factory: () => Backend): void {
  gpuFactory = factory;
}

/** The backend that runs kernels now (`js` unless setBackend chose another). */
export function getBackend(): Backend {
  return current;
}

/** Run kernels on `b`: a Backend object, 'js' for the built-in one, or 'gpu' once longconv/gpu is imported. */
export function setBackend(b: Backend | 'js' | 'gpu'): void {
  if (b === 'js') {
    current = jsBackend;
  } else if (b === 'gpu') {
    if (gpuFactory === null) throw new Error(`setBackend: the 'gpu' backend is not loaded; import 'longconv/gpu' first`);
    current = gpuFactory();
  } else if (typeof b === 'object' && b !== null && typeof b.name === 'string' && ['matmul', 'fft', 'rfft', 'irfft'].every((k) => typeof (b as unknown as Record<string, unknown>)[k] === 'function')) {
    current = b;
  } else {
    throw new TypeError(`setBackend: expected 'js', 'gpu' or a Backend object with name, matmul, fft, rfft and irfft, got ${String(b)}`);
  }
}
