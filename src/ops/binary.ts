// Binary elementwise ops with NumPy broadcasting: forward loops and VJPs side by side.
//
// Every VJP ends in `sumTo(grad, input.shape)`, the one unbroadcast helper: an input that was
// broadcast along an axis was read once per output element along it, so its gradient is the
// sum of the output gradient over that axis (d/dx Σ_j f(x, y_j) = Σ_j ∂f/∂x).

import { record } from '../autograd/graph.js';
import { type Storage } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { type Tensor, checkSameDType } from '../tensor/tensor.js';
import { forEachRow, planRows } from './broadcast.js';
import { sumTo } from './reduce.js';
import { log } from './unary.js';
import { empty, lift, pickTensor } from './util.js';

export type Operand = Tensor | number;

/** out[o + j] = f(A[a + j·sa], B[b + j·sb]) for j < n: one broadcast row. */
type RowKernel = (O: Storage, o: number, A: Storage, a: number, sa: number, B: Storage, b: number, sb: number, n: number) => void;

/** Lift numbers to 0-d tensors and check dtypes: the two operands of a binary op. */
function operands(op: string, x: Operand, y: Operand): [Tensor, Tensor] {
  const like = pickTensor(op, x, y);
  const a = lift(op, x, like);
  const b = lift(op, y, like);
  checkSameDType(op, a, b);
  return [a, b];
}

function elementwise(op: string, a: Tensor, b: Tensor, kernel: RowKernel): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = empty(shape, a.dtype);
  const A = a.data;
  const B = b.data;
  const O = out.data;
  forEachRow(planRows(shape, [a.shape, b.shape]), (off, o, n, st) => kernel(O, o, A, off[0], st[0], B, off[1], st[1], n));
  return out;
}

// The four arithmetic rows get loops of their own (they dominate model code); the rest share
// a generic row that calls a scalar function.
const addRow: RowKernel = (O, o, A, a, sa, B, b, sb, n) => { for (let j = 0; j < n; j++, a += sa, b += sb) O[o + j] = A[a] + B[b]; };
const subRow: RowKernel = (O, o, A, a, sa, B, b, sb, n) => { for (let j = 0; j < n; j++, a += sa, b += sb) O[o + j] = A[a] - B[b]; };
const mulRow: RowKernel = (O, o, A, a, sa, B, b, sb, n) => { for (let j = 0; j < n; j++, a += sa, b += sb) O[o + j] = A[a] * B[b]; };
const divRow: RowKernel = (O, o, A, a, sa, B, b, sb, n) => { for (let j = 0; j < n; j++, a += sa, b += sb) O[o + j] = A[a] / B[b]; };

function rowOf(f: (x: number, y: number) => number): RowKernel {
  return (O, o, A, a, sa, B, b, sb, n) => { for (let j = 0; j < n; j++, a += sa, b += sb) O[o + j] = f(A[a], B[b]); };
}

// ---- add, sub: d(a ± b) = da ± db --------------------------------------------------------

export function add(x: Operand, y: Operand): Tensor {
  const [a, b] = operands('add', x, y);
  return record(elementwise('add', a, b, addRow), 'add', [a, b], (g, needs) => [
    needs[0] ? sumTo(g, a.shape) : null,
    needs[1] ? sumTo(g, b.shape) : null,
  ]);
}

export function sub(x: Operand, y: Operand): Tensor {
  const [a, b] = operands('sub', x, y);
  return record(elementwise('sub', a, b, subRow), 'sub', [a, b], (g, needs) => [
    needs[0] ? sumTo(g, a.shape) : null,
    needs[1] ? sumTo(neg(g), b.shape) : null,
  ]);
}

/** −x, written as (−1)·x (micrograd's way: no VJP of its own). */
export function neg(x: Tensor): Tensor {
  return mul(x, -1);
}

// ---- mul, div: d(ab) = b·da + a·db;  d(a/b) = da/b − (a/b)·db/b ------------------------------

export function mul(x: Operand, y: Operand): Tensor {
  const [a, b] = operands('mul', x, y);
  return record(elementwise('mul', a, b, mulRow), 'mul', [a, b], (g, needs) => [
    needs[0] ? sumTo(mul(g, b), a.shape) : null,
    needs[1] ? sumTo(mul(g, a), b.shape) : null,
  ]);
}

export function div(x: Operand, y: Operand): Tensor {
  const [a, b] = operands('div', x, y);
  const out = elementwise('div', a, b, divRow);
  return record(out, 'div', [a, b], (g, needs) => {
    const gOverB = div(g, b);
    return [
      needs[0] ? sumTo(gOverB, a.shape) : null,
      needs[1] ? sumTo(neg(mul(gOverB, out)), b.shape) : null,
    ];
  });
}

