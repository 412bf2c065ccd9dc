// ListOps: nested list operations on single digits, classified by their value (0-9).
// Nangia and Bowman, "ListOps: A Diagnostic Dataset for Latent Tree Learning" (2018), in the
// long form of the Long Range Arena (Tay et al., 2021), whose generator is
// lra_benchmarks/data/listops.py. Written from that description; the draws use our own seeded
// Generator, so the samples follow LRA's distribution but not Python's random stream.
//
// Vocabulary (LISTOPS_VOCAB, 16 ids; an operator and its opening bracket are one token, as in
// LRA's source strings):
//   0        <pad>   padding, only ever trailing
//   1..10    0 .. 9  the digits; id = digit + 1
//   11..14   [MIN [MAX [MED [SM
//   15       ]       closes the innermost open operator
// e.g. "[MAX 4 3 [MIN 2 3 ] 1 0 ]" has 9 tokens and the value 4.
// LRA writes its TSV sources with extra "(" ")" from a binary tree encoding; they carry no
// information, LRA's length count leaves them out, and encodeListOps skips them, so an LRA
// source line encodes directly. (LRA's own pipeline tokenised with a tokenizer that also lost
// the "]"; later work such as S4 kept it, as we do: without it the nesting is ambiguous.)
//
// Operators, as LRA's to_value defines them:
//   MIN, MAX  the least / greatest argument
//   MED       the median; for an even count, the mean of the two middle values rounded down,
//             because LRA takes int(np.median(args)) and int() truncates (all values are >= 0)
//   SM        the sum modulo 10
//
// Generation (LRA's generate_tree): the root sits at depth 1. A node above the depth limit
// (depth < maxDepth) becomes an operator with probability operatorProb = 0.25 (LRA's VALUE_P:
// a digit otherwise), with 2..maxArgs arguments drawn uniformly; a node at depth maxDepth is
// always a digit. So maxDepth counts the digit level too: brackets nest at most maxDepth - 1
// deep. Whole trees are drawn until the token count lies in [minLength, maxLength] (rejection
// sampling). LRA accepts 500 < length < 2000; our bounds are inclusive, so the defaults are
// 501 and 1999. Unlike LRA we do not de-duplicate samples: every call draws afresh.

import type { Generator } from '../tensor/random.js';

export const LISTOPS_VOCAB: readonly string[] = Object.freeze([
  '<pad>', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '[MIN', '[MAX', '[MED', '[SM', ']',
]);
export const LISTOPS_PAD = 0;
export const LISTOPS_NUM_CLASSES = 10;

const DIGIT0 = 1; // id of the digit 0
const MIN = 11;
const MAX = 12;
const MED = 13;
const SM = 14;
const CLOSE = 15;
const TOKEN_ID = new Map(LISTOPS_VOCAB.map((token, id) => [token, id]));

// ---------------------------------------------------------------------------------------------
// Tokenizer

/** Token ids of an expression written with spaces between tokens; "(" and ")" are skipped. */
export function encodeListOps(text: string): Int32Array {
  const tokens = text.split(/\s+/).filter((t) => t !== '' && t !== '(' && t !== ')');
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const id = TOKEN_ID.get(tokens[i]);
    if (id === undefined || id === LISTOPS_PAD) {
      throw new RangeError(
        `encodeListOps: unknown token "${tokens[i]}" at position ${i}; expected a digit, [MIN, [MAX, [MED, [SM or ]`,
      );
    }
    ids[i] = id;
  }
  return ids;
}

/** The expression as text, tokens joined by single spaces; padding ids are dropped. */
export function decodeListOps(ids: ArrayLike<number>): string {
  const tokens: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= LISTOPS_VOCAB.length) {
      throw new RangeError(`decodeListOps: id ${id} at position ${i} is outside [0, ${LISTOPS_VOCAB.length})`);
    }
    if (id !== LISTOPS_PAD) tokens.push(LISTOPS_VOCAB[id]);
  }
  return tokens.join(' ');
}

/** Copy `ids` into a row of `seqLength` ids, filling the rest with LISTOPS_PAD (0). */
export function padListOps(ids: ArrayLike<number>, seqLength: number): Int32Array {
  if (!Number.isInteger(seqLength) || seqLength < ids.length) {
    throw new RangeError(`padListOps: seqLength ${seqLength} must be an integer >= the ${ids.length} tokens`);
  }
  const row = new Int32Array(seqLength);
  for (let i = 0; i < ids.length; i++) row[i] = ids[i];
  return row;
}

