// The copying memory problem: Hochreiter and Schmidhuber, "Long Short-Term Memory" (1997), in
// the form of Arjovsky, Shah and Bengio, "Unitary Evolution Recurrent Neural Networks" (uRNN,
// 2016), section 4.1.
//
// A sequence of length L = T + 20 over the alphabet {blank, a1 … a8, delimiter}:
//
//   position   0 … 9        10 … T+8        T+9          T+10 … T+19
//   input      a_{i0}…a_{i9} blank × (T−1)   delimiter    blank × 10
//   target     (ignored)    (ignored)       (ignored)    a_{i0} … a_{i9}
//
// The ten symbols are drawn uniformly from a1 … a8; after the delimiter the model must repeat
// them in order. Every recalled symbol stands exactly T + 10 steps after the one it copies, so
// the task needs a memory of T + 10 steps and nothing else: no arithmetic, no selection by
// content. That makes it the cleanest test of whether a model can carry information across a
// long, fixed distance. A time-invariant convolution solves it with one kernel tap at lag T + 10;
// an RNN must hold ten symbols through T steps of blanks; attention without position encodings
// cannot solve it at all, since every blank looks the same.
//
// Scoring (a choice of this project): the loss and the accuracy count only the ten recall
// positions. The uRNN paper averages the cross-entropy over all T + 20 positions, most of which
// are a trivially predictable blank, which divides every number by (T + 20)/10 and hides how much
// of the memory a model has; its memoryless baseline, 10 ln 8 / (T + 20), is the uniform guess
// ln 8 over the recall window below, diluted in the same way.

import type { Generator } from '../tensor/random.js';

/** Token ids: 0 is the blank, 1 … 8 the symbols, 9 the delimiter. */
export const COPYING_BLANK = 0;
export const COPYING_SYMBOLS = 8;
export const COPYING_DELIMITER = COPYING_SYMBOLS + 1;
export const COPYING_VOCAB_SIZE = COPYING_SYMBOLS + 2;
/** How many symbols are copied. */
export const COPYING_RECALL = 10;
/** The target of positions that are not scored (crossEntropy's ignoreIndex). */
export const COPYING_IGNORE = -100;
/** The shortest sequence: the ten symbols, the delimiter and the ten recall positions (T = 1). */
export const COPYING_MIN_LENGTH = 2 * COPYING_RECALL + 1;

export interface CopyingBatch {
  tokens: Int32Array; //  [batch, length]
  targets: Int32Array; // [batch, length]: the symbol to recall, or COPYING_IGNORE
}

/** `batchSize` copying-problem sequences of `length` = T + 20 tokens; the same generator state gives the same batch. */
export function copyingBatch(gen: Generator, batchSize: number, length: number): CopyingBatch {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`copyingBatch: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  if (!Number.isInteger(length) || length < COPYING_MIN_LENGTH) {
    throw new RangeError(`copyingBatch: length must be an integer >= ${COPYING_MIN_LENGTH} (ten symbols, a delimiter, ten recall steps), got ${length}`);
  }
  const tokens = new Int32Array(batchSize * length); // all blank (0)
  const targets = new Int32Array(batchSize * length).fill(COPYING_IGNORE);
  const recallStart = length - COPYING_RECALL; // T + 10: the lag between a symbol and its copy
  for (let b = 0; b < batchSize; b++) {
    const row = b * length;
    for (let i = 0; i < COPYING_RECALL; i++) {
      const symbol = 1 + gen.randint(0, COPYING_SYMBOLS);
      tokens[row + i] = symbol;
      targets[row + recallStart + i] = symbol;
    }
    tokens[row + recallStart - 1] = COPYING_DELIMITER;
  }
  return { tokens, targets };
}