// ---- pow: d(a^p) = p·a^(p−1)·da + a^p·ln(a)·dp ---------------------------------------------
// Two conventions of PyTorch's, instead of NaN:
//   ∂/∂a = 0 where p = 0 (a^0 ≡ 1 is constant in a). The formula already gives 0·a^(−1) = 0
//     for a ≠ 0, so only a = p = 0 (0·∞) is masked; elsewhere the formula stays, and so do its
//     exact second derivatives (∂²/∂p∂a = a^(p−1)(1 + p·ln a) is 1/a at p = 0, not 0).
//   ∂/∂p = 0 where a = 0 and p ≥ 0 (the limit of a^p·ln a; the formula gives 0·(−∞)).
// The masked entries also read a harmless stand-in (base 1) inside the formula, so that
// differentiating this VJP again under createGraph sees 0·finite there, not 0·∞ = NaN
// (a `where` alone zeroes the value but still multiplies the incoming 0 by ∞ in its backward).

const powRow = rowOf(Math.pow);

export function pow(x: Operand, y: Operand): Tensor {
  const [a, p] = operands('pow', x, y);
  const out = elementwise('pow', a, p, powRow);
  return record(out, 'pow', [a, p], (g, needs) => {
    let da: Tensor | null = null;
    if (needs[0]) {
      const zeroZero = mul(eq(a, 0), eq(p, 0));
      da = sumTo(mul(g, where(zeroZero, 0, mul(p, pow(where(zeroZero, 1, a), sub(p, 1))))), a.shape);
    }
    let dp: Tensor | null = null;
    if (needs[1]) {
      const limit = mul(eq(a, 0), ge(p, 0));
      dp = sumTo(mul(g, where(limit, 0, mul(out, log(where(limit, 1, a))))), p.shape);
    }
    return [da, dp];
  });
}

/** x², as x·x (its gradient follows from mul's). */
export function square(x: Tensor): Tensor {
  return mul(x, x);
}

// ---- maximum, minimum: the gradient goes to the selected input; ties share it equally ----------

const maxRow = rowOf((u, v) => (u !== u || v !== v ? NaN : u > v ? u : v));
const minRow = rowOf((u, v) => (u !== u || v !== v ? NaN : u < v ? u : v));

function selectGrad(g: Tensor, mine: Tensor, other: Tensor, winsOver: (u: Tensor, v: Tensor) => Tensor): Tensor {
  // weight 1 where this input wins, ½ on ties, 0 where it loses
  const weight = add(winsOver(mine, other), mul(eq(mine, other), 0.5));
  return mul(g, weight);
}

export function maximum(x: Operand, y: Operand): Tensor {
  const [a, b] = operands('maximum', x, y);
  return record(elementwise('maximum', a, b, maxRow), 'maximum', [a, b], (g, needs) => [
    needs[0] ? sumTo(selectGrad(g, a, b, gt), a.shape) : null,
    needs[1] ? sumTo(selectGrad(g, b, a, gt), b.shape) : null,
  ]);
}

export function minimum(x: Operand, y: Operand): Tensor {
  const [a, b] = operands('minimum', x, y);
  return record(elementwise('minimum', a, b, minRow), 'minimum', [a, b], (g, needs) => [
    needs[0] ? sumTo(selectGrad(g, a, b, lt), a.shape) : null,
    needs[1] ? sumTo(selectGrad(g, b, a, lt), b.shape) : null,
  ]);
}

// ---- comparisons: not differentiable; 1 where true, 0 where false, in the operands' dtype -------

function comparison(op: string, f: (u: number, v: number) => boolean) {
  const row = rowOf((u, v) => (f(u, v) ? 1 : 0));
  return (x: Operand, y: Operand): Tensor => {
    const [a, b] = operands(op, x, y);
    return elementwise(op, a, b, row);
  };
}

export const eq = comparison('eq', (u, v) => u === v);
export const ne = comparison('ne', (u, v) => u !== v);
export const lt = comparison('lt', (u, v) => u < v);
export const le = comparison('le', (u, v) => u <= v);
export const gt = comparison('gt', (u, v) => u > v);
export const ge = comparison('ge', (u, v) => u >= v);

// ---- where(cond, a, b): a where cond ≠ 0, else b; the gradient is routed the same way --------

export function where(cond: Tensor, x: Operand, y: Operand): Tensor {
  const [a, b] = operands('where', x, y);
  checkSameDType('where', cond, a);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
  const out = empty(shape, a.dtype);
  const C = cond.data;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  forEachRow(planRows(shape, [cond.shape, a.shape, b.shape]), (off, o, n, st) => {
    let c = off[0];
    let i = off[1];
    let k = off[2];
    for (let j = 0; j < n; j++, c += st[0], i += st[1], k += st[2]) O[o + j] = C[c] !== 0 ? A[i] : B[k];
  });
  return record(out, 'where', [cond, a, b], (g, needs) => [
    null,
    needs[1] ? sumTo(where(cond, g, 0), a.shape) : null,
    needs[2] ? sumTo(where(cond, 0, g), b.shape) : null,
  ]);
}