// ---------------------------------------------------------------------------------------------
// Reference evaluator

function applyOperator(op: number, args: number[]): number {
  switch (op) {
    case MIN:
      return Math.min(...args);
    case MAX:
      return Math.max(...args);
    case MED: {
      const sorted = [...args].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      // int(np.median(...)) in LRA: the mean of the middle pair, truncated (= floored here).
      return sorted.length % 2 === 1 ? sorted[mid] : Math.floor((sorted[mid - 1] + sorted[mid]) / 2);
    }
    default: // SM
      return args.reduce((s, a) => s + a, 0) % 10;
  }
}

/**
 * The value (0-9) of a ListOps expression, given as text or as token ids (trailing padding is
 * ignored, so a padded batch row can be passed as it is). Malformed input throws a RangeError
 * that says where it goes wrong.
 */
export function evaluateListOps(expression: string | ArrayLike<number>): number {
  const ids = typeof expression === 'string' ? encodeListOps(expression) : expression;
  let end = ids.length;
  while (end > 0 && ids[end - 1] === LISTOPS_PAD) end--;

  // One frame per open operator: the operator and the values of its finished arguments.
  const open: { op: number; args: number[] }[] = [];
  let result = -1;
  for (let i = 0; i < end; i++) {
    const id = ids[i];
    if (result >= 0) throw new RangeError(`evaluateListOps: token ${i} follows a complete expression`);
    let value: number;
    if (id >= MIN && id <= SM) {
      open.push({ op: id, args: [] });
      continue;
    } else if (id === CLOSE) {
      const frame = open.pop();
      if (frame === undefined) throw new RangeError(`evaluateListOps: "]" at token ${i} closes nothing`);
      if (frame.args.length === 0) throw new RangeError(`evaluateListOps: operator closed at token ${i} has no arguments`);
      value = applyOperator(frame.op, frame.args);
    } else if (Number.isInteger(id) && id >= DIGIT0 && id < DIGIT0 + 10) {
      value = id - DIGIT0;
    } else {
      throw new RangeError(`evaluateListOps: token ${i} has id ${id}, not a digit, operator or "]"`);
    }
    if (open.length > 0) open[open.length - 1].args.push(value);
    else result = value;
  }
  if (open.length > 0) throw new RangeError(`evaluateListOps: ${open.length} operator(s) left unclosed`);
  if (result < 0) throw new RangeError('evaluateListOps: the expression is empty');
  return result;
}

// ---------------------------------------------------------------------------------------------
// Generator

export interface ListOpsOptions {
  /** Tree depth limit, the root at depth 1 and digits counted as a level (LRA: 10). */
  maxDepth?: number;
  /** Most arguments per operator; each operator takes 2..maxArgs (LRA: 10). */
  maxArgs?: number;
  /** Fewest tokens in a sample, inclusive (LRA's "> 500" is 501). */
  minLength?: number;
  /** Most tokens in a sample, inclusive (LRA's "< 2000" is 1999). */
  maxLength?: number;
  /** Chance that a node above the depth limit is an operator (LRA: 0.25). */
  operatorProb?: number;
  /** Trees drawn before giving up on the length range (default 1e6). */
  maxAttempts?: number;
}

export interface ListOpsSample {
  tokens: Int32Array; // unpadded token ids
  label: number; // the value of the expression, 0-9
}

export interface ListOpsBatch {
  tokens: Int32Array; // [batch, seqLength], padded with LISTOPS_PAD
  lengths: Int32Array; // [batch] tokens before the padding
  labels: Int32Array; // [batch] values 0-9
}

type Resolved = Required<ListOpsOptions>;

