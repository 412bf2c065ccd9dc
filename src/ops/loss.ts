// Losses, as compositions: cross-entropy over class logits and mean squared error.

import { ShapeError, fmt } from '../tensor/errors.js';
import { sameShape, sizeOf } from '../tensor/shape.js';
import { type NestedArray, Tensor, checkSameDType } from '../tensor/tensor.js';
import { mul, sub } from './binary.js';
import { logSoftmax } from './activation.js';
import { type IndexLike, gather, readIndexLike } from './indexing.js';
import { mean, sum } from './reduce.js';
import { movedim, reshape } from './shape.js';
import { empty } from './util.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** Targets equal to this are skipped (default −100, as PyTorch). */
  ignoreIndex?: number;
  /** Mix the one-hot target with the uniform distribution: (1 − ε)·onehot + ε/C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between logits and class indices, as torch.nn.functional.cross_entropy:
 * logits [N, C] (or [C], or [N, C, d1, …] with targets [N, d1, …]).
 *   loss_i = −(1 − ε)·log p_i[t_i] − (ε/C)·Σ_c log p_i[c],   p_i = softmax(logits_i)
 * 'mean' divides by the number of targets that are not ignored.
 */
export function crossEntropy(logits: Tensor, target: IndexLike | NestedArray, opts: CrossEntropyOptions = {}): Tensor {
  const reduction = opts.reduction ?? 'mean';
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const smoothing = opts.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${smoothing}`);
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new RangeError(`crossEntropy: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  if (logits.ndim === 0) throw new ShapeError('crossEntropy: logits must have a class dimension, got a scalar');
  // Move the class axis last and flatten everything else: [rows, C].
  const classes = logits.shape[logits.ndim === 1 ? 0 : 1];
  const moved = logits.ndim > 2 ? movedim(logits, 1, -1) : logits;
  const rowsShape = logits.ndim === 1 ? [] : [logits.shape[0], ...logits.shape.slice(2)];
  const rows = rowsShape.reduce((a, b) => a * b, 1);
  const flatLogits = reshape(moved, [rows, classes]);

  const t = readTargets(target, rowsShape, classes, ignoreIndex, logits);
  const logp = logSoftmax(flatLogits, 1); // [rows, C]
  const picked = reshape(gather(logp, 1, t.safe), [rows]); // log p_i[t_i], 0 placeholders where ignored
  let perRow = mul(picked, -(1 - smoothing));
  if (smoothing > 0) perRow = sub(perRow, mul(sum(logp, 1), smoothing / classes));
  perRow = mul(perRow, t.counted); // ignored rows contribute 0
  if (reduction === 'none') return reshape(perRow, rowsShape);
  const total = sum(perRow);
  return reduction === 'sum' ? total : mul(total, 1 / t.count);
}

/** The values and shape of a target: a Tensor, an Int32Array, a (nested) number array, or one number (0-d). */
function targetValues(target: IndexLike | NestedArray): { values: ArrayLike<number>; shape: number[] } {
  return typeof target === 'number' ? { values: [target], shape: [] } : readIndexLike('crossEntropy', 'target', target);
}

/** Validate the targets; ignored ones are replaced by class 0 and masked out by `counted`. */
function readTargets(target: IndexLike | NestedArray, rowsShape: number[], classes: number, ignoreIndex: number, like: Tensor) {
  const { values, shape } = targetValues(target);
  const rows = sizeOf(rowsShape);
  // The shape must match, not only the count: a [N, 1] target for [N, C] logits is a mistake
  // (PyTorch refuses it), not N targets.
  if (!sameShape(shape, rowsShape)) {
    throw new ShapeError(`crossEntropy: target shape ${fmt(shape)} does not match the logits' batch shape ${fmt(rowsShape)}`);
  }
  const safe = new Int32Array(rows);
  const counted = empty([rows], like.dtype);
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (v === ignoreIndex) continue;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new RangeError(`crossEntropy: target ${v} at position ${i} is not a class index in [0, ${classes})`);
    }
    safe[i] = v;
    counted.data[i] = 1;
    count++;
  }
  const safeIndex = new Tensor(Float64Array.from(safe), [rows, 1]);
  return { safe: safeIndex, counted, count };
}

/** Mean squared error, as torch.nn.functional.mse_loss (shapes must match exactly). */
export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    const got = typeof reduction === 'object' ? JSON.stringify(reduction) : `'${String(reduction)}'`;
    throw new RangeError(`mseLoss: reduction must be 'mean', 'sum' or 'none', got ${got}`);
  }
  checkSameDType('mseLoss', input, target);
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(`mseLoss: input ${fmt(input.shape)} and target ${fmt(target.shape)} must have the same shape`);
  }
  const diff = sub(input, target);
  const sq = mul(diff, diff);
  return reduction === 'none' ? sq : reduction === 'sum' ? sum(sq) : mean(sq);
}

