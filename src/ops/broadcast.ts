// Iteration over broadcast operands, one contiguous row at a time.
//
// An elementwise op over operands of different shapes reads each operand through "broadcast
// strides" (stride 0 along axes where it has size 1 or is missing). Neighbouring axes that are
// laid out contiguously for every operand are merged first ("coalesced"), so [N, M] + [N, M]
// becomes one row of N·M and [N, M] + [M] becomes N rows of M. The visitor then runs a tight
// inner loop per row, which keeps broadcast arithmetic within a small factor of a raw loop.

import { type Shape, broadcastStrides, sizeOf } from '../tensor/shape.js';

export interface RowPlan {
  /** Coalesced output shape; the last axis is the row. */
  shape: number[];
  /** Per operand, its stride along each coalesced axis. */
  strides: number[][];
}

/** Plan the rows for operands of the given shapes, broadcast to `outShape`. */
export function planRows(outShape: Shape, operandShapes: Shape[]): RowPlan {
  return planStrided(outShape, operandShapes.map((s) => broadcastStrides(s, outShape)));
}

/**
 * Plan the rows for operands read through arbitrary strides (possibly 0 or negative) over
 * `outShape`; the output itself is contiguous. Used for broadcasting and for the movement ops
 * (permute, slice, flip), which are all "read x through other strides".
 */
export function planStrided(outShape: Shape, strides0: number[][]): RowPlan {
  const shape: number[] = [];
  const strides: number[][] = strides0.map(() => []);
  for (let axis = 0; axis < outShape.length; axis++) {
    const size = outShape[axis];
    if (size === 1) continue; // size-1 axes move nothing
    const last = shape.length - 1;
    const mergeable = last >= 0 && strides0.every((s, k) => strides[k][last] === s[axis] * size);
    if (mergeable) {
      shape[last] *= size;
      strides0.forEach((s, k) => (strides[k][last] = s[axis]));
    } else {
      shape.push(size);
      strides0.forEach((s, k) => strides[k].push(s[axis]));
    }
  }
  if (shape.length === 0) {
    shape.push(1);
    strides.forEach((s) => s.push(0));
  }
  return { shape, strides };
}

/**
 * Call `visit(offsets, outOffset, length, steps)` once per row of the plan. `offsets[k]` is
 * where operand k's row starts, `steps[k]` its stride along the row (0 when broadcast).
 * The offsets array is reused between calls.
 */
export function forEachRow(
  plan: RowPlan,
  visit: (offsets: number[], outOffset: number, length: number, steps: number[]) => void,
): void {
  const { shape, strides } = plan;
  const nd = shape.length;
  const rowLength = shape[nd - 1];
  const total = sizeOf(shape);
  if (total === 0) return;
  const steps = strides.map((s) => s[nd - 1]);
  const offsets = strides.map(() => 0);
  const index = new Array<number>(nd).fill(0);
  for (let out = 0; out < total; out += rowLength) {
    visit(offsets, out, rowLength, steps);
    // Advance the odometer over the outer axes, updating each operand's offset incrementally.
    for (let axis = nd - 2; axis >= 0; axis--) {
      index[axis]++;
      for (let k = 0; k < offsets.length; k++) offsets[k] += strides[k][axis];
      if (index[axis] < shape[axis]) break;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= strides[k][axis] * shape[axis];
      index[axis] = 0;
    }
  }
}
