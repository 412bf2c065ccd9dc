// The adding problem: marker placement, targets, the 1/6 baseline, determinism, errors.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '../../src/tensor/random.js';
import { ADDING_BASELINE_MSE, addingBatch, type AddingBatch } from '../../src/data/adding.js';

function sameBatch(a: AddingBatch, b: AddingBatch): boolean {
  const same = (x: Float32Array, y: Float32Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  return same(a.inputs, b.inputs) && same(a.targets, b.targets);
}

/** The marked steps of sample b, checking that every marker is exactly 0 or 1. */
function markedSteps(batch: AddingBatch, b: number, length: number): number[] {
  const steps: number[] = [];
  for (let t = 0; t < length; t++) {
    const marker = batch.inputs[(b * length + t) * 2 + 1];
    assert.ok(marker === 0 || marker === 1, `marker ${marker}`);
    if (marker === 1) steps.push(t);
  }
  return steps;
}

test('addingBatch: two markers, one per half, target = sum of the marked values', () => {
  for (const length of [2, 7, 50]) {
    const batch = addingBatch(new Generator(1), 300, length);
    assert.is(batch.inputs.length, 300 * length * 2);
    assert.is(batch.targets.length, 300);
    const half = Math.floor(length / 2);
    for (let b = 0; b < 300; b++) {
      const steps = markedSteps(batch, b, length);
      assert.is(steps.length, 2);
      assert.ok(steps[0] < half && steps[1] >= half, `steps ${steps} for length ${length}`);
      for (let t = 0; t < length; t++) {
        const v = batch.inputs[(b * length + t) * 2];
        assert.ok(v >= 0 && v < 1, `value ${v}`);
      }
      const [first, second] = steps.map((t) => batch.inputs[(b * length + t) * 2]);
      assert.is(batch.targets[b], Math.fround(first + second));
    }
  }
});

test('addingBatch: every step of each half can hold a marker', () => {
  const length = 9; // halves 0..3 and 4..8
  const seen = new Array<number>(length).fill(0);
  const batch = addingBatch(new Generator(2), 500, length);
  for (let b = 0; b < 500; b++) for (const t of markedSteps(batch, b, length)) seen[t]++;
  assert.ok(seen.every((c) => c > 0), `counts ${seen.join(',')}`);
});

test('addingBatch: mean target ≈ 1 and predicting 1 scores MSE ≈ 1/6', () => {
  // Over n = 20000 samples the standard errors are sqrt(1/6 / n) ≈ 0.0029 for the mean and
  // sqrt((1/15 - 1/36) / n) ≈ 0.0014 for the MSE (E[(S-1)^4] = 1/15 for the triangular S - 1);
  // the tolerances are five of them.
  const n = 20000;
  const { targets } = addingBatch(new Generator(3), n, 16);
  let mean = 0;
  let mse = 0;
  for (const y of targets) {
    mean += y / n;
    mse += (y - 1) ** 2 / n;
  }
  assert.ok(Math.abs(mean - 1) < 0.015, `mean target ${mean}`);
  assert.ok(Math.abs(mse - ADDING_BASELINE_MSE) < 0.007, `baseline MSE ${mse}`);
  assert.ok(Math.abs(ADDING_BASELINE_MSE - 0.1667) < 1e-4);
});

test('determinism: same seed, same batch; other seed or later batch, different', () => {
  const a = addingBatch(new Generator(5), 8, 100);
  assert.ok(sameBatch(a, addingBatch(new Generator(5), 8, 100)));
  assert.not.ok(sameBatch(a, addingBatch(new Generator(6), 8, 100)));
  const gen = new Generator(5);
  addingBatch(gen, 8, 100);
  assert.not.ok(sameBatch(a, addingBatch(gen, 8, 100)));
});

test('bad arguments throw RangeError naming the function and values', () => {
  const gen = new Generator(0);
  assert.throws(() => addingBatch(gen, 0, 10), /addingBatch: batchSize must be an integer >= 1, got 0/);
  assert.throws(() => addingBatch(gen, 4, 1), /addingBatch: length must be an integer >= 2, got 1/);
  assert.throws(() => addingBatch(gen, 4, 0), /length must be an integer >= 2, got 0/);
  assert.throws(() => addingBatch(gen, 4, 2.5), /length must be an integer >= 2, got 2.5/);
  assert.throws(() => addingBatch(gen, 4, -3), (e: unknown) => e instanceof RangeError);
});

test.run();
