// The js backend: the pure-TypeScript kernels over typed arrays, both dtypes. It is the
// reference every other backend is tested against, and the fallback for float64 work.

import type { Backend } from '../backend.js';
import { fftInterleaved, irfftInterleaved, rfftInterleaved } from '../../fft/index.js';
import { matmul } from './matmul.js';

export const jsBackend: Backend = {
  name: 'js',
  matmul,
  fft: ({ input, output, n, batch, inverse, scale }) => fftInterleaved(input, output, n, batch, inverse, scale),
  rfft: ({ input, output, n, batch, scale }) => rfftInterleaved(input, output, n, batch, scale),
  irfft: ({ input, output, n, batch, scale }) => irfftInterleaved(input, output, n, batch, scale),
};
