// Small dense complex matrices as plain Float64Arrays: the slow-truth side of S4.
//
// Layout: row-major, interleaved (re, im), as a complex tensor's storage: entry (i, j) of an
// n × m matrix is (X[2(i·m + j)], X[2(i·m + j) + 1]). No autograd, no tensors; these loops
// build the dense matrices that the fast DPLR and Vandermonde kernels are tested against
// (naive kernels, exact discretisations, C̃ ↔ C conversions). Honest label: O(n³), for n ≤ ~128.

export type CMatrix = Float64Array;

/** The n × n identity. */
export function cEye(n: number): CMatrix {
  const I = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++) I[2 * (i * n + i)] = 1;
  return I;
}

/** X·Y for X [n × k], Y [k × m]. */
export function cMatmul(X: CMatrix, Y: CMatrix, n: number, k: number, m: number): CMatrix {
  const Z = new Float64Array(2 * n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const xr = X[2 * (i * k + p)], xi = X[2 * (i * k + p) + 1];
      if (xr === 0 && xi === 0) continue;
      for (let j = 0; j < m; j++) {
        const yr = Y[2 * (p * m + j)], yi = Y[2 * (p * m + j) + 1];
        Z[2 * (i * m + j)] += xr * yr - xi * yi;
        Z[2 * (i * m + j) + 1] += xr * yi + xi * yr;
      }
    }
  }
  return Z;
}

/** α·X + β·Y (complex scalars given as [re, im]). */
export function cAxpby(alpha: [number, number], X: CMatrix, beta: [number, number], Y: CMatrix): CMatrix {
  const Z = new Float64Array(X.length);
  for (let i = 0; i < X.length; i += 2) {
    Z[i] = alpha[0] * X[i] - alpha[1] * X[i + 1] + beta[0] * Y[i] - beta[1] * Y[i + 1];
    Z[i + 1] = alpha[0] * X[i + 1] + alpha[1] * X[i] + beta[0] * Y[i + 1] + beta[1] * Y[i];
  }
  return Z;
}

/** The transpose (no conjugation) of an n × m matrix. */
export function cTranspose(X: CMatrix, n: number, m: number): CMatrix {
  const Z = new Float64Array(X.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    Z[2 * (j * n + i)] = X[2 * (i * m + j)];
    Z[2 * (j * n + i) + 1] = X[2 * (i * m + j) + 1];
  }
  return Z;
}

/** X^e by repeated squaring (e ≥ 0). */
export function cMatpow(X: CMatrix, n: number, e: number): CMatrix {
  let result = cEye(n);
  let base = X;
  for (let k = e; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = cMatmul(result, base, n, n, n);
    if (k > 1) base = cMatmul(base, base, n, n, n);
  }
  return result;
}

/** Solve M·X = R for X (M n × n, R n × m) by Gaussian elimination with partial pivoting. */
export function cSolve(M: CMatrix, R: CMatrix, n: number, m: number): CMatrix {
  const a = Float64Array.from(M);
  const x = Float64Array.from(R);
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = -1;
    for (let i = col; i < n; i++) {
      const mag = Math.hypot(a[2 * (i * n + col)], a[2 * (i * n + col) + 1]);
      if (mag > best) { best = mag; piv = i; }
    }
    if (best === 0) throw new RangeError(`cSolve: the matrix is singular (column ${col})`);
    if (piv !== col) {
      for (let j = 0; j < 2 * n; j++) { const t = a[2 * col * n + j]; a[2 * col * n + j] = a[2 * piv * n + j]; a[2 * piv * n + j] = t; }
      for (let j = 0; j < 2 * m; j++) { const t = x[2 * col * m + j]; x[2 * col * m + j] = x[2 * piv * m + j]; x[2 * piv * m + j] = t; }
    }
    const pr = a[2 * (col * n + col)], pi = a[2 * (col * n + col) + 1];
    const d = pr * pr + pi * pi;
    for (let i = 0; i < n; i++) {
      if (i === col) continue;
      const ar = a[2 * (i * n + col)], ai = a[2 * (i * n + col) + 1];
      if (ar === 0 && ai === 0) continue;
      const fr = (ar * pr + ai * pi) / d; // f = a_i,col / pivot
      const fi = (ai * pr - ar * pi) / d;
      for (let j = col; j < n; j++) {
        const br = a[2 * (col * n + j)], bi = a[2 * (col * n + j) + 1];
        a[2 * (i * n + j)] -= fr * br - fi * bi;
        a[2 * (i * n + j) + 1] -= fr * bi + fi * br;
      }
      for (let j = 0; j < m; j++) {
        const br = x[2 * (col * m + j)], bi = x[2 * (col * m + j) + 1];
        x[2 * (i * m + j)] -= fr * br - fi * bi;
        x[2 * (i * m + j) + 1] -= fr * bi + fi * br;
      }
    }
  }
  for (let i = 0; i < n; i++) { // divide each row by its pivot
    const pr = a[2 * (i * n + i)], pi = a[2 * (i * n + i) + 1];
    const d = pr * pr + pi * pi;
    for (let j = 0; j < m; j++) {
      const br = x[2 * (i * m + j)], bi = x[2 * (i * m + j) + 1];
      x[2 * (i * m + j)] = (br * pr + bi * pi) / d;
      x[2 * (i * m + j) + 1] = (bi * pr - br * pi) / d;
    }
  }
  return x;
}