function resolveOptions(fn: string, options: ListOpsOptions): Resolved {
  const o: Resolved = {
    maxDepth: options.maxDepth ?? 10,
    maxArgs: options.maxArgs ?? 10,
    minLength: options.minLength ?? 501,
    maxLength: options.maxLength ?? 1999,
    operatorProb: options.operatorProb ?? 0.25,
    maxAttempts: options.maxAttempts ?? 1e6,
  };
  const positive = (name: keyof Resolved, least: number): void => {
    if (!Number.isInteger(o[name]) || o[name] < least) {
      throw new RangeError(`${fn}: ${name} must be an integer >= ${least}, got ${o[name]}`);
    }
  };
  positive('maxDepth', 1);
  positive('maxArgs', 2);
  positive('minLength', 1);
  positive('maxLength', 1);
  positive('maxAttempts', 1);
  if (o.minLength > o.maxLength) {
    throw new RangeError(`${fn}: minLength ${o.minLength} is greater than maxLength ${o.maxLength}`);
  }
  if (!(o.operatorProb >= 0 && o.operatorProb <= 1)) {
    throw new RangeError(`${fn}: operatorProb must lie in [0, 1], got ${o.operatorProb}`);
  }
  // The longest possible tree: operators with maxArgs arguments down to the depth limit.
  let longest = 1;
  if (o.operatorProb > 0) for (let d = 1; d < o.maxDepth; d++) longest = 2 + o.maxArgs * longest;
  if (o.minLength > longest) {
    throw new RangeError(
      `${fn}: minLength ${o.minLength} exceeds the longest possible expression (${longest} tokens) ` +
        `for maxDepth ${o.maxDepth}, maxArgs ${o.maxArgs}, operatorProb ${o.operatorProb}`,
    );
  }
  return o;
}

/**
 * Draw one tree into `tokens` and return its value, or -1 as soon as it grows past maxLength:
 * such a tree would be rejected anyway, so stopping early changes nothing but the time spent.
 */
function growTree(gen: Generator, o: Resolved, depth: number, tokens: number[]): number {
  if (depth < o.maxDepth && gen.random() < o.operatorProb) {
    const op = MIN + gen.randint(0, 4);
    const numArgs = gen.randint(2, o.maxArgs + 1);
    tokens.push(op);
    const args: number[] = [];
    for (let k = 0; k < numArgs; k++) {
      const value = growTree(gen, o, depth + 1, tokens);
      if (value < 0) return -1;
      args.push(value);
    }
    tokens.push(CLOSE);
    return tokens.length > o.maxLength ? -1 : applyOperator(op, args);
  }
  const digit = gen.randint(0, 10);
  tokens.push(DIGIT0 + digit);
  return tokens.length > o.maxLength ? -1 : digit;
}

function sampleResolved(fn: string, gen: Generator, o: Resolved): ListOpsSample {
  const tokens: number[] = [];
  for (let attempt = 0; attempt < o.maxAttempts; attempt++) {
    tokens.length = 0;
    const label = growTree(gen, o, 1, tokens);
    if (label >= 0 && tokens.length >= o.minLength) return { tokens: Int32Array.from(tokens), label };
  }
  throw new RangeError(
    `${fn}: no expression of ${o.minLength}..${o.maxLength} tokens in ${o.maxAttempts} attempts; ` +
      'widen the length range or change maxDepth, maxArgs or operatorProb',
  );
}

/** One ListOps expression whose length lies in the range, with its value. */
export function sampleListOps(gen: Generator, options: ListOpsOptions = {}): ListOpsSample {
  return sampleResolved('sampleListOps', gen, resolveOptions('sampleListOps', options));
}

/**
 * `batchSize` expressions padded to `seqLength` tokens (default: maxLength); LRA pads to 2000.
 * The same generator state gives the same batch, bit for bit.
 */
export function listOpsBatch(
  gen: Generator,
  batchSize: number,
  options: ListOpsOptions & { seqLength?: number } = {},
): ListOpsBatch {
  const fn = 'listOpsBatch';
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${fn}: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  const o = resolveOptions(fn, options);
  const seqLength = options.seqLength ?? o.maxLength;
  if (!Number.isInteger(seqLength) || seqLength < o.maxLength) {
    throw new RangeError(`${fn}: seqLength ${seqLength} must be an integer >= maxLength ${o.maxLength}`);
  }
  const tokens = new Int32Array(batchSize * seqLength); // zeros are already LISTOPS_PAD
  const lengths = new Int32Array(batchSize);
  const labels = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const sample = sampleResolved(fn, gen, o);
    tokens.set(sample.tokens, b * seqLength);
    lengths[b] = sample.tokens.length;
    labels[b] = sample.label;
  }
  return { tokens, lengths, labels };
}
