// The js backend: the pure-TypeScript kernels over typed arrays, both dtypes. It is the
// reference every other backend is tested against, and the fallback for float64 work.

import type { Backend } from '../backend.js';
import { matmul } from './matmul.js';

export const jsBackend: Backend = { name: 'js', matmul };
