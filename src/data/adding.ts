// The adding problem: Hochreiter and Schmidhuber, "Long Short-Term Memory" (1997), experiment 4,
// in the form used by Le, Jaitly and Hinton, "A Simple Way to Initialize Recurrent Networks of
// Rectified Linear Units" (IRNN, 2015) and Arjovsky, Shah and Bengio, "Unitary Evolution
// Recurrent Neural Networks" (uRNN, 2016).
//
// Each sample is a sequence of `length` steps with two channels:
//   channel 0  a value drawn uniformly from [0, 1)
//   channel 1  a marker: 1 at exactly two steps, 0 elsewhere
// and the target is the sum of the two marked values. The memory the task needs spans the
// distance between the markers, so long sequences test long-range memory.
//
// Marker convention (as in the uRNN paper and most later code): the first marker is uniform
// over the first half, steps 0 .. floor(length / 2) - 1, the second over the rest,
// steps floor(length / 2) .. length - 1. (Hochreiter and Schmidhuber placed the first marker
// among the first ten steps; the halves convention is the one long-sequence papers compare on.)
//
// Baseline: the target is the sum of two independent U(0, 1) values, with mean 1 and variance
// 1/12 + 1/12 = 1/6. A model that ignores its input and predicts the constant 1 therefore
// scores a mean squared error of 1/6 ≈ 0.167 (ADDING_BASELINE_MSE); a model has learned
// something only below that.
//
// The values are drawn with 24 random bits (Generator.random24), so they are exact in float32
// and never round up to 1; the target is their float32 sum.

import type { Generator } from '../tensor/random.js';

/** Mean squared error of always predicting 1: the variance of a sum of two U(0, 1) values. */
export const ADDING_BASELINE_MSE = 1 / 6;

export interface AddingBatch {
  inputs: Float32Array; // [batch, length, 2]: (value, marker) per step
  targets: Float32Array; // [batch]
}

/** `batchSize` adding-problem sequences of `length` steps; the same generator state gives the same batch. */
export function addingBatch(gen: Generator, batchSize: number, length: number): AddingBatch {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`addingBatch: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  // Two markers in two non-empty halves need at least two steps.
  if (!Number.isInteger(length) || length < 2) {
    throw new RangeError(`addingBatch: length must be an integer >= 2, got ${length}`);
  }
  const inputs = new Float32Array(batchSize * length * 2);
  const targets = new Float32Array(batchSize);
  const half = Math.floor(length / 2);
  for (let b = 0; b < batchSize; b++) {
    const row = b * length * 2; // start of sample b
    for (let t = 0; t < length; t++) inputs[row + 2 * t] = gen.random24();
    const first = gen.randint(0, half);
    const second = gen.randint(half, length);
    inputs[row + 2 * first + 1] = 1;
    inputs[row + 2 * second + 1] = 1;
    targets[b] = inputs[row + 2 * first] + inputs[row + 2 * second]; // rounded to float32 on store
  }
  return { inputs, targets };
}
