// The kernel interface. Heavy loops (matmul, FFT) run through a Backend over raw typed arrays:
// `js` is the readable pure-TypeScript reference and handles both dtypes; a `gpu` backend
// (longconv/gpu) may run float32 work elsewhere. Kernels know nothing about tensors or autograd.

export type Storage = Float32Array | Float64Array;

/**
 * A batched matrix product, C[p] = op(A[p]) · op(B[p]) for p = 0..batch-1, where op transposes
 * when the flag is set. Every matrix is dense row-major. Stored shapes: A[p] is m×k (k×m when
 * transA), B[p] is k×n (n×k when transB), C[p] is m×n. A batch stride of 0 reuses one matrix
 * for every p (a broadcast operand).
 */
export interface MatmulArgs {
  a: Storage;
  b: Storage;
  out: Storage;
  batch: number;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
  /** Elements between consecutive matrices of A (default m·k; 0 = broadcast). */
  aStride?: number;
  /** Elements between consecutive matrices of B (default k·n; 0 = broadcast). */
  bStride?: number;
}

export interface Backend {
  readonly name: string;
  /** Write the product into `out` (overwriting it). All three arrays share one dtype. */
  matmul(args: MatmulArgs): void;
}
