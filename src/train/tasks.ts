// The training tasks: each wraps a generator from src/data into batches of tensors, a loss, a
// metric and, where one exists, a trivial baseline to beat.
//   listops  classify a ListOps expression by its value (10 classes; metric: accuracy)
//   adding   regress the sum of the two marked values (metric: MSE; predicting 1 scores 1/6)
//   copying  repeat ten symbols after T blanks (metric: recall accuracy; guessing scores 1/8)
//   text     predict the next character (metric: bits per character)

import { type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { argmax } from '../ops/reduce.js';
import { crossEntropy, mseLoss } from '../ops/loss.js';
import { reshape } from '../ops/shape.js';
import { ADDING_BASELINE_MSE, COPYING_IGNORE, COPYING_SYMBOLS, COPYING_VOCAB_SIZE, LISTOPS_NUM_CLASSES, LISTOPS_VOCAB, addingBatch, charBatch, copyingBatch, charDataset, listOpsBatch, type CharDataset, type CharVocab } from '../data/index.js';

export type TaskName = 'copying' | 'listops' | 'adding' | 'text';
export const TASK_NAMES: readonly TaskName[] = ['copying', 'listops', 'adding', 'text'];

export interface Batch {
  /** Token ids [B, L] (as integral floats) or features [B, L, inputDim]. */
  inputs: Tensor;
  /** Class ids [B], regression targets [B], or a target id per position [B, L]. */
  targets: Tensor;
  /** [B, L], 1 at padding positions: left out of mean pooling and hidden from attention. */
  paddingMask?: Tensor;
}

export interface Task {
  /** One of TASK_NAMES for the built-in tasks; the trainer itself only reads the properties below. */
  readonly name: string;
  /** 'lm': a causal model with an output at every position (language modelling, copying). */
  readonly kind: 'classification' | 'regression' | 'lm';
  readonly length: number;
  readonly vocabSize?: number;
  readonly inputDim?: number;
  /** Output width of the model: classes, 1 for regression, the vocabulary for a per-position model. */
  readonly outputs: number;
  readonly metricName: 'accuracy' | 'mse' | 'bits/char';
  /** Higher is better for accuracy, lower for the others. */
  readonly higherIsBetter: boolean;
  readonly baseline?: { loss: number; label: string };
  /**
   * How a classifier or regressor summarises the sequence: the mean over positions, or the last
   * position (which sees the whole sequence only in a causal model). Default 'mean'.
   */
  readonly pooling?: 'mean' | 'last';
  /** Causal attention layers in a classifier or regressor (a language model is always causal). Default false. */
  readonly causal?: boolean;
  /** Sequences per batch drawn from `gen`; `split` picks the text task's validation text. */
  sample(gen: Generator, batch: number, split?: 'train' | 'val'): Batch;
  /** The training loss (a scalar tensor) and the metric (a number) for the model's outputs. */
  evaluate(output: Tensor, targets: Tensor): { loss: Tensor; metric: number };
  /** Character vocabulary and decoder, for the text task. */
  readonly text?: CharDataset;
}

const ids = (data: Int32Array, shape: number[]): Tensor => new Tensor(Float32Array.from(data), shape);

export function listopsTask(length: number): Task {
  const minLength = Math.max(5, Math.floor(length / 2));
  // Deep nesting needs room: limit the depth for short sequences so generation stays quick.
  const maxDepth = Math.max(2, Math.min(10, Math.floor(Math.log2(length))));
  return {
    name: 'listops', kind: 'classification', length, vocabSize: LISTOPS_VOCAB.length, outputs: LISTOPS_NUM_CLASSES,
    pooling: 'mean', causal: false,
    metricName: 'accuracy', higherIsBetter: true,
    baseline: { loss: Math.log(LISTOPS_NUM_CLASSES), label: 'uniform guess, ln 10' },
    sample(gen, batch) {
      const b = listOpsBatch(gen, batch, { minLength, maxLength: length, seqLength: length, maxDepth });
      // Expressions are 1/2 .. 1 of the length, padded after: the mask keeps the padding out
      // of the mean and away from attention.
      const paddingMask = new Tensor(new Float32Array(batch * length), [batch, length]);
      for (let r = 0; r < batch; r++) paddingMask.data.fill(1, r * length + b.lengths[r], (r + 1) * length);
      return { inputs: ids(b.tokens, [batch, length]), targets: ids(b.labels, [batch]), paddingMask };
    },
    evaluate(output, targets) {
      const loss = crossEntropy(output, targets); // output [B, 10]
      const predicted = argmax(output, 1).data;
      let correct = 0;
      for (let i = 0; i < predicted.length; i++) correct += predicted[i] === targets.data[i] ? 1 : 0;
      return { loss, metric: correct / predicted.length };
    },
  };
}

export function addingTask(length: number): Task {
  return {
    name: 'adding', kind: 'regression', length, inputDim: 2, outputs: 1, metricName: 'mse', higherIsBetter: false,
    // The answer is read at the last step, after both markers, so every layer must be causal
    // for that position to be the one that has seen the whole sequence in order.
    pooling: 'last', causal: true,
    baseline: { loss: ADDING_BASELINE_MSE, label: 'predict 1: MSE 1/6' },
    sample(gen, batch) {
      const b = addingBatch(gen, batch, length);
      return { inputs: new Tensor(b.inputs, [batch, length, 2]), targets: new Tensor(b.targets, [batch]) };
    },
    evaluate(output, targets) {
      const loss = mseLoss(reshape(output, [output.shape[0]]), targets); // output [B, 1]
      return { loss, metric: loss.item() };
    },
  };
}

/**
 * The copying memory problem at length L = T + 20 (src/data/copying.ts): a causal model with an
 * output at every position (a language model's architecture: embedding, causal backbone, tied
 * head) must repeat the first ten symbols after the delimiter. Loss and accuracy count only the
 * ten recall positions; a model without memory guesses among 8 symbols (loss ln 8, accuracy 1/8).
 */
export function copyingTask(length: number): Task {
  return {
    name: 'copying', kind: 'lm', length, vocabSize: COPYING_VOCAB_SIZE, outputs: COPYING_VOCAB_SIZE,
    metricName: 'accuracy', higherIsBetter: true,
    baseline: { loss: Math.log(COPYING_SYMBOLS), label: `no memory: guess among ${COPYING_SYMBOLS} symbols, ln ${COPYING_SYMBOLS}` },
    sample(gen, batch) {
      const b = copyingBatch(gen, batch, length);
      return { inputs: ids(b.tokens, [batch, length]), targets: ids(b.targets, [batch, length]) };
    },
    evaluate(output, targets) {
      const [B, L, V] = output.shape; // [B, L, V]
      const loss = crossEntropy(reshape(output, [B * L, V]), reshape(targets, [B * L]), { ignoreIndex: COPYING_IGNORE });
      const predicted = argmax(output, 2).data; // [B, L]
      let correct = 0;
      let scored = 0;
      for (let i = 0; i < predicted.length; i++) {
        if (targets.data[i] === COPYING_IGNORE) continue;
        scored += 1;
        correct += predicted[i] === targets.data[i] ? 1 : 0;
      }
      return { loss, metric: correct / scored };
    },
  };
}

/** Next-character prediction on `text`, with its own vocabulary or a given one (a checkpoint's). */
export function textTask(text: string, length: number, vocab?: CharVocab): Task {
  const data = charDataset(text, 0.1, vocab);
  if (data.val.length <= length + 1) {
    throw new RangeError(`text task: the validation split has ${data.val.length} characters, fewer than length + 2 = ${length + 2}; use a longer text or a shorter --length`);
  }
  return {
    name: 'text', kind: 'lm', length, vocabSize: data.vocab.size, outputs: data.vocab.size, metricName: 'bits/char', higherIsBetter: false,
    baseline: { loss: Math.log(data.vocab.size), label: `uniform over ${data.vocab.size} characters` },
    text: data,
    sample(gen, batch, split = 'train') {
      const b = charBatch(gen, split === 'val' ? data.val : data.train, batch, length);
      return { inputs: ids(b.inputs, [batch, length]), targets: ids(b.targets, [batch, length]) };
    },
    evaluate(output, targets) {
      const [B, L, V] = output.shape; // [B, L, V]
      const loss = crossEntropy(reshape(output, [B * L, V]), reshape(targets, [B * L]));
      return { loss, metric: loss.item() / Math.LN2 };
    },
  };
}
