// Cyclic Jacobi eigensolver for a real symmetric matrix, float64 (Golub & Van Loan §8.5).
//
// makeDPLR needs the eigenvectors of the Hermitian M = −iS (SPEC 4.3). Instead of a complex
// solver we diagonalise the real symmetric embedding E = [[0, S], [−S, 0]] (2N × 2N): an
// eigenvector [x; y] of E for μ is the complex eigenvector x + iy of M for μ.
//
// One Jacobi rotation J(p, q, θ) zeroes the off-diagonal pair a_pq = a_qp of A ← JᵀAJ:
//   θ = (a_qq − a_pp) / 2a_pq,   t = sign(θ) / (|θ| + √(1 + θ²))   (the smaller root of
//   t² + 2θt − 1 = 0, so the angle is at most π/4),   c = 1/√(1 + t²),   s = t·c.
// Columns p, q of A and V become (c·a_p − s·a_q, s·a_p + c·a_q), then rows p, q likewise;
// in Rutishauser's rounding-friendly form (with τ = s/(1 + c)): a_pp −= t·a_pq, a_qq += t·a_pq,
// g' = g − s(h + τg), h' = h + s(g − τh) for (g, h) = (a_rp, a_rq), r ∉ {p, q}.
// A cyclic sweep visits every pair p < q once. off(A) = ‖A − diag A‖_F never grows and falls
// quadratically once the diagonal has separated, so a handful of sweeps reaches off(A) below
// 1e−15·‖A‖_F; then the diagonal holds the eigenvalues and V's columns the eigenvectors.

export interface Eigh {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Row-major n × n; column j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
  /** Sweeps performed. */
  sweeps: number;
  /** off(A)/‖A‖_F when the iteration stopped. */
  relativeOff: number;
}

export interface JacobiOptions {
  /** Stop once off(A) ≤ tol·‖A‖_F (default 1e−15). */
  tol?: number;
  /** Give up after this many sweeps (default 60). */
  maxSweeps?: number;
}

/** Eigen-decomposition of the real symmetric n × n matrix `M` (row-major; only read). */
export function jacobiEigh(M: ArrayLike<number>, n: number, opts: JacobiOptions = {}): Eigh {
  if (!Number.isInteger(n) || n < 1 || M.length !== n * n) throw new RangeError(`jacobiEigh: need an n × n matrix, got ${M.length} values for n = ${n}`);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    if (Math.abs(M[i * n + j] - M[j * n + i]) > 1e-12 * (Math.abs(M[i * n + j]) + 1)) {
      throw new RangeError(`jacobiEigh: matrix is not symmetric at (${i}, ${j}): ${M[i * n + j]} vs ${M[j * n + i]}`);
    }
  }
  const tol = opts.tol ?? 1e-15;
  const maxSweeps = opts.maxSweeps ?? 60;
  const a = Float64Array.from(M);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  norm = Math.sqrt(norm);

  const offNorm = (): number => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += a[i * n + j] * a[i * n + j];
    return Math.sqrt(s);
  };

  let sweeps = 0;
  let off = offNorm();
  while (off > tol * norm && sweeps < maxSweeps) {
    sweeps++;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        const tau = s / (1 + c);
        a[p * n + p] -= t * apq;
        a[q * n + q] += t * apq;
        for (let r = 0; r < n; r++) {
          if (r !== p && r !== q) { // rows and columns p, q of A (kept symmetric)
            const g = a[r * n + p], h = a[r * n + q];
            const gp = g - s * (h + g * tau);
            const hq = h + s * (g - h * tau);
            a[r * n + p] = gp; a[p * n + r] = gp;
            a[r * n + q] = hq; a[q * n + r] = hq;
          }
          const g = V[r * n + p], h = V[r * n + q]; // columns p, q of V
          V[r * n + p] = g - s * (h + g * tau);
          V[r * n + q] = h + s * (g - h * tau);
        }
        a[p * n + q] = 0; // exactly zero by construction; drop the rounding residue
        a[q * n + p] = 0;
      }
    }
    off = offNorm();
  }
  if (off > tol * norm) throw new Error(`jacobiEigh: no convergence after ${sweeps} sweeps (off(A)/‖A‖ = ${off / norm})`);

  // Sort ascending, carrying the eigenvector columns along.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src];
  });
  return { values, vectors, sweeps, relativeOff: norm === 0 ? 0 : off / norm };
}
