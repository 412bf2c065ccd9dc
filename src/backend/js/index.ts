// TEMPORARY placeholder until the blocked kernel lands (being written right now).
import { type Backend, type MatmulArgs } from '../backend.js';

function matmul(args: MatmulArgs): void {
  const { a, b, out, batch, m, k, n } = args;
  const aStride = args.aStride ?? m * k;
  const bStride = args.bStride ?? k * n;
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) {
        const av = args.transA ? a[p * aStride + q * m + i] : a[p * aStride + i * k + q];
        const bv = args.transB ? b[p * bStride + j * k + q] : b[p * bStride + q * n + j];
        s += av * bv;
      }
      out[p * m * n + i * n + j] = s;
    }
  }
}

export const jsBackend: Backend = { name: 'js', matmul };
