// The fixture helper must not pass silently: every recorded output is compared (or explicitly
// ignored), and shapes count as well as values.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mul, reshape } from '../../src/index.js';
import { checkFixtureCase, type FixtureArray, type FixtureCase } from './fixtures.js';

const fx = suite('fixture helper');

const arr = (shape: number[], data: number[]): FixtureArray => ({ shape, dtype: 'float64', data });

/** y = 2x and z = 3x recorded for x = [[1, 2], [3, 4]], with the gradient of Σ y. */
const fixture = (): FixtureCase => ({
  name: 'doubling',
  op: 'double',
  options: {},
  inputs: { x: arr([2, 2], [1, 2, 3, 4]) },
  outputs: { y: arr([2, 2], [2, 4, 6, 8]), z: arr([2, 2], [3, 6, 9, 12]) },
  upstream: { y: arr([2, 2], [1, 1, 1, 1]) },
  grads: { x: arr([2, 2], [2, 2, 2, 2]) },
});

fx('passes when every recorded output is returned and matches', () => {
  checkFixtureCase(fixture(), ({ x }) => ({ y: mul(x, 2), z: mul(x, 3) }));
});

fx('a recorded output that is not returned fails, unless it is listed in ignore', () => {
  assert.throws(() => checkFixtureCase(fixture(), ({ x }) => ({ y: mul(x, 2) })), /doubling: the case records output 'z' but the function returned only y; return it or list it in ignore/);
  checkFixtureCase(fixture(), ({ x }) => ({ y: mul(x, 2) }), { ignore: ['z'] });
  assert.throws(() => checkFixtureCase(fixture(), ({ x }) => ({ y: mul(x, 2) }), { ignore: ['w'] }), /ignore lists output 'w', which the case does not record/);
  assert.throws(() => checkFixtureCase(fixture(), ({ x }) => ({ y: mul(x, 2), z: mul(x, 3) }), { ignore: ['z'] }), /output 'z' is returned but also listed in ignore/);
});

fx('shapes are compared, not only the flat values', () => {
  assert.throws(() => checkFixtureCase(fixture(), ({ x }) => ({ y: reshape(mul(x, 2), [4]), z: mul(x, 3) })), /doubling: output y has shape \[4\], recorded \[2,2\]/);
  const c = fixture();
  c.grads = { x: arr([4], [2, 2, 2, 2]) };
  assert.throws(() => checkFixtureCase(c, ({ x }) => ({ y: mul(x, 2), z: mul(x, 3) })), /doubling: grad x has shape \[2,2\], recorded \[4\]/);
});

fx.run();
