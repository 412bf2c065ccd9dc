// Discretising a dense continuous SSM x' = Ax + Bu with step Δ (SPEC 4.1), float64.
//
//   bilinear:  Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A),   B̄ = (I − Δ/2·A)⁻¹·ΔB
//   ZOH:       Ā = e^{ΔA},                     B̄ = ∫₀^Δ e^{sA} ds·B = A⁻¹(e^{ΔA} − I)B
// ZOH's B̄ comes from one exponential of the augmented matrix (Van Loan's trick), which needs
// no inverse of A:   exp([[ΔA, ΔB], [0, 0]]) = [[e^{ΔA}, B̄], [0, 1]].
//
// These are the exact, slow discretisations (dense solves and exponentials, no gradient) that
// the structured kernels are tested against; the fast paths discretise inside the graph
// (kernel-dplr.ts through Woodbury, s4d.ts elementwise).

import { ShapeError, fmt } from '../../tensor/errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { type CMatrix, cAxpby, cEye, cExpm, cFromReal, cSolve } from './dense.js';

/** Bilinear (Tustin) discretisation of the n-state system (A n × n, B n × 1), complex arrays. */
export function bilinear(A: CMatrix, B: CMatrix, dt: number, n: number): { Ab: CMatrix; Bb: CMatrix } {
  const I = cEye(n);
  const left = cAxpby([1, 0], I, [-dt / 2, 0], A); // I − Δ/2·A
  const right = cAxpby([1, 0], I, [dt / 2, 0], A); // I + Δ/2·A
  return { Ab: cSolve(left, right, n, n), Bb: cSolve(left, cAxpby([dt, 0], B, [0, 0], B), n, 1) };
}

/** Zero-order-hold discretisation, through the exponential of the (n+1) × (n+1) augmented matrix. */
export function zoh(A: CMatrix, B: CMatrix, dt: number, n: number): { Ab: CMatrix; Bb: CMatrix } {
  const m = n + 1;
  const aug = new Float64Array(2 * m * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      aug[2 * (i * m + j)] = dt * A[2 * (i * n + j)];
      aug[2 * (i * m + j) + 1] = dt * A[2 * (i * n + j) + 1];
    }
    aug[2 * (i * m + n)] = dt * B[2 * i];
    aug[2 * (i * m + n) + 1] = dt * B[2 * i + 1];
  }
  const E = cExpm(aug, m);
  const Ab = new Float64Array(2 * n * n);
  const Bb = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      Ab[2 * (i * n + j)] = E[2 * (i * m + j)];
      Ab[2 * (i * n + j) + 1] = E[2 * (i * m + j) + 1];
    }
    Bb[2 * i] = E[2 * (i * m + n)];
    Bb[2 * i + 1] = E[2 * (i * m + n) + 1];
  }
  return { Ab, Bb };
}

/** Read A ([n, n] real or [n, n, 2] complex) and B ([n] or [n, 2]) as complex arrays. */
function readSystem(op: string, A: Tensor, B: Tensor): { a: CMatrix; b: CMatrix; n: number; complex: boolean } {
  const complex = A.ndim === 3;
  const n = A.shape[0];
  const okA = (A.ndim === 2 || (complex && A.shape[2] === 2)) && A.shape[1] === n;
  const okB = complex ? B.ndim === 2 && B.shape[0] === n && B.shape[1] === 2 : B.ndim === 1 && B.shape[0] === n;
  if (!okA || !okB) {
    throw new ShapeError(`${op}: expected A [n, n] with B [n] (real) or A [n, n, 2] with B [n, 2] (complex), got A ${fmt(A.shape)}, B ${fmt(B.shape)}`);
  }
  return complex
    ? { a: Float64Array.from(A.data), b: Float64Array.from(B.data), n, complex }
    : { a: cFromReal(A.data), b: cFromReal(B.data), n, complex };
}

/** Back to tensors of the input's kind: a real system stays real (its imaginary parts are exactly 0). */
function writeSystem(r: { Ab: CMatrix; Bb: CMatrix }, n: number, complex: boolean): { Ab: Tensor; Bb: Tensor } {
  if (complex) return { Ab: new Tensor(r.Ab, [n, n, 2]), Bb: new Tensor(r.Bb, [n, 2]) };
  const re = (z: CMatrix): Float64Array => Float64Array.from({ length: z.length / 2 }, (_, i) => z[2 * i]);
  return { Ab: new Tensor(re(r.Ab), [n, n]), Bb: new Tensor(re(r.Bb), [n]) };
}

/**
 * Bilinear discretisation of a dense SSM: A [n, n] and B [n] real, or [n, n, 2] and [n, 2]
 * complex; returns Ā, B̄ of the same kind, float64. Not differentiable (the slow truth).
 */
export function discretizeBilinear(A: Tensor, B: Tensor, dt: number): { Ab: Tensor; Bb: Tensor } {
  const s = readSystem('discretizeBilinear', A, B);
  return writeSystem(bilinear(s.a, s.b, dt, s.n), s.n, s.complex);
}

/** Zero-order-hold discretisation of a dense SSM (same shapes as discretizeBilinear). */
export function discretizeZOH(A: Tensor, B: Tensor, dt: number): { Ab: Tensor; Bb: Tensor } {
  const s = readSystem('discretizeZOH', A, B);
  return writeSystem(zoh(s.a, s.b, dt, s.n), s.n, s.complex);
}
