// Checking and normalising MatmulArgs, shared by the naive and the blocked matmul.
//
// Every kernel reads its operands through two strides per matrix, so the four transpose cases
// become one loop: element (i, p) of op(A)[q] lives at a[q·aStride + i·aRow + p·aCol], and
// element (p, j) of op(B)[q] at b[q·bStride + p·bRow + j·bCol]. A transpose only swaps the
// two strides; nothing is ever materialised.
//
//   A stored m×k (row-major):  aRow = k, aCol = 1      B stored k×n:  bRow = n, bCol = 1
//   A stored k×m (transA):     aRow = 1, aCol = m      B stored n×k:  bRow = 1, bCol = k

import type { MatmulArgs, Storage } from '../backend.js';

/** MatmulArgs with every default filled in and the transposes turned into strides. */
export interface ResolvedMatmul {
  a: Storage;
  b: Storage;
  out: Storage;
  batch: number;
  m: number;
  k: number;
  n: number;
  aStride: number;
  bStride: number;
  aRow: number;
  aCol: number;
  bRow: number;
  bCol: number;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

/** The shortest array that holds `batch` matrices of `size` elements, `stride` apart. */
function needed(batch: number, size: number, stride: number): number {
  return batch === 0 || size === 0 ? 0 : (batch - 1) * stride + size;
}

/** True when two typed arrays are views over overlapping bytes of one buffer. */
function overlaps(x: Storage, y: Storage): boolean {
  if (x.buffer !== y.buffer) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

/**
 * Validate `args` and return the normalised form. Throws before anything is written:
 * RangeError for sizes, strides, short arrays or an `out` that overlaps an input,
 * TypeError for mixed dtypes.
 */
export function resolveMatmulArgs(args: MatmulArgs): ResolvedMatmul {
  const { a, b, out, batch, m, k, n } = args;
  const transA = args.transA === true;
  const transB = args.transB === true;
  if (!isCount(batch) || !isCount(m) || !isCount(k) || !isCount(n)) {
    throw new RangeError(
      `matmul: batch, m, k and n must be non-negative integers, got batch=${batch}, m=${m}, k=${k}, n=${n}`,
    );
  }
  const aStride = args.aStride ?? m * k;
  const bStride = args.bStride ?? k * n;
  if (!isCount(aStride) || !isCount(bStride)) {
    throw new RangeError(
      `matmul: aStride and bStride must be non-negative integers, got aStride=${aStride}, bStride=${bStride}`,
    );
  }
  if (!(a instanceof Float32Array || a instanceof Float64Array) || b?.constructor !== a.constructor
    || out?.constructor !== a.constructor) {
    const kinds = [a, b, out].map((x) => x?.constructor?.name ?? typeof x);
    throw new TypeError(`matmul: a, b and out must be typed arrays of one dtype, got ${kinds.join(', ')}`);
  }
  const sizes = `batch=${batch}, m=${m}, k=${k}, n=${n}, transA=${transA}, transB=${transB}`;
  const aNeed = needed(batch, m * k, aStride);
  const bNeed = needed(batch, k * n, bStride);
  const outNeed = batch * m * n;
  if (a.length < aNeed) {
    throw new RangeError(`matmul: a has length ${a.length}, expected at least ${aNeed} (${sizes}, aStride=${aStride})`);
  }
  if (b.length < bNeed) {
    throw new RangeError(`matmul: b has length ${b.length}, expected at least ${bNeed} (${sizes}, bStride=${bStride})`);
  }
  if (out.length < outNeed) {
    throw new RangeError(`matmul: out has length ${out.length}, expected at least batch·m·n = ${outNeed} (${sizes})`);
  }
  if (outNeed > 0 && (overlaps(out, a) || overlaps(out, b))) {
    throw new RangeError(`matmul: out must not share memory with a or b (${sizes})`);
  }
  return {
    a, b, out, batch, m, k, n, aStride, bStride,
    aRow: transA ? 1 : k,
    aCol: transA ? m : 1,
    bRow: transB ? 1 : n,
    bCol: transB ? k : 1,
  };
}
