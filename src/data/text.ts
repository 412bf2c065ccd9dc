// Character-level language modelling from a string, in the manner of Karpathy's char-rnn and
// nanoGPT's shakespeare_char: the vocabulary is the sorted set of distinct characters, the last
// part of the text is held out for validation, and training batches are windows of `length`
// characters taken at random offsets, each target being the next character.
//
// A "character" here is a Unicode code point (what `for ... of` over a string yields), not a
// UTF-16 unit, so text outside the Basic Multilingual Plane (emoji, for one) stays whole. The
// vocabulary is sorted by code point, the order Python's sorted(set(text)) gives.
//
// Cross-entropy losses come out in nats (natural log); character-level results are reported in
// bits per character, nats / ln 2 (bitsPerChar). A model that knows only the vocabulary and
// predicts it uniformly scores log2(vocab size) bits per character.

import type { Generator } from '../tensor/random.js';

/** Maps each distinct character (code point) to an id, 0 .. size - 1, and back. */
export class CharVocab {
  /** The character of each id. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  /** A vocabulary with the given characters in the given order (ids 0, 1, ...). */
  constructor(chars: readonly string[]) {
    this.ids = new Map();
    for (const c of chars) {
      if (Array.from(c).length !== 1) throw new RangeError(`CharVocab: "${c}" is not a single character`);
      if (this.ids.has(c)) throw new RangeError(`CharVocab: "${c}" appears twice`);
      this.ids.set(c, this.ids.size);
    }
    this.chars = Object.freeze([...chars]);
  }

  /** The sorted distinct characters of `text`. */
  static fromText(text: string): CharVocab {
    const distinct = [...new Set(text)]; // iterating a string yields code points
    distinct.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharVocab(distinct);
  }

  has(char: string): boolean {
    return this.ids.has(char);
  }

  get size(): number {
    return this.chars.length;
  }

  encode(text: string): Int32Array {
    const chars = Array.from(text);
    const out = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const id = this.ids.get(chars[i]);
      if (id === undefined) {
        const code = chars[i].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        throw new RangeError(`CharVocab.encode: character "${chars[i]}" (U+${code}) at ${i} is not in the vocabulary`);
      }
      out[i] = id;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]];
      if (c === undefined) throw new RangeError(`CharVocab.decode: id ${ids[i]} at ${i} is outside [0, ${this.size})`);
      text += c;
    }
    return text;
  }
}

export interface TrainValSplit {
  train: Int32Array;
  val: Int32Array;
}

/**
 * The first floor(n · (1 - valFraction)) ids for training, the rest for validation (the split
 * nanoGPT uses: the held-out text is one contiguous tail, never seen in training). The two
 * parts are views into `ids`, not copies.
 */
export function splitTrainVal(ids: Int32Array, valFraction = 0.1): TrainValSplit {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`splitTrainVal: valFraction must lie in [0, 1), got ${valFraction}`);
  }
  const nTrain = Math.floor(ids.length * (1 - valFraction));
  return { train: ids.subarray(0, nTrain), val: ids.subarray(nTrain) };
}

export interface CharDataset extends TrainValSplit {
  vocab: CharVocab;
}

/**
 * Vocabulary, encoding and train/validation split of a text in one call. The vocabulary is the
 * text's own unless one is given (a trained model's), which must then cover every character.
 */
export function charDataset(text: string, valFraction = 0.1, vocab?: CharVocab): CharDataset {
  if (text.length === 0) throw new RangeError('charDataset: the text is empty');
  vocab ??= CharVocab.fromText(text);
  return { vocab, ...splitTrainVal(vocab.encode(text), valFraction) };
}

export interface CharBatch {
  inputs: Int32Array; // [batch, length]
  targets: Int32Array; // [batch, length]: targets[b, t] = inputs[b, t + 1] within the text
}

/**
 * `batchSize` windows of `length` ids at offsets drawn uniformly from 0 .. n - length - 1, so
 * that each window's next-character targets still lie inside `data`.
 */
export function charBatch(gen: Generator, data: Int32Array, batchSize: number, length: number): CharBatch {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`charBatch: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError(`charBatch: length must be an integer >= 1, got ${length}`);
  }
  if (data.length < length + 1) {
    throw new RangeError(`charBatch: the text has ${data.length} characters, fewer than length + 1 = ${length + 1}`);
  }
  const inputs = new Int32Array(batchSize * length);
  const targets = new Int32Array(batchSize * length);
  for (let b = 0; b < batchSize; b++) {
    const start = gen.randint(0, data.length - length);
    inputs.set(data.subarray(start, start + length), b * length);
    targets.set(data.subarray(start + 1, start + 1 + length), b * length);
  }
  return { inputs, targets };
}

/** Bits per character from a mean cross-entropy in nats: divide by ln 2. */
export function bitsPerChar(meanNats: number): number {
  return meanNats / Math.LN2;
}