/**
 * e^X by scaling and squaring a Taylor series: X/2^s has norm ≤ ½, its series is summed until
 * the terms stop contributing (≤ 30 terms: ½^30/30! is far below ε), then squared s times.
 * Accurate to a few ε·‖X‖ for the small matrices here (PyTorch 1.13's complex matrix_exp is not,
 * fixtures README #12).
 */
export function cExpm(X: CMatrix, n: number): CMatrix {
  let norm = 0; // ∞-norm
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.hypot(X[2 * (i * n + j)], X[2 * (i * n + j) + 1]);
    norm = Math.max(norm, row);
  }
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const Y = cAxpby([2 ** -s, 0], X, [0, 0], X);
  let E = cEye(n);
  let term = cEye(n);
  for (let k = 1; k <= 30; k++) {
    term = cAxpby([1 / k, 0], cMatmul(term, Y, n, n, n), [0, 0], term);
    E = cAxpby([1, 0], E, [1, 0], term);
    let t = 0;
    for (let i = 0; i < term.length; i++) t = Math.max(t, Math.abs(term[i]));
    if (t < 1e-18) break;
  }
  for (let i = 0; i < s; i++) E = cMatmul(E, E, n, n, n);
  return E;
}

/** The dense matrix of diag(λ) − p·qᵀ: λ, p, q complex n-vectors. */
export function cDiagMinusOuter(lambda: CMatrix, p: CMatrix | null, q: CMatrix | null, n: number): CMatrix {
  const A = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++) {
    A[2 * (i * n + i)] = lambda[2 * i];
    A[2 * (i * n + i) + 1] = lambda[2 * i + 1];
    if (p === null || q === null) continue;
    for (let j = 0; j < n; j++) {
      A[2 * (i * n + j)] -= p[2 * i] * q[2 * j] - p[2 * i + 1] * q[2 * j + 1];
      A[2 * (i * n + j) + 1] -= p[2 * i] * q[2 * j + 1] + p[2 * i + 1] * q[2 * j];
    }
  }
  return A;
}

/** pair(x) = [x, conj x]: the N2 stored modes followed by their conjugates (a 2·N2 vector). */
export function cPair(x: ArrayLike<number>, n2: number, offset = 0): CMatrix {
  const out = new Float64Array(4 * n2);
  for (let i = 0; i < n2; i++) {
    out[2 * i] = x[offset + 2 * i];
    out[2 * i + 1] = x[offset + 2 * i + 1];
    out[2 * (n2 + i)] = x[offset + 2 * i];
    out[2 * (n2 + i) + 1] = -x[offset + 2 * i + 1];
  }
  return out;
}

/** A real n × m matrix as a complex one (imaginary parts 0). */
export function cFromReal(X: ArrayLike<number>): CMatrix {
  const Z = new Float64Array(2 * X.length);
  for (let i = 0; i < X.length; i++) Z[2 * i] = X[i];
  return Z;
}
