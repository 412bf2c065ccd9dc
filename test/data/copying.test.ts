// The copying memory problem: the layout of every sequence, the targets, determinism, errors.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '../../src/tensor/random.js';
import {
  COPYING_BLANK, COPYING_DELIMITER, COPYING_IGNORE, COPYING_MIN_LENGTH, COPYING_RECALL, COPYING_SYMBOLS, copyingBatch,
} from '../../src/data/copying.js';

test('copyingBatch: ten symbols, T − 1 blanks, the delimiter, ten blanks; the targets repeat the symbols at lag T + 10', () => {
  for (const length of [COPYING_MIN_LENGTH, 30, 120]) {
    const batch = 50;
    const { tokens, targets } = copyingBatch(new Generator(3), batch, length);
    assert.is(tokens.length, batch * length);
    const lag = length - COPYING_RECALL; // T + 10
    for (let b = 0; b < batch; b++) {
      const row = (i: number): number => tokens[b * length + i];
      const target = (i: number): number => targets[b * length + i];
      for (let i = 0; i < length; i++) {
        const expected = i < COPYING_RECALL ? 'symbol' : i === lag - 1 ? 'delimiter' : 'blank';
        if (expected === 'symbol') assert.ok(row(i) >= 1 && row(i) <= COPYING_SYMBOLS, `symbol ${row(i)} at ${i}`);
        else assert.is(row(i), expected === 'delimiter' ? COPYING_DELIMITER : COPYING_BLANK, `${expected} at ${i} of length ${length}`);
        assert.is(target(i), i >= lag ? row(i - lag) : COPYING_IGNORE, `target at ${i}`);
      }
    }
  }
});

test('copyingBatch: every symbol is drawn, about equally often, and the same seed gives the same batch', () => {
  const { tokens } = copyingBatch(new Generator(7), 2000, 40);
  const counts = new Array<number>(COPYING_SYMBOLS + 1).fill(0);
  for (let b = 0; b < 2000; b++) for (let i = 0; i < COPYING_RECALL; i++) counts[tokens[b * 40 + i]] += 1;
  // 20,000 draws over 8 symbols: 2,500 each, standard deviation about 47.
  for (let s = 1; s <= COPYING_SYMBOLS; s++) assert.ok(Math.abs(counts[s] - 2500) < 250, `symbol ${s}: ${counts[s]}`);
  const again = copyingBatch(new Generator(7), 2000, 40);
  assert.equal(Array.from(again.tokens), Array.from(tokens));
  assert.not.equal(Array.from(copyingBatch(new Generator(8), 2000, 40).tokens), Array.from(tokens));
});

test('copyingBatch: bad sizes are clear errors', () => {
  assert.throws(() => copyingBatch(new Generator(1), 0, 30), /copyingBatch: batchSize must be an integer >= 1, got 0/);
  assert.throws(() => copyingBatch(new Generator(1), 2, 20), /copyingBatch: length must be an integer >= 21 .* got 20/);
  assert.throws(() => copyingBatch(new Generator(1), 2, 30.5), /length must be an integer >= 21/);
});

test.run();
