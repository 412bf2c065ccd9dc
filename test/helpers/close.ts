// Approximate comparison for tests: every element must satisfy |a - e| <= atol + rtol·|e|
// (PyTorch's allclose rule); on failure the message names the worst element.

import * as assert from 'uvu/assert';

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

type Numeric = ArrayLike<number> | { data: ArrayLike<number> } | number;

function flat(x: Numeric): ArrayLike<number> {
  if (typeof x === 'number') return [x];
  if ('data' in x && typeof (x as { data: unknown }).data === 'object') return (x as { data: ArrayLike<number> }).data;
  return x as ArrayLike<number>;
}

/** The worst element of `actual` vs `expected`, or null when all are close. */
export function worstMismatch(actual: Numeric, expected: Numeric, tol: Tolerance = {}): string | null {
  const a = flat(actual);
  const e = flat(expected);
  const atol = tol.atol ?? 1e-6;
  const rtol = tol.rtol ?? 1e-5;
  if (a.length !== e.length) return `length ${a.length} vs expected ${e.length}`;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - e[i]);
    const excess = diff - (atol + rtol * Math.abs(e[i]));
    const bad = excess > 0 || (Number.isNaN(a[i]) !== Number.isNaN(e[i]));
    if (bad && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst < 0) return null;
  return `element ${worst}: got ${a[worst]}, expected ${e[worst]} (|diff| ${Math.abs(a[worst] - e[worst]).toExponential(2)}, atol ${atol}, rtol ${rtol})`;
}

export function allClose(actual: Numeric, expected: Numeric, tol: Tolerance = {}, label = ''): void {
  const problem = worstMismatch(actual, expected, tol);
  if (problem !== null) assert.unreachable(`${label ? label + ': ' : ''}not close: ${problem}`);
}

/** Largest absolute difference between two arrays. */
export function maxAbsDiff(actual: Numeric, expected: Numeric): number {
  const a = flat(actual);
  const e = flat(expected);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - e[i]));
  return m;
}
