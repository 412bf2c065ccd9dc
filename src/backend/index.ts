// The current backend. `js` is the default; `longconv/gpu` registers the gpu.js backend.

import { type Backend } from './backend.js';
import { jsBackend } from './js/index.js';

export { type Backend, type MatmulArgs, type Storage } from './backend.js';
export { jsBackend } from './js/index.js';

let current: Backend = jsBackend;

export function getBackend(): Backend {
  return current;
}

/** Select the backend that ops run their kernels on. */
export function setBackend(backend: Backend | 'js'): void {
  if (backend === 'js') current = jsBackend;
  else if (typeof backend === 'object' && backend !== null && typeof backend.matmul === 'function') current = backend;
  else throw new RangeError(`setBackend: unknown backend ${JSON.stringify(backend)}; use 'js', or import 'longconv/gpu' and pass its backend`);
}
