// Character-level text: vocabulary, split, batches of shifted windows, bits per character.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '../../src/tensor/random.js';
import { CharVocab, bitsPerChar, charBatch, charDataset, splitTrainVal, type CharBatch } from '../../src/data/text.js';

const TEXT = 'To be, or not to be, that is the question:\nWhether \'tis nobler in the mind to suffer\n';

function sameBatch(a: CharBatch, b: CharBatch): boolean {
  const same = (x: Int32Array, y: Int32Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.inputs, b.inputs) && same(a.targets, b.targets);
}

/** 0, 1, ..., n - 1: each id names its own position, so windows are easy to check. */
function positions(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

test('CharVocab: sorted distinct characters, round trip', () => {
  const vocab = CharVocab.fromText('hello world');
  assert.equal(vocab.chars, [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.is(vocab.size, 8);
  assert.equal(Array.from(vocab.encode('hold')), [3, 5, 4, 1]);
  const full = CharVocab.fromText(TEXT);
  assert.is(full.decode(full.encode(TEXT)), TEXT);
});

test('CharVocab: code points, sorted by code point', () => {
  // U+1F600 is two UTF-16 units (0xD83D 0xDE00), which would sort before U+FF01 by units.
  const vocab = CharVocab.fromText('a\u{1F600}b\uFF01a');
  assert.equal(vocab.chars, ['a', 'b', '\uFF01', '\u{1F600}']);
  assert.equal(Array.from(vocab.encode('\u{1F600}a')), [3, 0]);
  assert.is(vocab.decode([3, 2, 1]), '\u{1F600}\uFF01b');
});

test('CharVocab: unknown characters and ids throw RangeError', () => {
  const vocab = CharVocab.fromText('abc');
  assert.throws(() => vocab.encode('abz'), /CharVocab.encode: character "z" \(U\+007A\) at 2/);
  assert.throws(() => vocab.decode([0, 3]), /CharVocab.decode: id 3 at 1 is outside \[0, 3\)/);
  assert.throws(() => new CharVocab(['a', 'a']), /appears twice/);
  assert.throws(() => new CharVocab(['ab']), /not a single character/);
});

test('splitTrainVal: last 10% for validation by default', () => {
  const ids = positions(1000);
  const { train, val } = splitTrainVal(ids);
  assert.is(train.length, 900);
  assert.is(val.length, 100);
  assert.is(train[899], 899);
  assert.is(val[0], 900);
  const quarter = splitTrainVal(positions(10), 0.25);
  assert.is(quarter.train.length, 7); // floor(10 · 0.75)
  assert.is(quarter.val.length, 3);
  assert.is(splitTrainVal(positions(10), 0).val.length, 0);
  assert.throws(() => splitTrainVal(ids, 1), /splitTrainVal: valFraction must lie in \[0, 1\), got 1/);
});

test('charDataset: vocabulary and split of one text', () => {
  const data = charDataset(TEXT);
  const n = Array.from(TEXT).length;
  assert.is(data.train.length, Math.floor(n * 0.9));
  assert.is(data.train.length + data.val.length, n);
  assert.is(data.vocab.decode(data.train) + data.vocab.decode(data.val), TEXT);
  assert.throws(() => charDataset(''), /charDataset: the text is empty/);
});

test('charDataset with a given vocabulary: its ids, not the text\'s own; has() tells membership', () => {
  const trained = new CharVocab([' ', 'a', 'b', 'c']);
  const data = charDataset('cab cab', 0, trained);
  assert.is(data.vocab, trained);
  assert.equal(Array.from(data.train), [3, 1, 2, 0, 3, 1, 2]);
  // An order the text would not give: the ids follow the given vocabulary.
  assert.equal(Array.from(charDataset('cab', 0, new CharVocab(['c', 'b', 'a'])).train), [0, 2, 1]);
  assert.ok(trained.has('a') && !trained.has('z'));
  assert.throws(() => charDataset('cabz', 0, trained), /character "z" \(U\+007A\) at 3 is not in the vocabulary/);
});

test('charBatch: contiguous windows, targets shifted by one', () => {
  const L = 12;
  const data = positions(100);
  const { inputs, targets } = charBatch(new Generator(1), data, 32, L);
  assert.is(inputs.length, 32 * L);
  for (let b = 0; b < 32; b++) {
    const start = inputs[b * L];
    assert.ok(start >= 0 && start + L + 1 <= 100, `start ${start}`);
    for (let t = 0; t < L; t++) {
      assert.is(inputs[b * L + t], start + t);
      assert.is(targets[b * L + t], start + t + 1);
    }
  }
});

test('charBatch: every offset can be drawn, including the last', () => {
  const L = 10;
  const data = positions(L + 5); // offsets 0..4
  const seen = new Set<number>();
  const { inputs } = charBatch(new Generator(2), data, 200, L);
  for (let b = 0; b < 200; b++) seen.add(inputs[b * L]);
  assert.equal([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4]);
  // exactly length + 1 ids: the only window is the whole text
  const only = charBatch(new Generator(3), positions(L + 1), 3, L);
  assert.ok(only.targets.every((v, i) => v === (i % L) + 1));
});

test('determinism: same seed, same batch; other seed or later batch, different', () => {
  const data = charDataset(TEXT).train;
  const a = charBatch(new Generator(9), data, 4, 16);
  assert.ok(sameBatch(a, charBatch(new Generator(9), data, 4, 16)));
  assert.not.ok(sameBatch(a, charBatch(new Generator(10), data, 4, 16)));
  const gen = new Generator(9);
  charBatch(gen, data, 4, 16);
  assert.not.ok(sameBatch(a, charBatch(gen, data, 4, 16)));
});

test('bad arguments throw RangeError naming the function and values', () => {
  const gen = new Generator(0);
  const data = positions(20);
  assert.throws(() => charBatch(gen, data, 4, 20), /charBatch: the text has 20 characters, fewer than length \+ 1 = 21/);
  assert.throws(() => charBatch(gen, data, 0, 5), /charBatch: batchSize must be an integer >= 1, got 0/);
  assert.throws(() => charBatch(gen, data, 4, 0), /charBatch: length must be an integer >= 1, got 0/);
  assert.throws(() => charBatch(gen, data, 4, -1), (e: unknown) => e instanceof RangeError);
});

test('bitsPerChar: nats divided by ln 2', () => {
  assert.is(bitsPerChar(Math.LN2), 1);
  assert.ok(Math.abs(bitsPerChar(Math.log(65)) - Math.log2(65)) < 1e-12);
  assert.is(bitsPerChar(0), 0);
});

test.run();
