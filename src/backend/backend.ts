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

/**
 * `batch` transforms of length n laid out one after another. Complex data is interleaved
 * (re, im, re, im, …). Every transform is unscaled and then multiplied by `scale`
 * (default 1): forward X_k = scale·Σ_t x_t e^(−2πi·kt/n), inverse with e^(+2πi·kt/n).
 */
export interface FftArgs {
  input: Storage;
  output: Storage;
  n: number;
  batch: number;
  scale?: number;
}

export interface Backend {
  readonly name: string;
  /** Write the product into `out` (overwriting it). All three arrays share one dtype. */
  matmul(args: MatmulArgs): void;
  /** Complex DFTs: batch × n complex values in, batch × n out (input and output may be the same array). */
  fft(args: FftArgs & { inverse: boolean }): void;
  /** Real DFTs: batch × n reals in, batch × (n//2+1) complex bins out. */
  rfft(args: FftArgs): void;
  /** Inverse real DFTs: batch × (n//2+1) bins in (Im of DC and Nyquist ignored), batch × n reals out. */
  irfft(args: FftArgs): void;
}
